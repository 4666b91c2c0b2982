"""AppTest: Training replay of a digits run takes its probe through the strip input."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from ui import state

from seq2seq_core import images

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def test_a_digits_runs_replay_probe_is_a_strip(pretrained):
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.switch_page("views/train.py").run()
    at.selectbox(key=state.TRAIN_TASK).set_value("digits").run()
    at.number_input(key=state.TRAIN_HIDDEN).set_value(16)
    at.number_input(key=state.TRAIN_STEPS).set_value(20)
    at.number_input(key=state.TRAIN_EVAL_EVERY).set_value(10)
    at.number_input(key=state.TRAIN_EVAL_SIZE).set_value(20)
    at.button(key=state.TRAIN_START).click().run()
    assert not at.exception, at.exception
    run = at.session_state[state.RUNS][0].run
    run.join(120)
    assert run.replay.snapshots()
    at.switch_page("views/replay.py").run()
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    probe = at.session_state[state.REPLAY_PROBE.text]
    assert probe.startswith(images.PREFIX)  # a strip, not a text box's words
    assert not [t for t in at.text_input if t.key == state.REPLAY_PROBE.widget]
    assert at.get("image"), "the probe strip is not drawn"
    assert "img:" not in " ".join(m.value for m in [*at.markdown, *at.caption])
