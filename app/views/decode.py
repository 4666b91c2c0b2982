"""Decode view: type a source, compare greedy and beam search, look at the attention."""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.metrics import LABELS, PERCENT
from ui import charts, services, state, widgets
from ui import text as text_md


def _percent(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "—"


def model_header(handle: services.ModelHandle) -> None:
    """Name, task, architecture and held-out metrics from the model's info."""
    parts = [f"**{handle.name}**", f"task `{handle.task}`"]  # markdown-safe already
    if handle.label not in handle.name:  # run names already say it
        parts.append(handle.label)
    st.markdown(" · ".join(parts))
    info = handle.info
    c1, c2, c3 = st.columns(3)
    c1.metric("Held-out exact match (greedy)", _percent(info.get("heldout_exact_match")))
    c2.metric("Held-out token accuracy", _percent(info.get("heldout_token_accuracy")))
    c3.metric("Training steps", info.get("steps", "—"))
    scores = info.get("heldout_scores", {}).get("greedy", {})
    if scores:  # task metrics of shipped g2p and translation models
        st.caption("Held-out, greedy: " + " · ".join(
            f"{LABELS.get(k, k)} {_percent(v) if k in PERCENT else f'{v:.1f}'}"
            for k, v in scores.items()))


def show_output(column, title: str, hyp: core.Hypothesis) -> None:
    """One decoder's best output with its raw and length-normalised scores."""
    column.subheader(title)
    column.code(hyp.text or " ", language=None)
    ending = "" if hyp.finished else " · stopped at max length"
    column.caption(f"log-prob {hyp.score:.4f} · normalised {hyp.normalized_score:.4f} · "
                   f"{len(hyp.tokens)} tokens{ending}")


st.title("Decode")
handle = widgets.picked_model()

model_header(handle)
task = core.TASKS.get(handle.task)
examples = task.examples if task else ()
if state.SOURCE not in st.session_state or st.session_state.get(state.SOURCE_TASK) != handle.task:
    state.fill_source(examples[0] if examples else "", handle.task)
text = st.text_input("Source text", key=state.SOURCE, persist_state="session")
if examples:
    st.caption("Examples (click to fill)")
    widgets.example_buttons(examples, handle.task)
cfg = widgets.decode_controls()

try:
    greedy, beam = services.decode(handle, text, cfg)
except core.InputError as err:
    st.error(text_md.md_escape(str(err)))  # it may quote the user's text: show it as typed
    st.stop()

left, right = st.columns(2)
show_output(left, "Greedy", greedy.best)
show_output(right, f"Beam search (K={cfg.beam_size}, α={cfg.length_penalty:g})", beam.best)

st.subheader("n-best list (beam search)")
st.dataframe(charts.nbest_frame(beam), hide_index=True)

st.subheader("Attention")
options = charts.hypothesis_options(greedy, beam)
if st.session_state.get("hypothesis") not in options:
    st.session_state["hypothesis"] = "beam 1"
pick = st.selectbox("Hypothesis", list(options), key="hypothesis",
                    format_func=lambda k: f"{k}: {options[k].text}")
if handle.has_attention:
    st.plotly_chart(charts.attention_heatmap(options[pick], greedy.tree.source_tokens),
                    key="attention_heatmap")
else:
    st.info("This fixed-context model has no attention to show: its decoder reads the same "
            "context vector c, the encoder's summary of the whole source, at every step.")
