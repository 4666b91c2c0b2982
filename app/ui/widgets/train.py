"""The Train view's task picker and training form (widgets in, a ``RunSpec`` out), and
the controls of a running training: pause, resume, step, speed."""

from __future__ import annotations

from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.server import RunSnapshot, RunSpec, TrainingRun
from ui import glossary, state
from ui.services import training
from ui.services.training import arch_label
from ui.widgets.common import KEEP, choice_args


# The form's general defaults of the fields a task may set otherwise (TaskInfo.train_defaults):
# field -> (session-state key, value). The widgets below start from these values.
FORM_DEFAULTS: dict[str, tuple[str, Any]] = {
    "bidirectional": (state.TRAIN_BIDIRECTIONAL, False),
    "emb_dim": (state.TRAIN_EMB, 32),
    "hidden_dim": (state.TRAIN_HIDDEN, 128),
    "batch_size": (state.TRAIN_BATCH, 64),
}


def task_defaults(task: str) -> dict[str, Any]:
    """The values the form's fields start from for ``task``: its own where it has them,
    else the general ones (``FORM_DEFAULTS``).

    Raises:
        KeyError: a task default names a field the form does not have.
    """
    own = dict(core.TASKS[task].train_defaults)
    unknown = set(own) - set(FORM_DEFAULTS)
    if unknown:
        raise KeyError(f"{task}'s train_defaults name fields the Train form lacks: {unknown}")
    return {name: own.get(name, value) for name, (_, value) in FORM_DEFAULTS.items()}


def task_picker() -> str:
    """Task select box listing every task with its one-line description. When the task
    changes (or on a first visit), the form's fields move to that task's defaults."""
    task = st.selectbox("Task", list(core.TASKS), key=state.TRAIN_TASK, persist_state=KEEP,
                        format_func=lambda t: f"{t}: {core.TASKS[t].description}")
    ss = st.session_state
    if ss.get(state.TRAIN_DEFAULTS_FOR) != task:
        for name, value in task_defaults(task).items():
            ss[FORM_DEFAULTS[name][0]] = value  # before the form's widgets are drawn
        ss[state.TRAIN_DEFAULTS_FOR] = task
    return task


def decoder_picker() -> str:
    """The decoder, drawn above the training form: a widget inside an ``st.form`` sends
    its value only on submit, so the form could not follow it; outside, a change reruns
    the page and the form shows only that decoder's own setting."""
    return st.radio("Decoder", **choice_args("decoder", "attention"), horizontal=True,
                    key=state.TRAIN_DECODER, persist_state=KEEP,
                    format_func=lambda d: core.DECODERS[d].label,
                    help=glossary.help_text(
                        "fixed context: the decoder reads one vector for the whole source; "
                        "attention: a new weighted mix of the encoder's states at every "
                        "step, read before the step (Bahdanau 2015) or after it (Luong "
                        "2015, which trains faster: the RNN runs over the whole output at "
                        "once).", "context-vector", "attention-weights"))


def _decoder_fields(column, decoder: str) -> dict[str, Any]:
    """The attention score for an attention decoder, the fixed-context variant for a
    fixed one; the other keeps its last value (it does not change the model)."""
    ss = st.session_state
    fields = {"decoder": decoder, "score": ss.get(state.TRAIN_SCORE, "additive"),
              "fixed_context": ss.get(state.TRAIN_FIXED, "cho")}
    if core.DECODERS[decoder].attends:
        fields["score"] = column.selectbox(
            "Attention score", **choice_args("score", "additive"), key=state.TRAIN_SCORE,
            persist_state=KEEP, help=glossary.help_text(
                "How the decoder's state is compared with each encoder state.",
                "attention-weights"))
    else:
        fields["fixed_context"] = column.selectbox(
            "Fixed-context variant", **choice_args("fixed_context", "cho"),
            key=state.TRAIN_FIXED, persist_state=KEEP, help=glossary.help_text(
                "sutskever: the encoder's final state only starts the decoder; cho: the "
                "context vector c also feeds every step.", "context-vector"))
    return fields


def _default(name: str) -> Any:
    return FORM_DEFAULTS[name][1]


def _model_fields(decoder: str) -> dict[str, Any]:
    left, right = st.columns(2)
    fields = {
        "cell": left.radio("Encoder/decoder cell", **choice_args("cell", "gru"),
                           horizontal=True, key=state.TRAIN_CELL, persist_state=KEEP),
        "bidirectional": left.checkbox("Bidirectional encoder", _default("bidirectional"),
                                       key=state.TRAIN_BIDIRECTIONAL, persist_state=KEEP),
        "num_layers": left.slider("Layers", 1, 4, 1, key=state.TRAIN_LAYERS,
                                  persist_state=KEEP),
        "emb_dim": int(left.number_input("Embedding size", 1, 512, _default("emb_dim"),
                                         key=state.TRAIN_EMB, persist_state=KEEP)),
        "hidden_dim": int(left.number_input("Hidden size", 1, 1024, _default("hidden_dim"),
                                            key=state.TRAIN_HIDDEN, persist_state=KEEP)),
        **_decoder_fields(right, decoder),
    }
    fields["dropout"] = right.slider("Dropout", 0.0, 0.5, 0.0, 0.05, key=state.TRAIN_DROPOUT,
                                     persist_state=KEEP)
    return fields


