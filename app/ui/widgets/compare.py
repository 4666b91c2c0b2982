"""The Compare view's form: two models, one task, one training budget."""

from __future__ import annotations

from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.server import RunSpec
from ui import state
from ui.services.training import arch_label
from ui.widgets.common import KEEP, choice_args


def _compare_model(column, name: str, decoder: str) -> dict[str, Any]:
    """One side of the comparison: decoder kind, its variant and the cell."""
    letter = name.lower()
    kind = column.radio(f"Model {name} decoder", **choice_args("decoder", decoder),
                        horizontal=True, key=state.COMPARE_MODEL.format(letter, "decoder"),
                        persist_state=KEEP)
    fields = {"decoder": kind,
              "cell": column.radio(f"Model {name} cell", **choice_args("cell", "gru"),
                                   horizontal=True, persist_state=KEEP,
                                   key=state.COMPARE_MODEL.format(letter, "cell"))}
    if kind == "attention":
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
        low, high = st.slider("String lengths (reverse)", 1, 40, (5, 40),
                              key=state.COMPARE_LENGTHS, persist_state=KEEP)
        left, right = st.columns(2)
        variants = [_compare_model(left, "A", "fixed"), _compare_model(right, "B", "attention")]
        c1, c2, c3 = st.columns(3)
        hidden = c1.number_input("Hidden size", 1, 512, 64, key=state.COMPARE_HIDDEN,
                                 persist_state=KEEP)
        emb = c1.number_input("Embedding size", 1, 256, 16, key=state.COMPARE_EMB,
                              persist_state=KEEP)
        steps = c2.number_input("Steps (each)", 1, 100_000, 1500, step=100,
                                key=state.COMPARE_STEPS, persist_state=KEEP)
        lr = c2.number_input("Learning rate", 1e-5, 0.1, 3e-3, format="%.4f", step=1e-3,
                             key=state.COMPARE_LR, persist_state=KEEP)
        seed = c3.number_input("Seed", 0, 2**31 - 1, 0, key=state.COMPARE_SEED,
                               persist_state=KEEP)
        every = c3.number_input("Evaluate every (steps)", 1, 100_000, 100,
                                key=state.COMPARE_EVAL_EVERY, persist_state=KEEP)
        size = c3.number_input("Held-out pairs per evaluation", 1, 1000, 300,
                               key=state.COMPARE_EVAL_SIZE, persist_state=KEEP)
        submitted = st.form_submit_button("Train both", type="primary",
                                          key=state.COMPARE_START, disabled=running)
    if not submitted:
        return None
    options = {"min_len": low, "max_len": high} if task == "reverse" else {}
    train = core.TrainConfig(steps=int(steps), learning_rate=float(lr), seed=int(seed),
                             eval_every=int(every), eval_size=int(size), max_seconds=900.0)
    model = {"hidden_dim": int(hidden), "emb_dim": int(emb)}
    labels = [arch_label({**model, **v}) for v in variants]  # validates both first
    return RunSpec(task, options, model, train), variants, labels
