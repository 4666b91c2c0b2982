"""Every view is a link: named URL query parameters <-> widget state.

The table ``ui.url_fields.FIELDS`` says, per part of a view, each parameter's name in
the URL, the session-state key it fills, its parser (which validates with the limits the
core and the widgets use) and how a value is written back. This module runs it:

* ``begin(page)`` (main.py, before the sidebar): when a page opens (a new tab on a link,
  or a page switch, which clears the query string) the query is read once and kept as
  *pending*, but for values this session wrote itself for the page before (where the
  query survives a switch, as in AppTest, they are not a link); the shared field
  (``model``) is applied at once. ``?present=1`` belongs to ``ui.presenter``,
  ``?run=`` to ``services.training.reattach``.
* ``sync(view, **ctx)`` (a view, after its model is known): applies the view's pending
  fields, shows a note for each value it refused and draws the "Copy link" button.
  ``restore(part, **ctx)`` applies a part whose check needs what the view computes
  later (the tree's last step, the hypotheses). Where a link's values were applied, the
  URL is written at once (a refused value is replaced there by what the view shows).
* ``finish()`` (main.py after the page) writes the URL for the whole run, in one message
  to the browser; ``stop()`` does it before ``st.stop()`` for a page that ends early
  (once ``st.stop()`` is called, every Streamlit call raises again, so not even a
  ``finally`` block could write the URL);
  ``write_in_fragment()`` does it for a fragment that reruns alone (the step player of
  the beam tree, the Attention rows and the replay, Train's live panel).
  ``end_run()`` (main.py, in a ``finally``) ends the whole-page run, also for a page
  that raised.
  ``write()`` mirrors the current values into ``st.query_params``; parameters not in the
  table (``run``, ``present``) are left alone.

A refused value (unknown model, width out of range, an input the model cannot read, an
unknown pair, a run that is gone) leaves the view's own default and a visible note;
never an exception. Run ids stay in ``?run=`` (``services.training.reattach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import state
from ui.services import models
from ui.text import code_span_safe
from ui.url_fields import ALL_NAMES, FIELDS, field_of, session_key

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_popover_container import PopoverContainer

MAX_URL_VALUE = 2_000  # characters: a longer value (a pasted essay) is not put in the URL


# -- the flow --

def begin(page: str) -> None:
    """Once per run, before the sidebar: read the query when ``page`` opens (a new tab
    or a page switch) and apply the shared field (the sidebar's model)."""
    ss = st.session_state
    ss[state.URL_FULL_RUN] = True  # until ``end_run``: fragments leave the URL to it
    if ss.get(state.URL_PAGE) != page:
        ss[state.URL_PAGE] = page
        ours = ss.get(state.URL_WRITTEN, {})  # left from the page before: not a link
        ss[state.URL_PENDING] = {n: st.query_params[n] for n in st.query_params
                                 if n in ALL_NAMES and ours.get(n) != st.query_params[n]}
        ss[state.URL_KEYS], ss[state.URL_NOTES] = {}, []
        known = {e.run.run_id for e in state.runs()}
        for run_id in st.query_params.get_all("run"):
            if run_id not in known:
                ss[state.URL_NOTES].append(("runs", "run", "", run_id, "it is not on this "
                                            "server any more, or never was"))
    choices = models.model_choices(state.runs(), state.uploads(), state.pinned())
    restore("shared", choices=list(choices))


def restore(part: str, **ctx: Any) -> list[str]:
    """Apply the link's pending values of ``FIELDS[part]`` (each once per page open),
    before their widgets render; returns the notes about refused values (also kept and
    shown by ``sync`` until the page is left). Then ``write()``, when the link had any
    of them; otherwise the URL waits for ``finish``, at the end of the run."""
    handle = ctx.get("handle")
    if handle is not None:  # what the source boxes and the state pickers check against
        ctx = {"tm": handle.tm, "task": handle.task, "cfg": handle.tm.model.cfg, **ctx}
    ss = st.session_state
    pending = ss.setdefault(state.URL_PENDING, {})
    keys = ss.setdefault(state.URL_KEYS, {})
    notes, linked = [], False
    for field in FIELDS[part]:
        key = session_key(field, ctx)
        keys[field.name] = (key, part)
        if field.name not in pending:
            continue
        linked = True
        raw = pending.pop(field.name)
        try:
            value = field.parse(raw, ctx)
        except ValueError as err:
            notes.append((part, field.name, key, raw, str(err)))
            if field.default is None:
                continue
            value = field.default
        if field.apply is not None:
            field.apply(value, ctx)
        else:
            ss[key] = value
    ss.setdefault(state.URL_NOTES, []).extend(notes)
    if linked:
        write()
    return [note_text(*n) for n in notes]


def note_text(part: str, name: str, key: str, raw: str, why: str) -> str:
    """The note about one refused value, with what the view shows instead (once its
    widget has a value). Example: "The link's beam width K `99` was not used (must be
    from 1 to 16): the view shows `5` instead."
    """
    field = field_of(part, name)
    now = st.session_state.get(key) if key else None
    shown = field.dump(now) if now is not None else ""
    instead = (f"the view shows `{code_span_safe(shown, 60)}` instead" if shown and
               shown != raw else "the view's own default is used instead")
    return (f"The link's {field.what} `{code_span_safe(raw, 60)}` was not used "
            f"({code_span_safe(why, 300)}): {instead}.")


def write() -> None:
    """Mirror the open page's current values into ``st.query_params``, in one message to
    the browser when anything changed (each change on its own would be one message, and
    one history update in the browser, apiece). Other parameters (``run``, ``present``)
    are left alone."""
    ss = st.session_state
    pending = ss.get(state.URL_PENDING, {})
    wanted = {}
    for name, (key, part) in ss.get(state.URL_KEYS, {}).items():
        if ss.get(key) is not None:
            text = field_of(part, name).dump(ss[key])
            if text and len(text) <= MAX_URL_VALUE:
                wanted[name] = text
    now = {k: st.query_params.get_all(k) for k in st.query_params}
    new = {k: v for k, v in now.items()
           if k not in ALL_NAMES or k in wanted or k in pending}
    new.update((name, [text]) for name, text in wanted.items())
    if new != now:
        st.query_params.from_dict(new)
    ss[state.URL_WRITTEN] = wanted


def stop() -> NoReturn:
    """``st.stop()`` for a view that ends early (an input it cannot read, no run yet),
    after ``finish``: its link still names what it shows. (The sidebar's own stop, when
    no model can be shown, comes before the view has anything to put in the link.)"""
    finish()
    st.stop()


def write_in_fragment() -> None:
    """``write()`` from a fragment's own rerun (a step of ``widgets.player``); during a
    whole-page run the fragment leaves it to ``finish``, so the page's values reach the
    browser in one message. (The Copy link box is drawn only while its popover is open,
    by the run that opening it starts: ``copy_link``.)"""
    if not st.session_state.get(state.URL_FULL_RUN):
        write()


def link() -> str:
    """This page's URL with its query (what the address bar shows)."""
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    base = st.context.url or ""
    if base and not urlsplit(base).path:  # the default page: "http://host:port/"
        base += "/"
    return f"{base}?{query}" if query else base


def sync(view: str, **ctx: Any) -> None:
    """A view's URL state, after its title: apply the link's values for ``view``, show
    every note about refused values and draw the Copy link button (in the sidebar)."""
    if view in FIELDS:
        restore(view, **ctx)
    notes = st.empty()
    _show_notes(notes)
    st.session_state[state.URL_NOTES_SLOT] = (notes, copy_link())  # filled by ``finish``


def _show_notes(slot: DeltaGenerator) -> None:
    notes = [note_text(*note) for note in st.session_state.get(state.URL_NOTES, [])]
    if notes:  # one box: a link with several stale values costs one box of height
        slot.warning(notes[0] if len(notes) == 1 else "\n".join(f"- {n}" for n in notes))
    else:
        slot.empty()


def finish() -> None:
    """End of a whole-page run (main.py, after the page; ``stop`` for a page that ends
    early): write the URL, fill the Copy link popover with it, and redraw this run's
    notes now that each refused value's widget shows what replaced it."""
    end_run()  # here too: after ``st.stop()`` (``stop``) even session state is out of reach
    write()
    slots = st.session_state.pop(state.URL_NOTES_SLOT, None)
    if slots is not None:
        _show_notes(slots[0])
        if slots[1].open:  # closed, it holds nothing that could go stale
            _show_link(slots[1])


def end_run() -> None:
    """The whole-page run is over (main.py, in a ``finally``): from now on a fragment's
    own rerun writes the URL (``write_in_fragment``), even after a page that raised."""
    st.session_state[state.URL_FULL_RUN] = False


def copy_link() -> PopoverContainer:
    """The "Copy link" button, at the foot of the sidebar (on every view, taking no room
    from the view's pictures): a popover showing this view's link in a code box, whose
    own button copies it (Streamlit's clipboard copy; no script of ours in the page).
    Opening it reruns the page, and ``finish`` fills it at the end of that run, only
    while it is open: the link is the state as it is then. (Filled on every run, it
    showed the link of the last whole-page run until that rerun ended, and a step
    player's steps since did not reach it: one could copy the old step.)"""
    return st.sidebar.popover("Copy link", key=state.COPY_LINK, on_change="rerun",
                              help="A link to this view as it is now: model, input and "
                                   "settings. Whoever opens it sees what you see.")


def _show_link(popover: PopoverContainer) -> None:
    with popover:
        st.code(link(), language=None, wrap_lines=True)
        runs = st.query_params.get_all("run")
        st.caption("Copy it with the button at the box's right. "
                   + ("It names your training run: whoever opens it can watch and stop "
                      "it." if runs else "Whoever opens it sees this view as you do."))
