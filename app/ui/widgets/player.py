"""A step player: Play/Pause and a step slider in a fragment, over what one step draws.

The Beam search tree, the Attention heatmap with its alignment lines and the Training
replay play with it. Moving the slider or a tick of Play reruns only the fragment, and
the step is a widget's session state, so a link keeps it (the ``draw`` callback calls
``url_state.write_in_fragment``, which this module cannot import: the URL's field table
imports the widgets). The heatmap's and the replay's HTML exports carry plotly frames
instead, which play with no server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui.widgets.common import KEEP

PLAY_SECONDS = 0.8  # one step per tick while playing


@dataclass(frozen=True)
class PlayerKeys:
    """Session keys of one player: the step slider, the Play/Pause button, whether it is
    playing, and whether Play was just pressed (its first tick shows the step it starts
    on), and the signature of what it shows with its last step (``reset``)."""
    step: str
    button: str
    playing: str
    just_started: str
    signature: str


def reset(keys: PlayerKeys, signature: tuple, last: int) -> bool:
    """Show the last step (the whole picture) and stop playing when ``signature`` (what
    the player shows: model, input, settings) is new; else keep the step, within
    0..``last``, and follow a last step that grew (a training run's new snapshot) when
    the step was on the last one. Returns whether the signature was new."""
    ss = st.session_state
    before = ss.get(keys.signature)
    new = before is None or before[0] != signature
    if new:
        ss[keys.step], ss[keys.playing] = last, False
    elif ss.get(keys.step) == before[1] and not ss.get(keys.playing):
        ss[keys.step] = last  # on the newest: stay on the newest
    ss[keys.signature] = (signature, last)
    ss[keys.step] = min(max(int(ss.get(keys.step, last)), 0), last)
    return new


def _toggle_play(keys: PlayerKeys, last: int) -> None:
    ss = st.session_state
    if ss.get(keys.playing):
        ss[keys.playing] = False
        return
    if ss.get(keys.step, last) >= last:  # at the end: play from the start
        ss[keys.step] = 0
    ss[keys.playing] = ss[keys.just_started] = True


def step_player(keys: PlayerKeys, last: int, draw: Callable[[int], bool], *,
                label: str = "Step", help: str = "Reveal the picture one step at a time.",
                widths: tuple[int, int] = (1, 9)) -> None:
    """Play/Pause beside a slider over steps 0..``last``, then ``draw(step)``, all in a
    fragment that reruns alone; Play advances one step every ``PLAY_SECONDS`` seconds
    and stops at ``last``. ``draw`` returns True to rerun the whole page (a clicked node
    that other panels show); the page also reruns when playing stops, to turn the timer
    off. ``widths``: the button's and the slider's column widths."""
    playing = bool(st.session_state.get(keys.playing))

    @st.fragment(run_every=PLAY_SECONDS if playing else None)
    def panel() -> None:
        ss = st.session_state
        if ss.get(keys.playing) and playing:  # a tick of the timer (or a slider move)
            if not ss.pop(keys.just_started, False):
                ss[keys.step] = min(int(ss.get(keys.step, 0)) + 1, last)
            ss[keys.playing] = ss[keys.step] < last
        left, right = st.columns(list(widths), vertical_alignment="bottom")
        left.button("Pause" if ss.get(keys.playing) else "Play", key=keys.button,
                    on_click=_toggle_play, args=(keys, last), width="stretch", help=help,
                    disabled=last == 0)  # one step: nothing to play
        step = right.slider(label, 0, max(last, 1), key=keys.step, disabled=last == 0,
                            persist_state=KEEP)  # kept while another picture is shown
        if draw(step) or playing != bool(ss.get(keys.playing)):
            st.rerun()  # the whole page

    panel()
