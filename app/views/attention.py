"""Attention view: attention filling in one decoder step at a time, as a heatmap and as
alignment lines, with the alignment score where the task's gold alignment is known; for a
fixed-context model, the one context vector c that every step reads instead."""

from __future__ import annotations

import dataclasses

import streamlit as st

import seq2seq_core as core
from ui import charts, presenter, services, state, url_state, widgets
from seq2seq_core import images
from seq2seq_core.inside import merge_pieces
from ui import figures
from ui.charts import slides
from ui.text import md_escape

st.title("Attention")
handle = widgets.sidebar.picked_model()
url_state.sync("attention", handle=handle)

view_left, view_right = st.columns([2, 3])  # the input beside the animation: one screen
with view_left:
    widgets.sidebar.model_line(handle)
    first = widgets.decode.first_source(handle)
    text = widgets.image_input.source_input("Source text", state.INSIDE_SOURCE, handle, first)
try:
    tr = services.inside.trace_text(handle, text)
except core.InputError as err:
    st.error(md_escape(str(err)))
    url_state.stop()
prediction = tr.output_text
left, right = view_left.columns([3, 2])
left.markdown("Greedy output")
left.code(prediction or " ", language=None)
aligned = services.inside.input_alignment(handle, text, prediction)
if aligned is not None:
    right.metric("Alignment score", f"{aligned[0]:.2f}",
                 help=f"Mean attention mass on the source characters that carry each "
                      f"character of the reference {aligned[1]!r} (forced): 1 = every "
                      "output character looks where its answer is; uniform attention "
                      "scores the share of source positions that count (about 1/S, or "
                      "2/S with a one-way encoder, where the next position counts too: "
                      "its state still carries the character).")
elif handle.has_attention:  # under the output: a narrow column made it a tall one
    view_left.caption("No alignment score: the gold alignment of this input is unknown "
                  "(known for reverse always; dates: when the output is this input's date; "
                  "digits: for a held-out or composed strip read with as many digits).")

shown = tr  # the attention charts' trace: pieces, or words on request
subword = "subword" in (handle.tm.src_vocab.level, handle.tm.tgt_vocab.level)
if not (handle.has_attention and subword):  # no toggle here: nothing merged in the link
    st.session_state.pop(state.MERGE_WORDS, None)
if handle.has_attention and subword and st.toggle(
        "Merge pieces into words", key=state.MERGE_WORDS,
        help="A word's source pieces get the sum of their weights, its output pieces the "
             "mean of their rows (Clark et al. 2019), so each row still sums to 1. "
             "␣ marks a piece that starts a word."):
    words = merge_pieces(tr.attention, tr.source_tokens, tr.output_tokens)
    shown = dataclasses.replace(tr, attention=words.attention,
                                source_tokens=words.source_words,
                                output_tokens=words.output_words)
with view_right:  # above the picture, on the first screen however tall the input side
    only = presenter.one_picture(presenter.PICTURES["attention"] if handle.has_attention
                                 else (), state.ATTENTION_PICTURE)
place = view_right if only else st.container()  # presenter mode: each where the heatmap is
heatmap = handle.has_attention and only in (None, "Heatmap")
lines = handle.has_attention and only in (None, "Alignment lines")
if heatmap or lines:  # both follow one row player: its row is the one in the link
    view_left.caption("Press Play, or drag the row slider: row t is where the decoder "
                      "looked while writing output token t. Copy link keeps the row.")
    last = len(shown.output_tokens) - 1  # rows count from 0, as their labels do
    widgets.player.reset(widgets.inside.ATTENTION_PLAYER,  # a new input: every row drawn
                         (handle.key, text, shown.output_tokens), last)
    url_state.restore("attention.step", last=last)  # a link's row, once the rows are known
    image_model = widgets.image_input.is_image_model(handle.tm)

    def draw(row: int) -> bool:
        """The heatmap up to ``row`` (and the strip with that row's weights), and the
        alignment lines of the same rows."""
        url_state.write_in_fragment()  # the player reruns alone: the row in the URL
        if heatmap and image_model:  # the weights on the pixels
            figures.show(charts.image_attention.strip_attention(
                images.strip_image(text), tr.attention, tr.output_tokens,
                images.strip_spans(text), step=row), key=state.STRIP_ATTENTION,
                view="attention-strip", model=handle.name, source=text)
            st.caption("Orange: where the decoder looked while writing the digit in the "
                       "title (bars scaled to the step's largest weight); dashed boxes: "
                       "each digit's true columns, where known.")
        if heatmap:
            figures.show(charts.attention.attention_upto(shown, row),
                         key=state.ATTENTION_ANIMATION, view="attention", model=handle.name,
                         source=text)
        if lines:
            st.subheader("Alignment")
            st.caption("Source on top, output below; a line's width is the attention "
                       f"weight (weights under {charts.attention.MIN_LINE_WEIGHT} are "
                       "not drawn).")
            figures.show(charts.attention.alignment_lines(shown, row),
                         key=state.ALIGNMENT_LINES, view="attention-alignment",
                         model=handle.name, source=text)
        return False

    with view_right:
        widgets.player.step_player(widgets.inside.ATTENTION_PLAYER, last, draw, label="Row",
                                   help="Fill in the heatmap and the alignment lines one "
                                        "decoder step at a time.", widths=(1, 4))
    if heatmap:
        with view_left:
            figures.html_download(  # fully drawn, its own Play from row 0; built on a click
                lambda: charts.attention.attention_animation(shown),
                key=state.ATTENTION_EXPORT, label="Export the animation (HTML)",
                name=slides.export_name("attention", handle.name,
                                        widgets.image_input.label(text)))
if not handle.has_attention:
    st.info("This fixed-context model has no attention: its decoder reads the same "
            "context vector c, the encoder's final state, at every step (below). Pick "
            "an attention model in the sidebar to see the difference, or train both on "
            "the Compare page.")
if only in (None, "Context vectors"):
    place.subheader("The context vector each step reads")
    spread = charts.attention.context_spread(tr)
    if tr.step_contexts is None:
        place.caption("Sutskever's decoder reads no context at its steps: c only sets its "
                      "initial state s_0, and everything else must flow through the "
                      "recurrence.")
    elif handle.has_attention:
        place.caption(f"Attention builds a new context c_t at every step (rows differ by "
                      f"up to {spread:.2f}).")
    else:
        place.caption(f"Every row is the same vector c (largest difference between "
                      f"steps: {spread:g}): the whole source has to fit in it.")
    with place:
        figures.show(charts.attention.context_rows(tr), key=state.CONTEXT_ROWS,
                     view="attention-context", model=handle.name, source=text)
