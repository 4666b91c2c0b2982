"""The Compare view's widgets: which two models (and which search) to compare, and the
"Train both" form: two models, one task, one training budget."""

from __future__ import annotations

from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.server import RunSpec
from ui import state
from ui.services.training import arch_label
from ui.widgets.common import KEEP, choice_args


# "Train both" defaults, from bench/compare_live.py on one core (docs/benchmarks.md,
# "Compare"): attention at least 30 points above the fixed context on the longest strings
# within 60 s of Start.
DEFAULTS = {"lengths": (4, 12), "hidden": 64, "emb": 16, "steps": 1000, "lr": 5e-3,
            "eval_every": 50, "eval_size": 300, "n_train": 5000}
MODES = {"models": "Two models, nothing to train", "train": "Train both, live"}


def mode_picker() -> str:
    """Compare two models that exist (the default) or train a pair live."""
    return st.radio("Compare", list(MODES), format_func=MODES.__getitem__, horizontal=True,
                    key=state.COMPARE_MODE, persist_state=KEEP, label_visibility="collapsed")


def pair_picker(by_task: dict[str, dict[str, str]], default_task: str,
                default_pair: dict[str, tuple[str, str]]) -> tuple[str, str, str, str]:
    """A task, then model A and model B among that task's models (picker key -> name).

    ``default_pair[task]`` is the (A, B) a task starts on: its shipped fixed-context and
    attention models. Returns (task, key A, key B, search: "greedy" or "beam")."""
    tasks = list(by_task)
    state.choice(state.COMPARE_PICK_TASK, tasks, default_task)
    c0, c1, c2, c3 = st.columns([1, 2, 2, 1])
    task = c0.selectbox("Task", tasks, key=state.COMPARE_PICK_TASK, persist_state=KEEP)
    names = by_task[task]
    keys = list(names)
    picked = []
    for column, letter, default in zip((c1, c2), "ab", default_pair.get(task, (None, None))):
        key = state.COMPARE_PICK.format(letter)
        state.choice(key, keys, default if default in keys else keys[letter == "b"])
        picked.append(column.selectbox(f"Model {letter.upper()}", keys, key=key,
                                       format_func=names.__getitem__, persist_state=KEEP))
    strategy = c3.radio("Search", ["greedy", "beam"], horizontal=True,
                        key=state.COMPARE_STRATEGY, persist_state=KEEP,
                        format_func={"greedy": "greedy", "beam": "beam 5"}.__getitem__)
    return task, picked[0], picked[1], strategy


def _compare_model(column, name: str, decoder: str) -> dict[str, Any]:
    """One side of the comparison: decoder kind, its variant and the cell."""
    letter = name.lower()
    kind = column.radio(f"Model {name} decoder", **choice_args("decoder", decoder),
                        horizontal=True, key=state.COMPARE_MODEL.format(letter, "decoder"),
                        format_func=lambda d: core.DECODERS[d].label, persist_state=KEEP)
    fields = {"decoder": kind,
              "cell": column.radio(f"Model {name} cell", **choice_args("cell", "gru"),
                                   horizontal=True, persist_state=KEEP,
                                   key=state.COMPARE_MODEL.format(letter, "cell"))}
    if core.DECODERS[kind].attends:
        fields["score"] = column.selectbox(f"Model {name} score",
                                           **choice_args("score", "additive"),
                                           key=state.COMPARE_MODEL.format(letter, "score"),
                                           persist_state=KEEP)
    else:
        fields["fixed_context"] = column.selectbox(
            f"Model {name} fixed-context variant", **choice_args("fixed_context", "cho"),
            key=state.COMPARE_MODEL.format(letter, "fixed"), persist_state=KEEP)
    return fields


def compare_form(running: bool) -> tuple[RunSpec, list[dict], list[str]] | None:
    """Two models, one task, one budget. On submit returns (shared spec, [A, B] model
    overrides, [A, B] labels), else None. Raises ValueError for invalid settings."""
    with st.form(state.COMPARE_FORM):
        task = st.selectbox("Task", ["reverse", "dates"], key=state.COMPARE_TASK,
                            persist_state=KEEP, help="The synthetic tasks, which need no "
                            "options: reverse shows the length effect best.")
        low, high = st.slider("String lengths (reverse)", 1, 40, DEFAULTS["lengths"],
                              key=state.COMPARE_LENGTHS, persist_state=KEEP)
        left, right = st.columns(2)
        variants = [_compare_model(left, "A", "fixed"), _compare_model(right, "B", "attention")]
        c1, c2, c3 = st.columns(3)
        hidden = c1.number_input("Hidden size", 1, 512, DEFAULTS["hidden"],
                                 key=state.COMPARE_HIDDEN, persist_state=KEEP)
        emb = c1.number_input("Embedding size", 1, 256, DEFAULTS["emb"], key=state.COMPARE_EMB,
                              persist_state=KEEP)
        pairs = c1.number_input("Training pairs", 100, 100_000, DEFAULTS["n_train"],
                                step=1000, key=state.COMPARE_N_TRAIN, persist_state=KEEP,
                                help="Generated once when Start is pressed: fewer pairs "
                                     "start sooner, and a minute of training sees each "
                                     "only a few times.")
        steps = c2.number_input("Steps (each)", 1, 100_000, DEFAULTS["steps"], step=100,
                                key=state.COMPARE_STEPS, persist_state=KEEP)
        lr = c2.number_input("Learning rate", 1e-5, 0.1, DEFAULTS["lr"], format="%.4f",
                             step=1e-3, key=state.COMPARE_LR, persist_state=KEEP)
        seed = c3.number_input("Seed", 0, 2**31 - 1, 0, key=state.COMPARE_SEED,
                               persist_state=KEEP)
        every = c3.number_input("Evaluate every (steps)", 1, 100_000, DEFAULTS["eval_every"],
                                key=state.COMPARE_EVAL_EVERY, persist_state=KEEP)
        size = c3.number_input("Held-out pairs per evaluation", 1, 1000, DEFAULTS["eval_size"],
                               key=state.COMPARE_EVAL_SIZE, persist_state=KEEP)
        submitted = st.form_submit_button("Train both", type="primary",
                                          key=state.COMPARE_START, disabled=running)
    if not submitted:
        return None
    options = {"min_len": low, "max_len": high} if task == "reverse" else {}
    options["n_train"] = int(pairs)
    train = core.TrainConfig(steps=int(steps), learning_rate=float(lr), seed=int(seed),
                             eval_every=int(every), eval_size=int(size), max_seconds=900.0)
    model = {"hidden_dim": int(hidden), "emb_dim": int(emb)}
    labels = [arch_label({**model, **v}) for v in variants]  # validates both first
    return RunSpec(task, options, model, train), variants, labels
