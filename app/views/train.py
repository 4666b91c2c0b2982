"""Train view: pick a task and hyperparameters, train in a background thread, watch live.

Training runs in ``seq2seq_core.server.worker.TrainingRun``'s own thread; this page only polls
copies of its progress, so clicking around the app never stops it.
"""

from __future__ import annotations

import functools

import streamlit as st

from seq2seq_core.server import LimitError, ServerBusy
from ui import charts, figures, presenter, services, state, tables, url_state, widgets

POLL_SECONDS = 1.0
QUEUED_POLL_SECONDS = 3.0  # a waiting run changes little; 30 waiting tabs polling at 1 s
                           # cost the server's GIL more than the two that train


def live_panel(entry: state.RunEntry, polling: bool, had_model: bool,
               was_queued: bool = False) -> None:
    """Controls, progress, the model you would get, curves and samples of one run; a full
    rerun when it ends, leaves the queue or first has a model (so the sidebar and the
    polling update)."""
    snap = entry.run.snapshot()
    widgets.train.run_controls(entry.run, snap)
    snap = entry.run.snapshot()  # after a click: the step it took
    speed = (f" · {widgets.train.speed_text(snap.steps_per_second)}"
             if snap.steps_per_second else "")
    st.progress(min(snap.step / snap.total_steps, 1.0),
                text=f"{snap.status} · step {snap.step}/{snap.total_steps} · "
                     f"{snap.elapsed_s:.0f} s{speed}")
    if snap.status == "queued":
        st.info(services.training.queue_text(entry.run))
    elif snap.status == "starting" and snap.phase:
        st.info(widgets.train.starting_text(entry.task, snap.phase, snap.elapsed_s))
    elif snap.status == "error":
        st.error(f"Training failed: {snap.error}")
    elif snap.status == "done":
        st.success(f"Finished {snap.step} steps.")
    elif snap.status == "stopped":
        st.warning(f"Stopped at step {snap.step}; the model so far is kept.")
    elif snap.status == "paused":
        st.info(f"Paused at step {snap.step}: Step takes one optimisation step and "
                "evaluates, so every chart, the model below and the replay show it.")
    live_pictures(entry, snap)
    model_actions(entry, snap)
    st.subheader("All runs this session")
    tables.show(charts.training.runs_frame([(e.name, e.run.snapshot())
                                            for e in state.runs()]),
                percent=("held-out exact match",))
    has_model = entry.run.latest_model() is not None
    left_queue = was_queued and snap.status != "queued"
    if polling and (not snap.active or has_model != had_model or left_queue):
        st.rerun()


def live_pictures(entry: state.RunEntry, snap) -> None:
    """Loss and accuracy, the held-out curve and sample predictions on the first screen,
    side by side; in presenter mode one of them at a time, the width of the page."""
    only = presenter.one_picture(presenter.PICTURES["train"], state.TRAIN_PICTURE)
    if only is not None:
        url_state.write_in_fragment()  # the live panel reruns alone: the pick in the link
    if only is None:
        curves, samples = st.columns(2)
    else:
        curves = samples = st.container()
    if snap.history and only in (None, "Curves"):
        with curves:
            figures.show(charts.training.training_curves(snap.history), key=state.TRAIN_CURVES,
                         view="train", model=entry.name)
    if snap.evals and only in (None, "Samples"):
        with samples.container(key=state.TRAIN_SAMPLES):
            st.markdown(f"**Sample predictions at step {snap.evals[-1].step}**")
            tables.wrapped_table(charts.training.samples_frame(snap.evals[-1]))
    if snap.evals and only in (None, "Held-out"):
        with curves:
            figures.show(charts.training.heldout_curve(snap.evals), key=state.HELDOUT_CURVE,
                         view="train-heldout", model=entry.name)


def _use_in_decode(entry: state.RunEntry, tm, training: bool) -> None:
    """Callback: pick the model shown. During a run that is the snapshot shown, pinned
    as a model of its own (the run's latest moves on); after it, the run itself."""
    state.use_model(state.pin(entry, tm).key if training else entry.key)


def model_actions(entry: state.RunEntry, snap) -> None:
    """The model you will get (the one shown: its step follows the run), to use in
    Decode or download as a zipped checkpoint."""
    tm = entry.run.latest_model()
    if tm is None:
        st.caption("The model appears here after the first held-out evaluation.")
        return
    step = tm.info.get("steps")
    exact = tm.info.get("heldout_exact_match")
    line = f"**The model you will get: step {step}**"
    if isinstance(exact, float):
        line += f" · held-out exact match {exact:.1%}"
    if snap.active and snap.step != step:
        line += (f" · training is at step {snap.step}; the model follows at each held-out "
                 "evaluation")
    st.markdown(line)
    use, download = st.columns(2)
    if use.button("Use in Decode", key=state.USE_IN_DECODE, on_click=_use_in_decode,
                  args=(entry, tm, snap.active),
                  help="Decode with this model, the one at the step shown."):
        st.switch_page("views/decode.py")
    folder = f"seq2seq-run{entry.number}-{entry.task}-step{step}"
    download.download_button("Download checkpoint (.zip)", key=state.DOWNLOAD_CHECKPOINT,
                             data=functools.partial(services.models.checkpoint_zip, tm,
                                                    folder),
                             file_name=f"{folder}.zip", mime="application/zip",
                             on_click="ignore")


st.title("Train")
url_state.sync("train")
ss = st.session_state
collapse = ss.pop(state.TRAIN_COLLAPSE, False)  # a run just started: its charts come first
if collapse or state.TRAIN_SETTINGS not in ss:
    ss[state.TRAIN_SETTINGS] = (not collapse and state.active_run() is None
                                and not presenter.is_on())
with st.expander("Settings: task, model and training", key=state.TRAIN_SETTINGS,
                 on_change="rerun"):
    task = widgets.train.task_picker()
    widgets.task_options.task_examples(task)
    options = widgets.task_options.task_options(task)  # None: the task has no usable data
    submitted = None
    if options is not None and widgets.task_options.data_preview(task, options):
        try:
            submitted = widgets.train.train_form(task, running=state.active_run() is not None,
                                                 options=options)
        except ValueError as err:
            st.error(f"These settings cannot be trained: {err}")  # our own message
    if submitted and state.active_run() is None:
        spec, label = submitted
        try:
            state.add_run(services.training.start_run(spec), label, spec.task)
        except (LimitError, ServerBusy) as err:
            st.error(str(err))  # our own message; the form keeps every setting
        else:
            ss[state.TRAIN_COLLAPSE] = True
            st.rerun()  # redraw the form disabled and collapsed, and start polling

entries = state.runs()
if not entries:
    st.info("No runs yet: choose settings above and press Start training.")
    url_state.stop()

names = {e.key: e.name for e in entries}
run_col, stop_col = st.columns([3, 1], vertical_alignment="bottom")
entry = state.find_run(run_col.selectbox("Run", list(names)[::-1], format_func=names.__getitem__,
                                    key=state.VIEW_RUN))
snap = entry.run.snapshot()
active, queued = snap.active, snap.status == "queued"
if active:
    stop_col.button("Stop", key=state.TRAIN_STOP, on_click=entry.run.stop,
              help="End the run; the model so far is kept.")
poll = st.fragment(live_panel, run_every=(QUEUED_POLL_SECONDS if queued else POLL_SECONDS)
                   if active else None)
poll(entry, active, entry.run.latest_model() is not None, queued)
