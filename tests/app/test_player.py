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
    ss["step"] = 7
    assert not player.reset(KEYS, ("a",), 3) and ss["step"] == 3  # fewer steps: clamped


def test_a_step_on_the_last_follows_a_growing_last(ss):
    player.reset(KEYS, ("run",), 1)
    assert ss["step"] == 1
    player.reset(KEYS, ("run",), 2)  # a new snapshot
    assert ss["step"] == 2
    ss["playing"] = True  # while playing, the player moves the step itself
    player.reset(KEYS, ("run",), 3)
    assert ss["step"] == 2


def test_the_replay_keeps_its_snapshot_when_the_run_thins_them(monkeypatch):
    """A training run's store keeps every other snapshot once full: 10, 20, 30, 40 then
    10, 30, 50. The snapshot after 30 steps moves from index 2 to 1; the slider follows
    it, by training step, and one on the newest goes on following the newest."""
    from ui import state
    from ui.widgets import inside

    ss: dict = {}
    monkeypatch.setattr(player.st, "session_state", ss)
    keys, signature = inside.REPLAY_PLAYER, ("run", "probe")
    player.reset(keys, signature, 3)
    ss[state.REPLAY_STEP], ss[state.REPLAY_AT] = 2, (2, 30)
    inside.keep_snapshot(signature, [10, 30, 50])
    player.reset(keys, signature, 2)
    assert ss[state.REPLAY_STEP] == 1  # after 30 steps, still
    ss[state.REPLAY_STEP], ss[state.REPLAY_AT] = 2, (2, 50)  # on the newest
    inside.keep_snapshot(signature, [10, 50, 90, 130])
    player.reset(keys, signature, 3)
    assert ss[state.REPLAY_STEP] == 3  # the newest: after 130 steps
    ss[state.REPLAY_STEP], ss[state.REPLAY_AT] = 0, (1, 50)  # the slider moved since
    inside.keep_snapshot(signature, [10, 50, 90, 130])
    assert ss[state.REPLAY_STEP] == 0  # where the user put it
    ss[state.REPLAY_STEP], ss[state.REPLAY_AT] = 0, (0, 10)
    inside.keep_snapshot(("another run", "probe"), [20, 40])  # a new signature: no mapping
    assert ss[state.REPLAY_STEP] == 0
