"""AppTest: the Train form starts from the picked task's own defaults (TaskInfo.train_defaults)
and goes back to the general ones for a task without them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from ui import state
from ui.widgets import train

import seq2seq_core as core

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def form_values(at: AppTest) -> dict:
    return {"bidirectional": at.checkbox(key=state.TRAIN_BIDIRECTIONAL).value,
            "emb_dim": at.number_input(key=state.TRAIN_EMB).value,
            "hidden_dim": at.number_input(key=state.TRAIN_HIDDEN).value,
            "batch_size": at.number_input(key=state.TRAIN_BATCH).value}


def pick(at: AppTest, task: str) -> AppTest:
    at.selectbox(key=state.TRAIN_TASK).set_value(task).run()
    assert not at.exception, at.exception
    return at


def test_digits_form_starts_from_the_digits_defaults_and_dates_from_the_general_ones(pretrained):
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page("views/train.py").run()
    general = {"bidirectional": False, "emb_dim": 32, "hidden_dim": 128, "batch_size": 64}
    assert form_values(pick(at, "dates")) == general
    # bench/digits_live.py's settings: a bidirectional GRU-64, embedding 32, batch 32
    assert form_values(pick(at, "digits")) == {"bidirectional": True, "emb_dim": 32,
                                               "hidden_dim": 64, "batch_size": 32}
    at.session_state[state.TRAIN_HIDDEN] = 96  # the user's own choice (a form sends it on
    at.run()                                   # submit; AppTest's set_value would not)
    assert form_values(at)["hidden_dim"] == 96  # kept while the task stays
    assert form_values(pick(at, "reverse")) == general


def test_a_task_default_the_form_lacks_is_refused(monkeypatch):
    bad = dataclasses.replace(core.TASKS["dates"], train_defaults=(("hidden_size", 8),))
    monkeypatch.setitem(core.TASKS, "dates", bad)
    with pytest.raises(KeyError, match="hidden_size"):
        train.task_defaults("dates")
    assert train.task_defaults("digits")["hidden_dim"] == 64
