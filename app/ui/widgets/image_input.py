"""The source input of an image model (a digit strip) in place of the text box: pick a
held-out strip, compose one from typed digits, or upload a PNG/JPEG; the strip is shown
as the model sees it, or draw one on a canvas (streamlit-drawable-canvas, whose
front end ships inside the package, so it works offline).

The input is a strip's source text ("img:...", ``seq2seq_core.images``), kept in the
view's ``SourceBox`` like typed text, so every view passes it to the core unchanged.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import seq2seq_core as core
from seq2seq_core import images
from seq2seq_core.tasks.digits import compose_digits
from ui import state
from ui import text as text_md
from ui.services import decode as services_decode
from ui.services import server
from ui.services.models import ModelHandle
from ui.widgets.decode import source_box

MODES = ("Held-out strip", "Compose digits", "Upload an image", "Draw digits")
HELDOUT_SHOWN = 50  # held-out strips offered
SCALE = 6  # screen pixels per strip pixel (nearest neighbour: the pixels stay square)
MAX_REFERENCES = 256  # strips whose digits a session remembers
CANVAS_HEIGHT, CANVAS_WIDTH = 110, 330  # screen pixels: fits the input column at 1280 wide
INK_WIDTH = 18  # screen pixels: a stroke about 2 of a digit's 8 rows, as in the UCI digits


def is_image_model(tm: core.TrainedModel) -> bool:
    """Whether the model reads image strips rather than text."""
    return tm.src_vocab.level == "image"


def reference(text: str) -> str | None:
    """The digits of a strip this session picked (held out) or composed; None for an
    upload, or a strip it never saw."""
    return st.session_state.get(state.STRIP_REFERENCES, {}).get(text)


def label(text: str) -> str:
    """``text_md.source_label`` with the strip's digits when this session knows them."""
    return text_md.source_label(text, reference(text))


def _remember(text: str, digits: str) -> None:
    known = st.session_state.setdefault(state.STRIP_REFERENCES, {})
    known[text] = digits
    while len(known) > MAX_REFERENCES:
        known.pop(next(iter(known)))


def _use(box: state.SourceBox, task: str, text: str, digits: str | None) -> None:
    if digits is not None:
        _remember(text, digits)
    state.fill_source(box, text, task)
    _clear_error(box)


def _clear_error(box: state.SourceBox) -> None:
    st.session_state.pop(state.STRIP_ERROR.format(box.widget), None)


def _use_heldout(box: state.SourceBox, task: str, heldout: tuple[core.Pair, ...]) -> None:
    pair = heldout[st.session_state[state.STRIP_HELDOUT.format(box.widget)]]
    _use(box, task, pair.source, pair.target)


def _compose(box: state.SourceBox, task: str, split_seed: int) -> None:
    ss = st.session_state
    digits = str(ss.get(state.STRIP_DIGITS.format(box.widget), "")).strip()
    try:
        pair = compose_digits(digits, seed=int(ss.get(state.STRIP_SEED.format(box.widget), 0)),
                              split_seed=split_seed)
    except ValueError as err:
        ss[state.STRIP_ERROR.format(box.widget)] = f"Cannot compose that strip: {err}."
        return
    _use(box, task, pair.source, pair.target)


def read_picture(box: state.SourceBox, task: str, data: bytes, name: str,
                 min_glyph_width: int = 1) -> None:
    """Read an uploaded or drawn picture once (a new one is known by its digest): a good
    one becomes the strip; a refused one leaves the previous strip and says why.
    ``min_glyph_width``: as ``images.read_image``."""
    ss = st.session_state
    digest = hashlib.sha256(data).hexdigest()
    if ss.get(state.STRIP_UPLOAD_SEEN.format(box.widget)) == digest:
        return
    ss[state.STRIP_UPLOAD_SEEN.format(box.widget)] = digest
    try:
        text = images.read_image(data, max_pixels=server.limits().max_image_pixels,
                                 min_glyph_width=min_glyph_width)
    except ValueError as err:
        ss[state.STRIP_ERROR.format(box.widget)] = f"{name}: {err}"
        return
    _use(box, task, text, None)


def _read_upload(box: state.SourceBox, task: str) -> None:
    upload = st.session_state.get(state.STRIP_UPLOAD.format(box.widget))
    if upload is not None:
        read_picture(box, task, upload.getvalue(), upload.name)


