"""Widgets of the inside views: the keys of the Attention row player and of
the replay's snapshot player (with how a link or a thinning run moves the latter),
which hidden states to look at, a second input, and the nearest neighbours' controls."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import seq2seq_core as core
from seq2seq_core.inside import StateSelection
from ui import glossary, state
from ui.charts import neighbours as neighbours_chart
from ui.widgets import player
from ui.widgets.common import KEEP

# the players (``player.step_player``) of the Attention rows (heatmap and lines) and of the
# Training replay's snapshots
ATTENTION_PLAYER = player.PlayerKeys(state.ATTENTION_STEP, state.ATTENTION_PLAY,
                                     state.ATTENTION_PLAYING, state.ATTENTION_JUST_STARTED,
                                     state.ATTENTION_STEP_SIG)
REPLAY_PLAYER = player.PlayerKeys(state.REPLAY_STEP, state.REPLAY_PLAY, state.REPLAY_PLAYING,
                                  state.REPLAY_JUST_STARTED, state.REPLAY_STEP_SIG)


def one_token_variant(text: str) -> str:
    """``text`` with one token changed, to compare two nearly equal inputs.

    Example: "March 3, 2021" -> "March 4, 2021" (first digit + 1); "hello" -> "iello".
    """
    for i, ch in enumerate(text):
        if ch.isdigit():
            return text[:i] + str((int(ch) + 1) % 10) + text[i + 1:]
    for i, ch in enumerate(text):
        if "a" <= ch <= "z":
            return text[:i] + chr((ord(ch) - ord("a") + 1) % 26 + ord("a")) + text[i + 1:]
    return text


def state_controls(cfg: core.ModelConfig, allow_3d: bool = True) -> tuple[StateSelection, int]:
    """Which states to project (part, layer, direction, LSTM cell) and 2-D or 3-D."""
    c1, c2, c3, c4, c5 = st.columns(5)
    part = c1.radio("States", ["encoder", "decoder"], horizontal=True, key=state.STATES_PART,
                    persist_state=KEEP, format_func={"encoder": "encoder h_1..h_S",
                                                     "decoder": "decoder s_1..s_T"}.__getitem__)
    layer = c2.selectbox("Layer", list(range(cfg.num_layers)), index=cfg.num_layers - 1,
                         key=state.STATES_LAYER.format(cfg.num_layers),
                         format_func=lambda i: f"{i + 1} of {cfg.num_layers}")
    direction = 0
    if part == "encoder" and cfg.bidirectional:
        direction = c3.radio("Direction", [0, 1], horizontal=True, key=state.STATES_DIRECTION,
                             format_func=["forward", "backward"].__getitem__)
    cell = cfg.cell == "lstm" and c4.checkbox("LSTM cell state c", key=state.STATES_CELL)
    dims = 2
    if allow_3d:
        dims = c5.radio("Projection", [2, 3], horizontal=True, key=state.STATES_DIMS,
                        persist_state=KEEP, format_func=lambda d: f"{d}-D",
                        help=glossary.help_text("The first 2 or 3 principal components of "
                                                "the task's states.", "pca"))
    return StateSelection(part, int(layer), int(direction), bool(cell)), int(dims)


def final_state_name(has_attention: bool) -> str:
    """The final encoder state's name: the context vector c only where a fixed-context
    decoder reads it alone."""
    return "final encoder state" if has_attention else \
        "final encoder state (the context vector c)"


def neighbour_controls(output_tokens: Sequence[Sequence[str]], has_attention: bool
                       ) -> tuple[int, int | None, int]:
    """Which input (A or B), which of its states (the final encoder state, or the decoder
    state after one output token) and how many neighbours. ``output_tokens``: each
    input's greedy output tokens. Returns (input index, step or None, k)."""
    c1, c2, c3 = st.columns([1, 3, 1])
    which = c1.radio("Input", [0, 1], horizontal=True, key=state.NEIGHBOURS_INPUT,
                     persist_state=KEEP, format_func="AB".__getitem__)
    tokens = output_tokens[which]
    options: list[int | None] = [None, *range(len(tokens))]
    state.choice(state.NEIGHBOURS_AT, options, None)
    at = c2.selectbox("State", options, key=state.NEIGHBOURS_AT,
                      format_func=lambda s: final_state_name(has_attention)
                      if s is None else neighbours_chart.step_label(s, tokens[s]))
    k = c3.number_input("Neighbours", 1, 20, 5, key=state.NEIGHBOURS_K, persist_state=KEEP)
    return int(which), at, int(k)


def open_snapshot(step: int, ctx: dict) -> None:
    """A link's snapshot, by its training step (one of ``ctx["steps"]``, the steps of the
    snapshots kept): the replay's slider on it."""
    ss, k = st.session_state, list(ctx["steps"]).index(step)
    ss[state.REPLAY_AT], ss[state.REPLAY_STEP] = (k, step), k


def keep_snapshot(signature: tuple, steps: list[int]) -> None:
    """Keep the replay on the snapshot picked while its run trains. The run's store
    thins its snapshots (every other one) as new ones come, which moves the picked one's
    index: the slider goes back to the kept snapshot nearest in training steps to the one
    drawn (``state.REPLAY_AT``), unless the slider was moved since. One on the newest is
    left to follow new ones (``player.reset``, which this runs before and whose stored
    ``(signature, last)`` it reads)."""
    ss = st.session_state
    before, drawn, k = ss.get(state.REPLAY_STEP_SIG), ss.get(state.REPLAY_AT), \
        ss.get(state.REPLAY_STEP)
    if before is None or before[0] != signature or drawn is None or drawn[0] != k or \
            k == before[1]:
        return
    ss[state.REPLAY_STEP] = min(range(len(steps)), key=lambda i: abs(steps[i] - drawn[1]))
