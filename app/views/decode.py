"""Decode view: type a source, compare greedy and beam search, look at the attention."""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from seq2seq_core.metrics import LABELS, PERCENT
from ui import charts, services, state, url_state, widgets
from ui import figures, tables
from ui import text as text_md
from ui.services.models import ModelHandle


def _percent(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "—"


def model_header(handle: ModelHandle) -> None:
    """Name, task and architecture (one line under the title)."""
    parts = [f"**{handle.name}**", f"task `{handle.task}`"]  # markdown-safe already
    if handle.label not in handle.name:  # run names already say it
        parts.append(handle.label)
    st.markdown(" · ".join(parts))


def model_metrics(handle: ModelHandle) -> None:
    """Held-out metrics from the model's info (below the results: the outputs and the
    attention come first on a 1280x720 screen)."""
    st.subheader("This model, held out")
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
    box = column.container(key=state.DECODE_OUTPUT.format(title.split()[0].lower()))
    box.markdown(text_md.code_span(hyp.text))  # not st.code: see code_span
    ending = "" if hyp.finished else " · stopped at max length"
    column.caption(f"log-prob {hyp.score:.4f} · normalised {hyp.normalized_score:.4f} · "
                   f"{len(hyp.tokens)} tokens{ending}")


st.title("Decode")
handle = widgets.sidebar.picked_model()
url_state.sync("decode", handle=handle)

model_header(handle)
task = core.TASKS.get(handle.task)
examples = task.examples if task else ()
first = widgets.decode.first_source(handle)
text, cfg = widgets.decode.source_and_settings(  # the results next
    lambda picture: widgets.image_input.source_input("Source text", state.DECODE_SOURCE,
                                                     handle, first, picture))

try:
    greedy, beam = services.decode.greedy_and_beam(handle, text, cfg)
except core.InputError as err:
    st.error(text_md.md_escape(str(err)))  # it may quote the user's text: show it as typed
    url_state.stop()
unknown = None if widgets.image_input.is_image_model(handle.tm) else \
    core.unknown_note(handle.tm, text)  # a subword model reads them as <unk>
if unknown:
    st.info(text_md.md_escape(unknown))

left, right = st.columns([2, 3])  # outputs beside their attention: one screen
show_output(left, "Greedy", greedy.best)
show_output(left, f"Beam search (K={cfg.beam_size}, α={cfg.length_penalty:g})", beam.best)
if examples:  # below the results, which come first on the screen
    st.caption("Examples (click to fill)")
    widgets.decode.example_buttons(examples, handle.task, state.DECODE_SOURCE, state.EXAMPLE)
telling = widgets.examples.telling_examples(handle, state.DECODE_SOURCE, "decode")
shown = next((e for e in telling if e["source"] == text.strip()), None)
if shown is not None:
    st.caption(f"Reference: `{text_md.code_span_safe(shown['reference'])}`. Stored note "
               f"(greedy and beam K={services.zoo.BEAM_SIZE}, α=0): "
               f"{text_md.md_escape(shown['note'], 400)}")

st.subheader("n-best list (beam search)")
tables.show(charts.decode.nbest_table(beam))

options = charts.decode.hypothesis_options(greedy, beam)
url_state.restore("decode.hypothesis", labels=list(options))
with right:  # the attention of a hypothesis, beside the outputs
    st.markdown("**Attention**")
    picked = widgets.decode.hypothesis_picker(options, state.HYPOTHESIS, default="beam 1")
if handle.has_attention:
    with right:
        figures.show(charts.decode.attention_heatmap(picked, greedy.tree.source_tokens),
                     key=state.ATTENTION_HEATMAP, view="decode", model=handle.name,
                     source=text)
else:
    right.info("This fixed-context model has no attention to show: its decoder reads the "
               "same context vector c, the encoder's summary of the whole source, at every "
               "step.")
model_metrics(handle)
