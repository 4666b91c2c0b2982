"""Telling examples as buttons: the inputs where greedy and beam search differ, or where
a fixed-context model and its attention twin do, mined from the shipped models' held-out
sets (``examples.json``). Where a model has none of a kind, the view says so and offers a
model that has some."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui import state
from ui.services import zoo
from ui.services.models import ModelHandle, shipped_folder, shipped_key
from ui.text import md_escape, source_label

KIND_TITLES = {"greedy-vs-beam": "greedy vs beam", "fixed-vs-attention": "fixed vs attention"}
LABEL_SOURCE_CHARS = 28  # the source as the button shows it (the tooltip has all)


def verdict(note: str) -> str:
    """Two or three words from an example's note: who is right.

    Examples: "beam search finds the reference, greedy does not: ..." -> "beam right";
    "only the attention model is right (25 tokens): ..." -> "attention right".
    """
    head = note.split(":", 1)[0].lower()
    for words, short in (("only the attention", "attention right"),
                         ("only the fixed", "fixed right"),
                         ("beam search finds", "beam right"), ("greedy finds", "greedy right"),
                         ("both", "both right"), ("neither", "neither right")):
        if words in head:
            return short
    return head[:30]


def label(example: dict) -> str:
    """A button label from the example's kind and note, then its source (markdown-safe).

    Example: {"kind": "greedy-vs-beam", "note": "beam search finds ...", "source":
    "ttzncecnfs"} -> "greedy vs beam, beam right: ttzncecnfs".
    """
    title = KIND_TITLES.get(example["kind"], example["kind"])
    source = source_label(example["source"], example.get("reference"))  # a strip: its digits
    if len(source) > LABEL_SOURCE_CHARS:
        source = source[: LABEL_SOURCE_CHARS - 1] + "…"
    return md_escape(f"{title}, {verdict(example['note'])}: {source}", 120)


def _pick_model(name: str, box: state.SourceBox, source: str, task: str) -> None:
    """Callback: pick the shipped model ``name`` and put ``source`` in the box."""
    state.use_model(shipped_key(name))
    state.fill_source(box, source, task)


def _missing(handle: ModelHandle, kind: str) -> str:
    """Why the model has no example of ``kind`` (markdown)."""
    figures = zoo.stored_figures(handle)
    if shipped_folder(handle) is None or figures is None:
        return ("Telling examples are mined from the shipped models' held-out sets; this "
                "model has none stored.")
    if kind == "greedy-vs-beam":
        return (f"On its {figures.n:,} held-out inputs, greedy search and beam search "
                f"(K={zoo.BEAM_SIZE}) give **{handle.name}** the same output every time: "
                "nothing here tells them apart.")
    return (f"**{handle.name}** and its twin are right on the same held-out inputs (of "
            f"{figures.n:,}): no input tells the fixed context and attention apart.")


def telling_examples(handle: ModelHandle, box: state.SourceBox, view: str,
                     kinds: Sequence[str] = tuple(KIND_TITLES),
                     more: Sequence[ModelHandle] = (),
                     most: int | None = None) -> tuple[dict, ...]:
    """One button per stored example of ``kinds`` (a click fills ``box``; the note is the
    tooltip), and for a kind with none a line saying so with a button to a shipped model
    that has some. ``more``: other models whose examples to offer too (Compare's other
    model; an input is offered once); ``most``: buttons per kind (None: all). ``view``
    keeps the keys apart (``state.TELLING``). Returns every example of ``kinds`` (also
    those past ``most``), to look up the reference of an input."""
    found = {}
    for h in (*more, handle):
        for e in zoo.examples_of(h):
            if e["kind"] in kinds:
                found.setdefault((e["kind"], e["source"]), e)
    examples = tuple(sorted(found.values(), key=lambda e: list(kinds).index(e["kind"])))
    shown = [e for kind in kinds for e in [x for x in examples if x["kind"] == kind][:most]]
    if examples:
        st.caption("Telling examples from the held-out set (click to fill; hover for what "
                   "each shows)")
        with st.container(horizontal=True, wrap=True):
            for i, example in enumerate(shown):
                st.button(label(example), key=state.TELLING.format(view, i),
                          help=md_escape(example["note"], 400), on_click=state.fill_source,
                          args=(box, example["source"], handle.task))
    for kind in kinds:
        if any(e["kind"] == kind for e in examples):
            continue
        others = [n for n in zoo.models_with(kind) if n != handle.name]
        line = f"No {KIND_TITLES[kind]} example for this model. {_missing(handle, kind)}"
        if not others:
            st.caption(line)
            continue
        first = next(e for e in zoo.examples_of_shipped(others[0]) if e["kind"] == kind)
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(f"{line} **{others[0]}** has some.")
        right.button(f"Open {others[0]}", key=state.POINT_TO.format(view, kind),
                     help=f"Picks {others[0]} in the sidebar with one of its "
                          f"{KIND_TITLES[kind]} examples.",
                     on_click=_pick_model, args=(others[0], box, first["source"],
                                                 zoo.shipped_task(others[0])))
    return examples
