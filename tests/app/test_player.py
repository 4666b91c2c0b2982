"""The step player's bookkeeping (``ui.widgets.player.reset``): a new picture opens on its
last step; otherwise the step picked stays, clamped, and a step on the last one follows
a last step that grows (a training run's new snapshot on the replay)."""

from __future__ import annotations

import pytest

from ui.widgets import player

KEYS = player.PlayerKeys("step", "play", "playing", "just_started", "sig")


@pytest.fixture
def ss(monkeypatch) -> dict:
    session: dict = {}
    monkeypatch.setattr(player.st, "session_state", session)
    return session


def test_a_new_picture_opens_on_its_last_step_and_stops_playing(ss):
    assert player.reset(KEYS, ("model", "input"), 5)
    assert ss["step"] == 5 and ss["playing"] is False
    ss["step"], ss["playing"] = 2, True
    assert player.reset(KEYS, ("model", "other input"), 7)
    assert ss["step"] == 7 and ss["playing"] is False


def test_the_step_picked_stays_and_is_clamped(ss):
    player.reset(KEYS, ("a",), 5)
    ss["step"] = 2
    assert not player.reset(KEYS, ("a",), 5) and ss["step"] == 2
    assert not player.reset(KEYS, ("a",), 8) and ss["step"] == 2  # not on the last: stays
    ss["step"] = 8
    assert not player.reset(KEYS, ("a",), 3) and ss["step"] == 3  # fewer steps: clamped


def test_a_step_on_the_last_follows_a_growing_last(ss):
    player.reset(KEYS, ("run",), 1)
    assert ss["step"] == 1
    player.reset(KEYS, ("run",), 2)  # a new snapshot
    assert ss["step"] == 2
    ss["playing"] = True  # while playing, the player moves the step itself
    player.reset(KEYS, ("run",), 3)
    assert ss["step"] == 2
