"""Widget groups: each draws its widgets and returns plain values or a config dataclass.

Every widget that matters has a ``key`` (tests find them by it) and keeps its value for
the whole session (``persist_state="session"``), so switching pages loses nothing.
"""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.inside.trace import StateSelection
from seq2seq_core.server.worker import RunSpec
from ui import services, state
from ui.text import md_escape

KEEP = "session"  # persist_state: keep widget values across page switches


def picked_model() -> services.ModelHandle:
    """The model picked in the sidebar, loaded. When it cannot be loaded, or there is
    none yet, says so and stops the page (``st.stop``)."""
    try:
        handle = services.resolve_model(state.model_key(), state.runs())
    except core.CheckpointError as err:
        st.error(f"This model cannot be loaded: {md_escape(str(err))}")
        st.stop()
    if handle is None:
        st.info("No model yet: train one on the Train page, then pick it in the sidebar.")
        st.stop()
    return handle


def model_line(handle: services.ModelHandle, tail_md: str | None = None) -> None:
    """"**name** · task `task` · tail" under a view's title (the handle's name and task
    are markdown-safe already); ``tail_md`` (markdown) defaults to the architecture label."""
    tail = handle.label if tail_md is None else tail_md
    st.markdown(f"**{handle.name}** · task `{handle.task}` · {tail}")


def model_picker(choices: dict[str, str], default: str | None) -> str | None:
    """Sidebar select box over ``choices`` (key -> name); returns the picked key."""
    if not choices:
        st.info("No shipped models yet — train one on the Train page.")
        return None
    if state.model_key() not in choices:
        state.use_model(default or next(iter(choices)))
    picked = st.selectbox("Model", list(choices), format_func=choices.__getitem__,
                          key=state.MODEL, help="Shipped models, then the runs you trained.")
    st.caption(services.choice_description(picked, state.runs()))
    return picked


def example_buttons(examples: tuple[str, ...], task: str) -> None:
    """One button per example; a click fills the Decode input."""
    with st.container(horizontal=True, wrap=True):
        for i, text in enumerate(examples):
            st.button(text, key=f"example_{i}", on_click=state.fill_source, args=(text, task))


def decode_controls() -> core.DecodeConfig:
    """Beam width, length penalty, max length and n-best -> a beam DecodeConfig."""
    c1, c2, c3, c4 = st.columns(4)
    lim = services.limits()
    beam = c1.slider("Beam width K", 1, lim.max_beam_size, min(5, lim.max_beam_size),
                     key="beam_size", persist_state=KEEP)
    alpha = c2.slider("Length penalty α (GNMT)", 0.0, 2.0, 0.0, 0.1, key="alpha",
                      persist_state=KEEP, help="0 ranks by raw log-probability; larger "
                      "values favour longer outputs: score / ((5 + |Y|) / 6) ** α")
    max_len = c3.number_input("Max output length", 1, lim.max_output_len,
                              min(50, lim.max_output_len), key="max_len", persist_state=KEEP)
    n_best = c4.number_input("n-best", 1, 16, 5, key="n_best", persist_state=KEEP,
                             help="Hypotheses to list (at most K).")
    return core.DecodeConfig(strategy="beam", beam_size=beam, length_penalty=alpha,
                             max_len=int(max_len), n_best=min(int(n_best), beam))


def task_picker() -> str:
    """Task select box listing every task with its one-line description."""
    task = st.selectbox("Task", list(core.TASKS), key="train_task", persist_state=KEEP,
                        format_func=lambda t: f"{t}: {core.TASKS[t].description}")
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


def train_form(task: str, running: bool,
               options: dict | None = None) -> tuple[RunSpec, str] | None:
    """The hyperparameter form. On submit returns (spec, model label), else None.

    ``options`` are task options chosen outside the form (``task_widgets.task_options``).

    Raises:
        ValueError: the settings are invalid (the message comes from the config classes).
    """
    with st.form("train_form"):
        options = dict(options or {})
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


def one_token_variant(text: str) -> str:
    """``text`` with one token changed, to compare two nearly equal inputs.

    Example: "March 3, 2021" -> "March 4, 2021" (first digit + 1); "hello" -> "iello".
    """
    for i, ch in enumerate(text):
        if ch.isdigit():
            return text[:i] + str((int(ch) + 1) % 10) + text[i + 1:]
    for i, ch in enumerate(text):
        if "a" <= ch <= "z":
            return text[:i] + chr((ord(ch) - ord("a") + 1) % 26 + ord("a")) + text[i + 1:]
    return text


def default_source(task: str) -> str:
    """The task's first example, or an empty string for an unknown task."""
    info = core.TASKS.get(task)
    return info.examples[0] if info and info.examples else ""


def kept_text(label: str, key: str, default: str, task: str) -> str:
    """A text box whose value survives page switches, kept in ``st.session_state[key]``
    and reset to ``default`` when ``task`` changes. The widget's own key is ``key +
    "_input"`` (a plain session value, not ``persist_state``: in AppTest a persisted
    widget read back empty on the first run after a page switch)."""
    widget = f"{key}_input"
    if st.session_state.get(f"{key}_task") != task or key not in st.session_state:
        st.session_state[key], st.session_state[f"{key}_task"] = default, task
        st.session_state.pop(widget, None)
    if widget not in st.session_state:
        st.session_state[widget] = st.session_state[key]

    def keep() -> None:
        st.session_state[key] = st.session_state[widget]

    return st.text_input(label, key=widget, on_change=keep)


