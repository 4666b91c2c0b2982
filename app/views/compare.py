"""Compare view: a fixed context vector against attention, trained side by side.

Both runs get the same task, data, seed and budget and train concurrently in their own
threads; their curves share axes, and accuracy by source length (Bahdanau et al. 2015,
figure 2) shows where one vector stops being enough.
"""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core import EvalEvent
from seq2seq_core.server import LimitError, ServerBusy
from ui import charts, services, state, widgets
from ui.text import md_escape

POLL_SECONDS = 1.0
PROBES = 3  # held-out sources decoded greedy and beam by both models


def greedy_vs_beam(entries: list[state.RunEntry], event: EvalEvent) -> None:
    """Both models' greedy and beam outputs on the same held-out sources (the latest
    evaluation's samples)."""
    handles = [services.models.resolve_model(e.key, state.runs()) for e in entries]
    samples = event.samples[:PROBES]
    if any(h is None for h in handles) or not samples:
        return
    sources, refs = [s[0] for s in samples], [s[1] for s in samples]
    cfg = core.DecodeConfig(beam_size=5, max_len=max(len(r) for r in refs) + 5)
    outputs = {}
    for letter, handle in zip("AB", handles):
        rows = []
        for src, ref in zip(sources, refs):
            greedy, beam = services.decode.greedy_and_beam(handle, src, cfg)
            texts = [greedy.best.text, beam.best.text]
            rows.append(tuple(zip(texts, services.decode.correct(handle, texts, [ref]))))
        outputs[letter] = rows
    st.markdown("**Greedy vs beam (K=5) on the same held-out inputs**")
    st.dataframe(charts.compare.greedy_beam_frame(sources, refs, outputs), hide_index=True)


def live_compare(entries: list[state.RunEntry], polling: bool) -> None:
    named = [(f"{letter}: {e.label}", e.run.snapshot()) for letter, e in zip("AB", entries)]
    for name, snap in named:
        if snap.status == "error":
            st.error(f"{md_escape(name)} failed: {md_escape(str(snap.error))}")
    st.progress(min(sum(s.step for _, s in named) / sum(s.total_steps for _, s in named), 1.0),
                text=" · ".join(f"{n.split(':')[0]} {s.status} {s.step}/{s.total_steps}"
                                for n, s in named))
    st.plotly_chart(charts.compare.compare_curves(named), key=state.COMPARE_CURVES)
    latest = [(name, snap.evals[-1]) for name, snap in named if snap.evals]
    if latest:
        st.plotly_chart(charts.compare.accuracy_by_length(latest), key=state.COMPARE_BY_LENGTH)
        percent = st.column_config.NumberColumn(format="percent")
        st.dataframe(charts.compare.alignment_frame(named), hide_index=True,
                     column_config={"exact match": percent, "token accuracy": percent})
        greedy_vs_beam(entries, latest[0][1])
    if polling and not any(s.active for _, s in named):
        st.rerun()


st.title("Compare: fixed context vs attention")
st.caption("Two models, the same data, seed and training budget, trained at the same time. "
           "On `reverse` with strings up to 40 characters the fixed context vector's "
           "accuracy falls with length; attention's stays high.")
try:
    submitted = widgets.compare.compare_form(running=state.active_run() is not None)
except ValueError as err:
    st.error(f"These settings cannot be trained: {err}")  # our own message
    submitted = None
if submitted and state.active_run() is None:
    spec, variants, labels = submitted
    try:
        runs = services.training.start_comparison(spec, variants)
    except (LimitError, ServerBusy) as err:
        st.error(str(err))  # our own message
    else:
        state.set_compare_runs([state.add_run(r, lab, spec.task)
                                for r, lab in zip(runs, labels)])
        st.rerun()

entries = state.compare_runs()
if not entries:
    st.info("No comparison yet: choose settings above and press Train both.")
    st.stop()
active = any(e.run.snapshot().active for e in entries)
if active:
    st.button("Stop both", key=state.COMPARE_STOP,
              on_click=lambda: [e.run.stop() for e in entries])
poll = st.fragment(live_compare, run_every=POLL_SECONDS if active else None)
poll(entries, active)
