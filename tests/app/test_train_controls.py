"""Slow motion on the Train view: Pause holds the run, Step takes exactly one optimisation
step (then evaluates, so the charts, the model and the replay show it), Step one
evaluation interval takes that many, the speed control slows the run, Resume goes on,
Stop keeps the model; "Use in Decode" during a run takes the model shown."""

from __future__ import annotations

import re
import time

from streamlit.testing.v1 import AppTest

from test_app import fill_tiny_form, start_app, stop_run, wait_for_step


def paused_run(steps: int = 100_000) -> tuple[AppTest, object]:
    """A tiny run started from the form, trained a little, then paused by its button."""
    at = fill_tiny_form(start_app(), steps)
    at.button(key="train_start").click().run()
    run = at.session_state["runs"][0].run
    assert wait_for_step(run, 12)
    at.run()
    assert not at.exception, at.exception
    at.button(key="train_pause").click().run()
    assert not at.exception, at.exception
    assert run.snapshot().status == "paused"
    return at, run


def model_line(at: AppTest) -> str:
    (line,) = [m.value for m in at.markdown if "The model you will get" in m.value]
    return line


def test_pause_holds_and_step_takes_exactly_one_step(pretrained):
    at, run = paused_run()
    try:
        held = run.snapshot().step
        time.sleep(0.5)
        assert run.snapshot().step == held  # paused: nothing moves
        assert at.button(key="train_resume") and not at.button(key="train_step").disabled
        assert any(f"Paused at step {held}" in i.value for i in at.info)
        replayed = len(run.replay.snapshots())

        at.button(key="train_step").click().run()
        assert not at.exception
        snap = run.snapshot()
        assert snap.step == held + 1 and snap.status == "paused"
        assert snap.evals[-1].step == held + 1  # evaluated: the charts show that step
        assert run.replay.snapshots()[-1].step == held + 1 and \
            len(run.replay.snapshots()) == replayed + 1
        assert model_line(at).startswith(f"**The model you will get: step {held + 1}**")
        assert f"paused · step {held + 1}/" in at.get("progress")[0].proto.text
        time.sleep(0.5)
        assert run.snapshot().step == held + 1  # and holds again

        at.button(key="train_step_eval").click().run()  # one evaluation interval: 10
        assert run.snapshot().step == held + 11 and run.snapshot().evals[-1].step == held + 11
    finally:
        run.stop()


def test_speed_resume_and_stop(pretrained):
    at, run = paused_run()
    try:
        at.select_slider(key="train_speed").set_value(5.0).run()
        assert not at.exception
        assert run.snapshot().steps_per_second == 5.0
        assert "5 steps/s" in at.get("progress")[0].proto.text
        at.button(key="train_resume").click().run()
        start, begun = run.snapshot().step, time.monotonic()
        time.sleep(2.0)
        moved = run.snapshot().step - start
        assert 1 <= moved <= 5.0 * (time.monotonic() - begun) + 1  # slowed down, moving
        assert at.button(key="train_pause")
        at.select_slider(key="train_speed").set_value(0.0).run()
        assert run.snapshot().steps_per_second is None
        stop_run(at, run)
    finally:
        run.stop()
    stopped = run.snapshot().step
    assert model_line(at).startswith(f"**The model you will get: step {stopped}**")
    assert run.latest_model().info["steps"] == stopped  # Stop keeps the model so far


def test_use_in_decode_during_a_run_takes_the_model_shown(pretrained):
    at, run = paused_run()
    try:
        at.button(key="train_resume").click().run()
        wait_for_step(run, run.snapshot().step + 15)
        at.run()
        line = model_line(at)  # the model shown, at its step; the run trains on
        shown = int(re.search(r"step (\d+)\*\*", line).group(1))
        at.button(key="use_in_decode").click().run()
        assert not at.exception, at.exception
        assert at.title[0].value == "Decode"
        picked = at.selectbox(key="model")
        (pinned,) = at.session_state["pinned_models"]
        assert picked.value == pinned.key and pinned.step == shown
        assert picked.format_func(picked.value).startswith(f"my run 1 at step {shown}: ")
        wait_for_step(run, shown + 25)
        at.run()  # the run trained on; Decode keeps the model that was shown
        assert at.selectbox(key="model").value == pinned.key
        assert pinned.tm.info["steps"] == shown != run.latest_model().info["steps"]
    finally:
        run.stop()