def state_controls(cfg: core.ModelConfig, allow_3d: bool = True) -> tuple[StateSelection, int]:
    """Which states to project (part, layer, direction, LSTM cell) and 2-D or 3-D."""
    c1, c2, c3, c4, c5 = st.columns(5)
    part = c1.radio("States", ["encoder", "decoder"], horizontal=True, key="states_part",
                    persist_state=KEEP, format_func={"encoder": "encoder h_1..h_S",
                                                     "decoder": "decoder s_1..s_T"}.__getitem__)
    layer = c2.selectbox("Layer", list(range(cfg.num_layers)), index=cfg.num_layers - 1,
                         key=f"states_layer_of_{cfg.num_layers}",
                         format_func=lambda i: f"{i + 1} of {cfg.num_layers}")
    direction = 0
    if part == "encoder" and cfg.bidirectional:
        direction = c3.radio("Direction", [0, 1], horizontal=True, key="states_direction",
                             format_func=["forward", "backward"].__getitem__)
    cell = cfg.cell == "lstm" and c4.checkbox("LSTM cell state c", key="states_cell")
    dims = 2
    if allow_3d:
        dims = c5.radio("Projection", [2, 3], horizontal=True, key="states_dims",
                        persist_state=KEEP, format_func=lambda d: f"{d}-D")
    return StateSelection(part, int(layer), int(direction), bool(cell)), int(dims)


def _compare_model(column, name: str, decoder: str) -> dict:
    """One side of the comparison: decoder kind, its variant and the cell."""
    key = name.lower()
    kind = column.radio(f"Model {name} decoder", ["fixed", "attention"],
                        index=["fixed", "attention"].index(decoder), horizontal=True,
                        key=f"compare_{key}_decoder", persist_state=KEEP)
    fields = {"decoder": kind,
              "cell": column.radio(f"Model {name} cell", ["gru", "lstm"], horizontal=True,
                                   key=f"compare_{key}_cell", persist_state=KEEP)}
    if kind == "attention":
        fields["score"] = column.selectbox(f"Model {name} score", ["additive", "dot", "general"],
                                           key=f"compare_{key}_score", persist_state=KEEP)
    else:
        fields["fixed_context"] = column.selectbox(
            f"Model {name} fixed-context variant", ["cho", "sutskever"],
            key=f"compare_{key}_fixed", persist_state=KEEP)
    return fields


def compare_form(running: bool) -> tuple[RunSpec, list[dict], list[str]] | None:
    """Two models, one task, one budget. On submit returns (shared spec, [A, B] model
    overrides, [A, B] labels), else None. Raises ValueError for invalid settings."""
    with st.form("compare_form"):
        task = st.selectbox("Task", ["reverse", "dates"], key="compare_task",
                            persist_state=KEEP, help="The synthetic tasks, which need no "
                            "options: reverse shows the length effect best.")
        low, high = st.slider("String lengths (reverse)", 1, 40, (5, 40), key="compare_lengths",
                              persist_state=KEEP)
        left, right = st.columns(2)
        variants = [_compare_model(left, "A", "fixed"), _compare_model(right, "B", "attention")]
        c1, c2, c3 = st.columns(3)
        hidden = c1.number_input("Hidden size", 1, 512, 64, key="compare_hidden",
                                 persist_state=KEEP)
        emb = c1.number_input("Embedding size", 1, 256, 16, key="compare_emb", persist_state=KEEP)
        steps = c2.number_input("Steps (each)", 1, 100_000, 1500, step=100, key="compare_steps",
                                persist_state=KEEP)
        lr = c2.number_input("Learning rate", 1e-5, 0.1, 3e-3, format="%.4f", step=1e-3,
                             key="compare_lr", persist_state=KEEP)
        seed = c3.number_input("Seed", 0, 2**31 - 1, 0, key="compare_seed", persist_state=KEEP)
        every = c3.number_input("Evaluate every (steps)", 1, 100_000, 100,
                                key="compare_eval_every", persist_state=KEEP)
        size = c3.number_input("Held-out pairs per evaluation", 1, 1000, 300,
                               key="compare_eval_size", persist_state=KEEP)
        submitted = st.form_submit_button("Train both", type="primary", key="compare_start",
                                          disabled=running)
    if not submitted:
        return None
    options = {"min_len": low, "max_len": high} if task == "reverse" else {}
    train = core.TrainConfig(steps=int(steps), learning_rate=float(lr), seed=int(seed),
                             eval_every=int(every), eval_size=int(size), max_seconds=900.0)
    model = {"hidden_dim": int(hidden), "emb_dim": int(emb)}
    labels = [core.ModelConfig(src_vocab_size=5, tgt_vocab_size=5, **model, **v).label
              for v in variants]  # validates both before anything starts
    return RunSpec(task, options, model, train), variants, labels
