"""AppTest: every view renders; decode, bad input, training, and a trained run in Decode."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core.server.worker import RunSpec, TrainingRun
from ui import services

from tests.shown_outputs import code_span, outputs

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
VIEWS = {"views/decode.py": "Decode", "views/train.py": "Train",
         "views/about.py": "About Seq2Seq Explorer"}


def start_app() -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def expected(folder: Path, text: str, **cfg) -> core.SearchResult:
    return core.decode_text(core.load(folder), text, core.DecodeConfig(**cfg))


def heatmap(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)["data"][0]


def test_every_view_renders(pretrained):
    at = start_app()
    for page, title in VIEWS.items():
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value == title
    assert at.selectbox(key="model").value == "shipped:dates-attention"


def test_decode_shows_greedy_and_beam_and_the_attention_heatmap(pretrained):
    at = start_app()
    at.text_input(key="source").set_value("March 3, 2021").run()
    folder = pretrained / "dates-attention"
    greedy = expected(folder, "March 3, 2021", strategy="greedy")
    beam = expected(folder, "March 3, 2021", beam_size=5, n_best=5)
    assert outputs(at) == [code_span(greedy.best.text), code_span(beam.best.text)]
    info = core.load(folder).info
    if "example" in info:  # the real shipped model: its card's known pair
        assert info["example"]["source"] == "March 3, 2021" and greedy.best.text == "2021-03-03"
    nbest = at.dataframe[0].value
    assert nbest["text"].tolist() == [h.text for h in beam.hypotheses]
    at.selectbox(key="hypothesis").set_value("greedy").run()
    data = heatmap(at)
    np.testing.assert_allclose(data["z"], greedy.best.attention, atol=1e-6)
    assert data["x"][0] == "0:M" and data["x"][-1].endswith(":&lt;eos&gt;")
    assert len(set(data["x"])) == len(data["x"]) == len("March 3, 2021") + 1


def test_example_buttons_fill_the_input(pretrained):
    at = start_app()
    example = core.TASKS["dates"].examples[2]
    at.button(key="example_2").click().run()
    assert at.text_input(key="source").value == example
    greedy = expected(pretrained / "dates-attention", example, strategy="greedy")
    assert outputs(at)[0] == code_span(greedy.best.text)


@pytest.mark.parametrize("text, message", [("", "empty"), ("☃☃", "never seen '☃'"),
                                           ("1" * 300, "at most 200")])
def test_bad_input_shows_an_error_not_a_traceback(pretrained, text, message):
    at = start_app()
    at.text_input(key="source").set_value(text).run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert not outputs(at) and not at.get("plotly_chart")


def test_fixed_context_model_explains_why_there_is_no_heatmap(pretrained):
    at = start_app()
    at.selectbox(key="model").set_value("shipped:dates-fixed").run()
    assert not at.exception and not at.get("plotly_chart")
    assert any("same context vector c" in i.value for i in at.info)


def test_without_shipped_models_the_app_says_train_one(monkeypatch, tmp_path):
    monkeypatch.setenv("SEQ2SEQ_PRETRAINED_DIR", str(tmp_path / "missing"))
    at = start_app()
    assert any("No shipped models yet" in i.value for i in at.sidebar.info)
    assert any("No model yet" in i.value for i in at.main.info)
    at.switch_page("views/train.py").run()
    assert not at.exception


def fill_tiny_form(at: AppTest, steps: int) -> AppTest:
    at.switch_page("views/train.py").run()
    at.selectbox(key="train_task").set_value("reverse").run()
    at.slider(key="train_lengths").set_value((3, 5))
    at.number_input(key="train_emb").set_value(8)
    at.number_input(key="train_hidden").set_value(16)
    at.number_input(key="train_steps").set_value(steps)
    at.number_input(key="train_eval_every").set_value(10)
    at.number_input(key="train_eval_size").set_value(50)
    return at


def test_invalid_settings_show_the_config_error(pretrained):
    at = fill_tiny_form(start_app(), 30)
    at.checkbox(key="train_bidirectional").check()
    at.selectbox(key="train_score").set_value("dot")
    at.button(key="train_start").click().run()
    assert not at.exception and at.session_state["runs"] == []
    assert len(at.error) == 1 and "bidirectional" in at.error[0].value


def test_a_trained_run_finishes_downloads_and_decodes(pretrained):
    at = fill_tiny_form(start_app(), 30)
    at.button(key="train_start").click().run()
    entry = at.session_state["runs"][0]
    entry.run.join(60)
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Finished 30 steps."]
    assert at.get("download_button")[0].proto.label == "Download checkpoint (.zip)"
    name = "my run 1: GRU-16 attention (additive), reverse"
    assert name in at.selectbox(key="model").options
    at.button(key="use_in_decode").click().run()
    assert not at.exception and at.title[0].value == "Decode"
    assert at.selectbox(key="model").value == entry.key
    assert at.text_input(key="source").value == "hello"  # reverse's first example
    greedy = core.decode_text(entry.run.latest_model(), "hello",
                              core.DecodeConfig(strategy="greedy"))
    assert outputs(at)[0] == code_span(greedy.best.text)
    assert len(at.get("plotly_chart")) == 1


def stop_run(at: AppTest, run) -> None:
    """Click Stop, wait for the run's thread, rerun the page: the run is stopped."""
    at.button(key="train_stop").click().run()
    run.join(60)
    run.stop()  # no-op when Stop worked; never leaves a thread behind when it did not
    at.run()
    assert run.snapshot().status == "stopped"


def wait_for_step(run, step: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while run.snapshot().step < step and time.monotonic() < deadline:
        time.sleep(0.05)
    return run.snapshot().step >= step


def test_clicking_around_does_not_stop_training_and_stop_does(pretrained):
    at = fill_tiny_form(start_app(), 100_000)
    at.button(key="train_start").click().run()
    run = at.session_state["runs"][0].run
    try:
        assert wait_for_step(run, 1)
        at.switch_page("views/decode.py").run()
        at.slider(key="beam_size").set_value(3).run()
        at.switch_page("views/train.py").run()
        assert run.snapshot().status == "running"
        assert wait_for_step(run, run.snapshot().step + 5)
        assert at.button(key="train_start").disabled  # one run at a time per session
        stop_run(at, run)
    finally:
        run.stop()
    assert "Stopped at step" in at.warning[0].value
    assert at.get("download_button")


def test_a_failing_run_shows_its_error(pretrained, monkeypatch):
    bad = RunSpec("reverse", {"min_len": 0}, {"hidden_dim": 8}, core.TrainConfig(steps=5))
    monkeypatch.setattr(services.training, "start_run", lambda spec: TrainingRun(bad).start())
    at = fill_tiny_form(start_app(), 30)
    at.button(key="train_start").click().run()
    at.session_state["runs"][0].run.join(60)
    at.run()
    assert not at.exception and not at.get("download_button")
    assert "Training failed" in at.error[0].value and "min_len" in at.error[0].value
