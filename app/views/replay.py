"""Training replay: one probe input seen through the snapshots a run kept at each
evaluation; Play and a snapshot slider over training time (the snapshot is in the link)
show attention sharpen and the trajectory organise. Exports the replay as a
self-contained HTML file."""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.inside import StateSelection
from ui import charts, services, state, url_state, widgets
from ui import figures
from ui.text import md_escape

POLL_SECONDS = 5.0


def replay_panel(entry: state.RunEntry, probe: str, sel: StateSelection,
                 polling: bool) -> None:
    """The replay at one snapshot with its player (Play and a snapshot slider, kept in
    the link), its export and the alignment score curve (polled while training)."""
    try:
        frames, basis = services.inside.replay(entry, probe, sel, state.runs())
    except (core.InputError, ValueError) as err:
        st.error(md_escape(str(err)))
        return
    last, explained = len(frames) - 1, basis.explained_variance_ratio
    steps, signature = [f.step for f in frames], (entry.key, probe, sel)
    widgets.inside.keep_snapshot(signature, steps)  # the store thins: the same snapshot
    widgets.player.reset(widgets.inside.REPLAY_PLAYER, signature, last)
    url_state.restore("replay.step", steps=steps)  # a link's snapshot, once they are known

    def draw(k: int) -> bool:
        st.session_state[state.REPLAY_AT] = (k, frames[k].step)  # the link: its step
        url_state.write_in_fragment()  # the player reruns alone: the snapshot in the URL
        figures.show(charts.trajectory.replay_at(frames, sel, explained, k),
                     key=state.REPLAY_CHART, view="replay", model=entry.name, source=probe)
        return False

    widgets.player.step_player(widgets.inside.REPLAY_PLAYER, last, draw, label="Snapshot",
                               help="Step through training, one kept snapshot at a time.")
    st.caption(f"{len(frames)} snapshots kept (at most {entry.run.replay.max_snapshots}, "
               f"thinned evenly), {entry.run.replay.nbytes / 2**20:.1f} MiB. Trajectory axes: "
               f"PCA fitted on the newest snapshot's states over the run's held-out inputs.")
    figures.html_download(  # its animation, built on a click
        lambda: charts.trajectory.replay_figure(frames, sel, explained),
        key=state.REPLAY_EXPORT, label="Export replay (HTML)",
        name=f"replay-run{entry.number}-{entry.task}")
    evals = entry.run.snapshot().evals
    if any(e.alignment_score is not None for e in evals):
        figures.show(charts.compare.alignment_curve(evals), key=state.REPLAY_ALIGNMENT,
                     view="replay-alignment", model=entry.name)
    if polling and not entry.run.snapshot().active:
        st.rerun()


st.title("Training replay")
url_state.sync("replay")
entries = [e for e in state.runs() if e.run.replay.snapshots()]
if not entries:
    st.info("No snapshots yet: train a model on the Train or Compare page. A run keeps "
            "a snapshot of its model at every held-out evaluation.")
    url_state.stop()
names = {e.key: e.name for e in entries}
url_state.restore("replay.run", labels=list(names))
picked = state.model_key()  # the run picked in the sidebar, else the newest
state.choice(state.REPLAY_RUN, list(names), picked if picked in names else entries[-1].key)
run_col, probe_col = st.columns([1, 2])
entry = state.find_run(run_col.selectbox("Run", list(names)[::-1], format_func=names.__getitem__,
                                    key=state.REPLAY_RUN))
last_tm = entry.run.replay.snapshots()[-1].tm
url_state.restore("replay.probe", tm=last_tm, task=entry.task,
                  cfg=last_tm.model.cfg)
last_handle = services.models.snapshot_handle(entry, entry.run.replay.snapshots()[-1])
with probe_col:  # a strip input for an image model, else the text box
    probe = widgets.image_input.source_input("Probe input", state.REPLAY_PROBE, last_handle,
                                             widgets.decode.first_source(last_handle))
plot_area = st.container()  # the replay above its settings: one screen
sel, _ = widgets.inside.state_controls(entry.run.replay.snapshots()[-1].tm.model.cfg,
                                       allow_3d=False)
active = entry.run.snapshot().active
playing = st.session_state.get(state.REPLAY_PLAYING)  # a poll would advance Play a step
panel = st.fragment(replay_panel, run_every=POLL_SECONDS if active and not playing else None)
with plot_area:
    panel(entry, probe, sel, active)