def _draw(box: state.SourceBox, task: str) -> None:
    """The canvas: dark ink on white, read like an upload after each stroke. An empty
    canvas leaves the strip as it was."""
    from streamlit_drawable_canvas import st_canvas  # its front end loads only here

    st.space(40)  # the canvas's toolbar floats this far above it
    drawing = st_canvas(stroke_width=INK_WIDTH, stroke_color="#000000",
                        background_color="#ffffff", height=CANVAS_HEIGHT, width=CANVAS_WIDTH,
                        drawing_mode="freedraw", return_image_data=True,
                        key=state.STRIP_CANVAS.format(box.widget))
    st.caption("Write digits left to right; the model reads the drawing after each stroke. "
               "The bin in the canvas's toolbar clears it.")
    objects = (drawing.json_data or {}).get("objects") or []
    data = drawing.image_bytes
    if objects and data:
        read_picture(box, task, data, "The drawing", images.DRAWN_GLYPH_WIDTH)


def strip_picture(text: str) -> np.ndarray:
    """(12 * SCALE, W * SCALE) grey levels in [0, 1] of a strip, ink dark on white paper,
    scaled up by nearest neighbour, for ``st.image``."""
    pixels = 1.0 - images.strip_image(text)
    return np.kron(pixels, np.ones((SCALE, SCALE), dtype=pixels.dtype))


def strip_input(box: state.SourceBox, handle: ModelHandle, default: str,
                picture: DeltaGenerator | None = None) -> str:
    """Draw the strip input (in place of ``source_box``) and return the strip's text.

    Errors (a refused upload, digits that cannot be composed) show with ``st.error`` and
    keep the previous strip. ``default`` fills the box when the task changes. The strip's
    picture and its caption go in ``picture`` (default: below the input), so a view can
    set it beside the input rather than under it.
    """
    ss, task, key = st.session_state, handle.task, box.widget
    if ss.get(box.task) != task or box.text not in ss:
        state.fill_source(box, default, task)
    heldout = services_decode.heldout_pairs(handle, state.runs())[:HELDOUT_SHOWN]
    for pair in heldout:  # the views find these strips' digits by their text
        ss.setdefault(state.STRIP_REFERENCES, {}).setdefault(pair.source, pair.target)
    mode = st.radio("Input strip", MODES, key=state.STRIP_MODE.format(key), horizontal=True,
                    on_change=_clear_error, args=(box,),
                    help="This model reads a strip of handwritten digits, 12 pixels high.")
    if mode == MODES[0] and heldout:  # it shows the strip in use when that is held out
        ss[state.STRIP_HELDOUT.format(key)] = next(
            (i for i, p in enumerate(heldout) if p.source == ss[box.text]), None)
        st.selectbox("Held-out strip (reference known)", range(len(heldout)),
                     key=state.STRIP_HELDOUT.format(key),
                     placeholder="Pick a held-out strip",
                     format_func=lambda i: f"{i + 1}: {heldout[i].target} "
                                           f"({images.strip_width(heldout[i].source)} columns)",
                     on_change=_use_heldout, args=(box, task, heldout))
    elif mode == MODES[0]:
        st.caption("This model's held-out strips cannot be regenerated: compose or upload.")
    elif mode == MODES[1]:
        split_seed = services_decode.task_spec(handle, state.runs())[1]
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input("Digits (1-8)", key=state.STRIP_DIGITS.format(key), max_chars=8,
                          placeholder="4071")
            st.number_input("Handwriting (seed)", 0, 10_000, 0,
                            key=state.STRIP_SEED.format(key),
                            help="Which held-out image of each digit, and the gaps.")
            st.button("Compose", key=state.STRIP_COMPOSE.format(key), on_click=_compose,
                      args=(box, task, split_seed))
    elif mode == MODES[2]:
        st.file_uploader("PNG or JPEG of a row of digits", type=["png", "jpg", "jpeg"],
                         key=state.STRIP_UPLOAD.format(key))
        _read_upload(box, task)
    else:
        _draw(box, task)
    error = ss.get(state.STRIP_ERROR.format(key))
    if error:
        st.error(text_md.md_escape(error))
    text = ss[box.text]
    try:
        strip = strip_picture(text)
    except ValueError as err:  # a damaged strip from a link: the core says the same
        st.error(text_md.md_escape(str(err)))
        return text
    where = st.container() if picture is None else picture
    where.image(strip, clamp=True)
    where.caption(f"What the model sees: {text_md.md_escape(label(text))}, "
                  f"{images.STRIP_HEIGHT} rows of grey levels.")
    return text


def source_input(label: str, box: state.SourceBox, handle: ModelHandle, default: str,
                 picture: DeltaGenerator | None = None) -> str:
    """The view's source input: ``strip_input`` for an image model (its picture in
    ``picture``, if given), else the text box ``source_box(label, ...)``; returns the
    source text either way."""
    if is_image_model(handle.tm):
        return strip_input(box, handle, default, picture)
    return source_box(label, box, default, handle.task)
