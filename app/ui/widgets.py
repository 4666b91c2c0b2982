"""Widget groups: each draws its widgets and returns plain values or a config dataclass.

Every widget that matters has a ``key`` (tests find them by it) and keeps its value for
the whole session (``persist_state="session"``), so switching pages loses nothing.
"""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.worker import RunSpec
from ui import state

KEEP = "session"  # persist_state: keep widget values across page switches


def model_picker(choices: dict[str, str], default: str | None) -> str | None:
    """Sidebar select box over ``choices`` (key -> name); returns the picked key."""
    if not choices:
        st.info("No shipped models yet — train one on the Train page.")
        return None
    if state.model_key() not in choices:
        state.use_model(default or next(iter(choices)))
    return st.selectbox("Model", list(choices), format_func=choices.__getitem__,
                        key=state.MODEL, help="Shipped models, then the runs you trained.")


def example_buttons(examples: tuple[str, ...], task: str) -> None:
    """One button per example; a click fills the Decode input."""
    with st.container(horizontal=True, wrap=True):
        for i, text in enumerate(examples):
            st.button(text, key=f"example_{i}", on_click=state.fill_source, args=(text, task))


def decode_controls() -> core.DecodeConfig:
    """Beam width, length penalty, max length and n-best -> a beam DecodeConfig."""
    c1, c2, c3, c4 = st.columns(4)
    beam = c1.slider("Beam width K", 1, 16, 5, key="beam_size", persist_state=KEEP)
    alpha = c2.slider("Length penalty α (GNMT)", 0.0, 2.0, 0.0, 0.1, key="alpha",
                      persist_state=KEEP, help="0 ranks by raw log-probability; larger "
                      "values favour longer outputs: score / ((5 + |Y|) / 6) ** α")
    max_len = c3.number_input("Max output length", 1, 200, 50, key="max_len",
                              persist_state=KEEP)
    n_best = c4.number_input("n-best", 1, 16, 5, key="n_best", persist_state=KEEP,
                             help="Hypotheses to list (at most K).")
    return core.DecodeConfig(strategy="beam", beam_size=beam, length_penalty=alpha,
                             max_len=int(max_len), n_best=min(int(n_best), beam))


def task_picker() -> str:
    """Task select box with the task's one-line description below it."""
    task = st.selectbox("Task", list(core.TASKS), key="train_task", persist_state=KEEP)
    st.caption(core.TASKS[task].description)
    return task


def _model_fields() -> dict:
    left, right = st.columns(2)
    fields = {
        "cell": left.radio("Encoder/decoder cell", ["gru", "lstm"], horizontal=True,
                           key="train_cell", persist_state=KEEP),
        "bidirectional": left.checkbox("Bidirectional encoder", key="train_bidirectional",
                                       persist_state=KEEP),
        "num_layers": left.slider("Layers", 1, 4, 1, key="train_layers", persist_state=KEEP),
        "emb_dim": int(left.number_input("Embedding size", 1, 512, 32, key="train_emb",
                                         persist_state=KEEP)),
        "hidden_dim": int(left.number_input("Hidden size", 1, 1024, 128, key="train_hidden",
                                            persist_state=KEEP)),
        "decoder": right.radio("Decoder", ["attention", "fixed"], horizontal=True,
                               key="train_decoder", persist_state=KEEP,
                               format_func={"attention": "attention",
                                            "fixed": "fixed context"}.__getitem__),
        "score": right.selectbox("Attention score (attention decoder)",
                                 ["additive", "dot", "general"], key="train_score",
                                 persist_state=KEEP),
        "fixed_context": right.selectbox(
            "Fixed-context variant (fixed decoder)", ["cho", "sutskever"], key="train_fixed",
            persist_state=KEEP, help="sutskever: the encoder's final state only starts the "
            "decoder; cho: the context vector c also feeds every step."),
    }
    fields["dropout"] = right.slider("Dropout", 0.0, 0.5, 0.0, 0.05, key="train_dropout",
                                     persist_state=KEEP)
    return fields


def _train_fields() -> dict:
    c1, c2, c3 = st.columns(3)
    fields = {
        "learning_rate": c1.number_input("Learning rate", 1e-5, 0.1, 3e-3, format="%.4f",
                                         step=1e-3, key="train_lr", persist_state=KEEP),
        "batch_size": int(c1.number_input("Batch size", 1, 512, 64, key="train_batch",
                                          persist_state=KEEP)),
        "steps": int(c2.number_input("Steps", 1, 100_000, 1000, step=100, key="train_steps",
                                     persist_state=KEEP)),
        "teacher_forcing": c2.slider("Teacher forcing ratio", 0.0, 1.0, 1.0, 0.05,
                                     key="train_tf", persist_state=KEEP),
        "seed": int(c3.number_input("Seed", 0, 2**31 - 1, 0, key="train_seed",
                                    persist_state=KEEP)),
        "eval_every": int(c3.number_input("Evaluate every (steps)", 1, 100_000, 100,
                                          key="train_eval_every", persist_state=KEEP)),
    }
    with st.expander("More"):
        fields["eval_size"] = int(st.number_input(
            "Held-out pairs per evaluation", 1, 1000, 500, key="train_eval_size",
            persist_state=KEEP))
        fields["max_seconds"] = 60.0 * st.number_input(
            "Time limit (minutes, 0 = none)", 0, 240, 15, key="train_minutes",
            persist_state=KEEP, help="Stops the run even if its tab was closed.")
        fields["device"] = st.selectbox("Device", ["cpu", "auto", "cuda"], key="train_device",
                                        persist_state=KEEP, help="auto: CUDA when available")
    return fields


def train_form(task: str, running: bool) -> tuple[RunSpec, str] | None:
    """The hyperparameter form. On submit returns (spec, model label), else None.

    Raises:
        ValueError: the settings are invalid (the message comes from the config classes).
    """
    with st.form("train_form"):
        options = {}
        if task == "reverse":
            low, high = st.slider("String lengths", 1, 40, (5, 15), key="train_lengths",
                                  persist_state=KEEP)
            options = {"min_len": low, "max_len": high}
        model = _model_fields()
        train = _train_fields()
        submitted = st.form_submit_button("Start training", type="primary", key="train_start",
                                          disabled=running)
    if not submitted:
        return None
    label = core.ModelConfig(src_vocab_size=5, tgt_vocab_size=5, **model).label  # validates
    return RunSpec(task, options, model, core.TrainConfig(**train)), label
