"""Source text boxes (every view that decodes has one) and the decode settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import seq2seq_core as core
from ui import glossary, presenter, state
from ui.services import decode as services_decode
from ui.services import server
from ui.services.models import ModelHandle
from ui.widgets.common import KEEP

ALPHA_RANGE = (0.0, 2.0, 0.1)  # length penalty slider: min, max, step (links use it too)
MAX_N_BEST = 16  # hypotheses the n-best box offers


def default_source(task: str, tm: core.TrainedModel | None = None,
                   more: Callable[[], Sequence[str]] | None = None) -> str:
    """The first of the task's examples, then of ``more()`` (asked only when no example
    will do; e.g. the model's held-out sources), that ``tm`` can read: a word model may
    not know every example's words. Without ``tm``, or when none is readable, the task's
    first example; an empty string for an unknown task."""
    info = core.TASKS.get(task)
    examples = info.examples if info else ()
    if tm is not None:
        readable = next((t for t in examples if _reads(tm, t)), None)
        if readable is None and more is not None:
            readable = next((t for t in more() if _reads(tm, t)), None)
        if readable is not None:
            return readable
    return examples[0] if examples else ""


def first_source(handle: ModelHandle) -> str:
    """``default_source`` for a picked model, falling back on its held-out sources."""
    return default_source(handle.task, handle.tm, lambda: [
        p.source for p in services_decode.heldout_pairs(handle, state.runs())])


def _reads(tm: core.TrainedModel, text: str) -> bool:
    try:
        core.check_source(tm, text)
    except core.InputError:
        return False
    return True


def source_box(label: str, box: state.SourceBox, default: str, task: str) -> str:
    """A text box whose text survives page switches, reset to ``default`` when ``task``
    changes; returns its text. No ``max_chars``: a long paste must reach
    ``check_source``, which says what is wrong, rather than vanish in the browser.

    The text is kept in a plain session value beside the widget (in AppTest a widget
    with ``persist_state`` read back empty on the first run after a page switch)."""
    ss = st.session_state
    if ss.get(box.task) != task or box.text not in ss:
        state.fill_source(box, default, task)
    if box.widget not in ss:
        ss[box.widget] = ss[box.text]
    return st.text_input(label, key=box.widget, on_change=state.keep_source, args=(box,))


def example_buttons(examples: tuple[str, ...], task: str, box: state.SourceBox,
                    key: str) -> None:
    """One button per example (keys ``key.format(i)``); a click fills ``box``."""
    with st.container(horizontal=True, wrap=True):
        for i, text in enumerate(examples):
            st.button(text, key=key.format(i), on_click=state.fill_source,
                      args=(box, text, task))


def source_and_settings(
        source: Callable[[DeltaGenerator], str]) -> tuple[str, core.DecodeConfig]:
    """The row over Decode's and Beam search's results: the source on the left, drawn by
    ``source(picture)``, and the search settings on the right, with ``picture`` under
    them, where an image model's strip picture goes (under its picker it pushed the
    results off a 1280x720 screen). Returns the source text and the settings."""
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    settings, picture = right.container(), right.container()
    with left:
        text = source(picture)
    with settings:
        cfg = decode_controls()
    return text, cfg


def decode_controls() -> core.DecodeConfig:
    """Beam width, length penalty, max length and n-best -> a beam DecodeConfig. In
    presenter mode they sit in a collapsed expander (a fixed label keeps it open while
    they change), so the room sees the outputs and pictures rather than the form."""
    if not presenter.is_on():
        return _controls()
    with st.expander("Search settings: beam width K, length penalty α, max length, n-best"):
        return _controls()


def _controls() -> core.DecodeConfig:
    c1, c2, c3, c4 = st.columns(4)
    lim = server.limits()
    beam = c1.slider("Beam width K", 1, lim.max_beam_size, min(5, lim.max_beam_size),
                     key=state.BEAM_SIZE, persist_state=KEEP, help=glossary.help_text(
                         "Hypotheses kept at each step; 1 is greedy search.", "beam-width"))
    alpha = c2.slider("Length penalty α (GNMT)", *ALPHA_RANGE[:2], 0.0, ALPHA_RANGE[2],
                      key=state.ALPHA,
                      persist_state=KEEP, help=glossary.help_text(
                          "0 ranks by raw log-probability; larger values favour longer "
                          "outputs: score / ((5 + |Y|) / 6) ** α.", "length-penalty",
                          "log-probability"))
    max_len = c3.number_input("Max output length", 1, lim.max_output_len,
                              min(50, lim.max_output_len), key=state.MAX_LEN,
                              persist_state=KEEP)
    n_best = c4.number_input("n-best", 1, MAX_N_BEST, 5, key=state.N_BEST, persist_state=KEEP,
                             help="Hypotheses to list (at most K).")
    return core.DecodeConfig(strategy="beam", beam_size=beam, length_penalty=alpha,
                             max_len=int(max_len), n_best=min(int(n_best), beam))


def hypothesis_picker(options: dict[str, core.Hypothesis], key: str,
                      default: str | None = None) -> core.Hypothesis:
    """Which hypothesis to look at; options are labelled "beam 2: 1936-10-11"."""
    state.choice(key, list(options), default)
    pick = st.selectbox("Hypothesis", list(options), key=key,
                        format_func=lambda k: f"{k}: {options[k].text}",
                        help=glossary.help_text("The output whose attention is drawn.",
                                                "attention-weights", "alignment"))
    return options[pick]
