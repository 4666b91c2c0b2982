"""Runs on the server's registry: a reload reattaches by the id in the URL, clearing
Streamlit's caches stops nothing, limits refuse with the settings kept, queued runs say so."""

from __future__ import annotations

import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from seq2seq_core import TrainConfig
from seq2seq_core.server import registry
from seq2seq_core.server.limits import Limits
from seq2seq_core.server.worker import RunSpec

from test_app import MAIN, fill_tiny_form, start_app, wait_for_step


@pytest.fixture
def server(monkeypatch):
    """A fresh process-wide registry with chosen limits; its runs are stopped afterwards."""
    made = []

    def make(**limits) -> registry.RunRegistry:
        made.append(registry.RunRegistry(Limits(**limits)))
        monkeypatch.setattr(registry, "_default", made[-1])
        return made[-1]

    yield make
    for reg in made:
        reg.stop_all(60)


def start_training(steps: int = 100_000) -> tuple[AppTest, object]:
    at = fill_tiny_form(start_app(), steps)
    at.button(key="train_start").click().run()
    assert not at.exception, at.exception
    return at, at.session_state["runs"][0].run


def url_ids(at: AppTest) -> list[str]:
    value = at.query_params.get("run", [])
    return [value] if isinstance(value, str) else list(value)


def reload(run_ids: list[str] | None) -> AppTest:
    """A new session, as a reload makes, with ``?run=...`` in its URL."""
    at = AppTest.from_file(MAIN, default_timeout=60)
    if run_ids is not None:
        at.query_params["run"] = run_ids
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_url_carries_the_run_id_and_a_reload_reattaches(pretrained, server):
    server()
    at, run = start_training()
    assert url_ids(at) == [run.run_id]
    at.switch_page("views/about.py").run()
    assert url_ids(at) == [run.run_id]  # kept across page switches
    again = reload([run.run_id])
    [entry] = again.session_state["runs"]
    assert entry.run is run and entry.name == "my run 1: GRU-16 attention (additive), reverse"
    again.switch_page("views/train.py").run()
    assert again.button(key="train_stop")  # the reloaded page can stop it
    assert reload(None).session_state["runs"] == []  # nobody else sees it


@pytest.mark.parametrize("ids", [["<script>alert(1)</script>"], ["0" * 32], ["a" * 33],
                                 ["ABCDEF" * 6]])
def test_unknown_or_malformed_ids_in_the_url_are_ignored(pretrained, server, ids):
    server()
    at = reload(ids)
    assert at.session_state["runs"] == []
    at.switch_page("views/train.py").run()
    assert not at.exception


def test_clearing_streamlit_caches_neither_stops_nor_loses_a_training(pretrained, server):
    server()
    at, run = start_training()
    assert wait_for_step(run, 2)
    st.cache_resource.clear()  # what any client's "Clear caches" does
    st.cache_data.clear()
    at.run()
    assert not at.exception and run.snapshot().status == "running"
    assert wait_for_step(run, run.snapshot().step + 3)
    again = reload([run.run_id])  # the registry is not a cache: a reload still finds it
    assert again.session_state["runs"][0].run is run


def test_a_run_waiting_for_a_slot_says_so_and_starts_when_one_frees(pretrained, server):
    reg = server(train_slots=1)
    other = reg.submit(RunSpec("reverse", {"min_len": 3, "max_len": 5}, {"hidden_dim": 8},
                               TrainConfig(steps=100_000, eval_every=0)))
    at, run = start_training()
    deadline = time.monotonic() + 20
    while run.snapshot().status != "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    at.run()
    assert [i.value for i in at.info if "Waiting for a training slot" in i.value] == [
        "Waiting for a training slot: 0 runs ahead of yours. This server trains 1 at a "
        "time; yours starts by itself, keep this tab open."]
    other.stop()
    assert wait_for_step(run, 1)


def test_a_full_server_refuses_and_keeps_the_settings(pretrained, server):
    reg = server(train_slots=1, max_queued=0)
    reg.submit(RunSpec("reverse", {}, {"hidden_dim": 8}, TrainConfig(steps=100_000)))
    at, _ = fill_tiny_form(start_app(), 77), None
    at.button(key="train_start").click().run()
    assert not at.exception and at.session_state["runs"] == []
    assert "The server is busy: 1 trainings are running and 0 are waiting" in at.error[0].value
    assert at.number_input(key="train_steps").value == 77


@pytest.mark.parametrize("env, field, value, message", [
    ({"SEQ2SEQ_MAX_TRAIN_STEPS": "50"}, "train_steps", 51, "51 steps is over"),
    ({"SEQ2SEQ_MAX_MODEL_PARAMETERS": "1000"}, "train_hidden", 16, "parameters; this server"),
])
def test_training_limits_refuse_with_the_settings_kept(pretrained, server, monkeypatch, env,
                                                       field, value, message):
    server()
    for name, setting in env.items():
        monkeypatch.setenv(name, setting)
    at = fill_tiny_form(start_app(), 30)
    at.number_input(key=field).set_value(value)
    at.button(key="train_start").click().run()
    assert not at.exception and at.session_state["runs"] == []
    assert message in at.error[0].value
    assert at.number_input(key=field).value == value


def test_the_time_limit_is_capped_by_the_server(pretrained, server, monkeypatch):
    server()
    monkeypatch.setenv("SEQ2SEQ_MAX_TRAIN_SECONDS", "42")
    at, run = start_training()
    assert run.spec.train.max_seconds == 42.0  # the form asked for 15 minutes
    run.stop()