def _train_fields() -> dict[str, Any]:
    c1, c2, c3 = st.columns(3)
    fields = {
        "learning_rate": c1.number_input("Learning rate", 1e-5, 0.1, 3e-3, format="%.4f",
                                         step=1e-3, key=state.TRAIN_LR, persist_state=KEEP),
        "batch_size": int(c1.number_input("Batch size", 1, 512, _default("batch_size"),
                                          key=state.TRAIN_BATCH, persist_state=KEEP)),
        "steps": int(c2.number_input("Steps", 1, 100_000, 1000, step=100,
                                     key=state.TRAIN_STEPS, persist_state=KEEP)),
        "teacher_forcing": c2.slider("Teacher forcing ratio", 0.0, 1.0, 1.0, 0.05,
                                     key=state.TRAIN_TF, persist_state=KEEP,
                                     help=glossary.help_text(
                                         "1: always feed the correct previous token.",
                                         "teacher-forcing")),
        "seed": int(c3.number_input("Seed", 0, 2**31 - 1, 0, key=state.TRAIN_SEED,
                                    persist_state=KEEP)),
        "eval_every": int(c3.number_input("Evaluate every (steps)", 1, 100_000, 100,
                                          key=state.TRAIN_EVAL_EVERY, persist_state=KEEP)),
    }
    with st.expander("More"):
        fields["eval_size"] = int(st.number_input(
            "Held-out pairs per evaluation", 1, 1000, 500, key=state.TRAIN_EVAL_SIZE,
            persist_state=KEEP))
        fields["max_seconds"] = 60.0 * st.number_input(
            "Time limit (minutes, 0 = none)", 0, 240, 15, key=state.TRAIN_MINUTES,
            persist_state=KEEP, help="Stops the run even if its tab was closed.")
        fields["device"] = st.selectbox("Device", ["cpu", "auto", "cuda"],
                                        key=state.TRAIN_DEVICE, persist_state=KEEP,
                                        help="auto: CUDA when available")
    return fields


def train_form(task: str, running: bool,
               options: dict[str, Any] | None = None) -> tuple[RunSpec, str] | None:
    """The hyperparameter form. On submit returns (spec, model label), else None.

    ``options`` are task options chosen outside the form (``task_options.task_options``).

    Raises:
        ValueError: the settings are invalid (the message comes from the config classes).
    """
    decoder = decoder_picker()
    with st.form(state.TRAIN_FORM):
        options = dict(options or {})
        if task == "reverse":
            low, high = st.slider("String lengths", 1, 40, (5, 15), key=state.TRAIN_LENGTHS,
                                  persist_state=KEEP)
            options = {"min_len": low, "max_len": high}
        model = _model_fields(decoder)
        train = _train_fields()
        submitted = st.form_submit_button("Start training", type="primary",
                                          key=state.TRAIN_START, disabled=running)
    if not submitted:
        return None
    label = arch_label(model)  # validates
    return RunSpec(task, options, model, core.TrainConfig(**train)), label


def starting_text(task: str, phase: str, elapsed_s: float) -> str:
    """What a starting run is doing (``RunSnapshot.phase``), so a silent wait has words.

    Example: ("g2p", "data", 4.2) -> "Reading the CMU Pronouncing Dictionary (135,000
    words) for g2p (4 s so far); then the model is built and the first step taken."
    """
    reading = getattr(core.TASKS.get(task), "reading", "")
    if phase == "data":
        what = f"Reading {reading} for {task}" if reading else f"Making the {task} pairs"
        return f"{what} ({elapsed_s:.0f} s so far); then the model is built and the first " \
               "step taken."
    return f"Building the model and encoding the training pairs ({elapsed_s:.0f} s so far)."


SPEEDS = (0.0, 50.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5)  # steps per second; 0: full speed


def speed_text(value: float) -> str:
    """"full speed", "20 steps/s", "1 step/s", "0.5 steps/s"."""
    if not value:
        return "full speed"
    return f"{value:g} step{'' if value == 1 else 's'}/s"


def _apply_speed(run: TrainingRun) -> None:
    training.set_speed(run, st.session_state.get(state.TRAIN_SPEED) or None)


def run_controls(run: TrainingRun, snap: RunSnapshot) -> None:
    """Pause / Resume, Step (one optimisation step), Step one evaluation interval, and the
    speed, for a run that trains or is paused (nothing while it waits for a slot)."""
    if snap.status not in ("running", "paused"):
        return
    every = run.spec.train.eval_every
    paused = snap.status == "paused"
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if paused:
            st.button("Resume", key=state.TRAIN_RESUME, type="primary",
                      on_click=training.resume, args=(run,))
        else:
            st.button("Pause", key=state.TRAIN_PAUSE, on_click=training.pause, args=(run,),
                      help="Hold the training after its current step, to talk over a "
                           "frozen picture.")
        st.button("Step", key=state.TRAIN_STEP, disabled=not paused,
                  on_click=training.advance, args=(run, 1),
                  help="One optimisation step (one batch), then a held-out evaluation: "
                       "every chart, the model below and the replay show that step.")
        if every:
            st.button(f"Step {every} (one evaluation interval)", key=state.TRAIN_STEP_EVAL,
                      disabled=not paused, on_click=training.advance, args=(run, every),
                      help="Train up to the next held-out evaluation, then hold again.")
        current = float(snap.steps_per_second or 0.0)
        options = sorted(set(SPEEDS) | {current}, key=lambda v: (v != 0, -v))
        st.session_state[state.TRAIN_SPEED] = current  # the run's own speed, always
        st.select_slider("Speed", options, format_func=speed_text, key=state.TRAIN_SPEED,
                         on_change=_apply_speed, args=(run,), width=360,
                         help="Steps per second (the charts refresh every second): slow "
                              "motion for watching one step at a time.")
