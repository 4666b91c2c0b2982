"""AppTest: the Beam search view on the shipped dates-attention (or its stand-in)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from ui import services, state
from ui.charts import beam as beam_charts
from ui.state import RunEntry

import seq2seq_core as core
from seq2seq_core.search.sweep import beam_sweep
from seq2seq_core.server.worker import RunSpec, TrainingRun
from tests.shown_charts import chart

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
TEXT = "lunes, 12 de octubre de 1936"


def beam_view(text: str | None = TEXT) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=90).run()
    at.switch_page("views/beam.py").run()
    assert not at.exception, at.exception
    if text is not None:
        at.text_input(key="beam_source").set_value(text).run()
        assert not at.exception, at.exception
    return at


def drawn_nodes(fig: dict) -> list[int]:
    return sorted(c[0] for t in fig["data"] if "customdata" in t for c in t["customdata"])


def model(pretrained: Path) -> core.TrainedModel:
    return core.load(pretrained / "dates-attention")


def test_the_view_renders_the_tree_and_the_nbest_list(pretrained):
    at = beam_view()
    assert at.title[0].value == "Beam search"
    beam = core.decode_text(model(pretrained), TEXT, core.DecodeConfig(beam_size=5, n_best=5))
    fig = chart(at, "beam_tree_chart")
    kept = [n.id for n in beam.tree.nodes if n.status != "pruned"]
    assert drawn_nodes(fig) == kept  # every node but the pruned candidates, all steps
    assert len(kept) < len(beam.tree.nodes)
    assert "<eos>" not in json.dumps([t.get("text") for t in fig["data"]])
    assert at.dataframe[0].value["text"].tolist() == [h.text for h in beam.hypotheses]
    assert at.slider(key="beam_step").value == beam.tree.num_steps


def test_the_step_slider_reveals_the_tree_step_by_step(pretrained):
    at = beam_view()
    full = drawn_nodes(chart(at, "beam_tree_chart"))
    at.slider(key="beam_step").set_value(2).run()
    assert not at.exception
    fig = chart(at, "beam_tree_chart")
    tree = core.decode_text(model(pretrained), TEXT, core.DecodeConfig(beam_size=5)).tree
    assert drawn_nodes(fig) == sorted(n.id for n in tree.nodes
                                      if n.step <= 2 and n.status != "pruned") != full
    assert any(c.value.startswith("Step 2:") for c in at.caption)


def test_play_advances_one_step_per_tick_and_stops_at_the_end(pretrained):
    at = beam_view()
    last = at.slider(key="beam_step").value
    at.button(key="beam_play").click().run()
    assert at.slider(key="beam_step").value == 0 and at.session_state["beam_playing"]
    assert at.button(key="beam_play").label == "Pause"
    at.run()  # AppTest never ticks run_every: each run is one tick
    assert at.slider(key="beam_step").value == 1
    for _ in range(last):
        at.run()
    assert at.slider(key="beam_step").value == last
    assert not at.session_state["beam_playing"]
    assert at.button(key="beam_play").label == "Play"


def test_forcing_a_pruned_node_re_decodes_from_its_prefix(pretrained):
    at = beam_view()
    at.toggle(key=state.BEAM_PRUNED).set_value(True).run()  # to see its ring in the tree
    tm = model(pretrained)
    tree = core.decode_text(tm, TEXT, core.DecodeConfig(beam_size=5)).tree
    options = beam_charts.node_options(tree, tm.tgt_vocab)
    node = next(n for n in tree.nodes if n.status == "pruned" and n.step == 3
                and n.token != "<eos>")
    assert at.selectbox(key="beam_force_node").options == list(options.values())
    at.selectbox(key="beam_force_node").set_value(options[node.id]).run()
    assert not at.exception
    prefix = beam_charts.prefix_text(tree, node.id, tm.tgt_vocab)
    forced_text = at.code[0].value
    assert forced_text.startswith(prefix)
    ids = tree.prefix_ids(node.id)
    expected = core.decode_text(model(pretrained), TEXT, core.DecodeConfig(strategy="greedy"),
                                prefix=ids).best
    assert forced_text == expected.text
    forced_fig = chart(at, "beam_forced_chart")
    assert [t["name"] for t in forced_fig["data"]].count("forced by you") == 1
    ring = [t for t in chart(at, "beam_tree_chart")["data"] if t["name"] == "selected node"]
    assert len(ring) == 1  # the picked node is ringed in the main tree
    at.radio(key="beam_force_strategy").set_value("beam").run()
    beam = core.decode_text(model(pretrained), TEXT, core.DecodeConfig(beam_size=5, n_best=5),
                            prefix=ids).best
    assert at.code[0].value == beam.text and beam.text.startswith(prefix)


def test_heldout_example_fills_the_input_and_marks_the_reference(pretrained):
    at = beam_view(text=None)
    label = at.selectbox(key="beam_heldout").value
    source, target = label.split("  →  ")
    at.button(key="beam_use_heldout").click().run()
    assert at.text_input(key="beam_source").value == source
    nbest = at.dataframe[0].value
    assert nbest["matches reference"].tolist() == [t == target for t in nbest["text"]]


def test_attention_of_any_hypothesis(pretrained):
    at = beam_view()
    beam = core.decode_text(model(pretrained), TEXT, core.DecodeConfig(beam_size=5, n_best=5))
    pick = next(o for o in at.selectbox(key="beam_attention").options if o.startswith("beam 2"))
    at.selectbox(key="beam_attention").set_value(pick).run()
    z = chart(at, "beam_attention_heatmap")["data"][0]["z"]
    np.testing.assert_allclose(z, beam.hypotheses[1].attention, atol=1e-6)


def test_sampling_rows_sit_next_to_greedy_and_beam(pretrained):
    at = beam_view()
    at.number_input(key="beam_samples").set_value(2).run()
    at.slider(key="beam_temperature").set_value(2.0).run()
    table = at.dataframe[1].value
    assert table["decoder"].tolist() == ["greedy", "beam K=5, best", "sample, seed 0",
                                         "sample, seed 1"]
    sample = core.decode_text(model(pretrained), TEXT, core.DecodeConfig(
        strategy="sample", temperature=2.0, seed=1)).best
    assert table["text"].tolist()[3] == sample.text
    assert table["log-prob"].tolist()[3] == pytest.approx(sample.score)


def test_the_sweep_runs_on_a_few_heldout_pairs(pretrained):
    at = beam_view()
    at.number_input(key="sweep_n").set_value(5).run()
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-sweep_chart")]
    # the button names the widths really searched (dates: 16 is searched as 13)
    assert at.button(key="sweep_run").label == "Run the sweep (widths 1, 2, 3, 5, 8, 12, 13)"
    at.button(key="sweep_run").click().run()
    assert not at.exception, at.exception
    tm = model(pretrained)
    seed = tm.info.get("train_config", {}).get("seed", 0)
    pairs = [p for p in core.make_task("dates", seed=seed).heldout
             if not tm.src_vocab.unknown_tokens(p.source)][:5]
    rows = beam_sweep(tm, pairs)
    lines = [t for t in chart(at, "sweep_chart")["data"] if t["type"] == "scatter"]
    # dates outputs use 13 tokens besides PAD and BOS: width 16 is searched as 13
    assert lines[0]["x"] == ["1", "2", "3", "5", "8", "12", "13"]
    assert lines[0]["y"] == [r.exact_match for r in rows]
    assert at.dataframe[-1].value["pairs"].tolist() == [5] * 7
    columns = json.loads(at.dataframe[-1].proto.columns)  # exact match in %, as in the chart
    assert columns["exact match"]["type_config"]["format"] == "percent"
    assert "format" not in columns.get("mean log-prob", {}).get("type_config", {})
    at.run()  # cached: still shown without a click
    assert chart(at, "sweep_chart")["data"][0]["y"] == [r.exact_match for r in rows]


@pytest.mark.parametrize("text, message", [("", "empty"), ("☃☃", "never seen '☃'")])
def test_bad_input_shows_an_error_not_a_traceback(pretrained, text, message):
    at = beam_view(text)
    assert not at.exception
    assert message in at.error[0].value
    assert not at.get("plotly_chart")


def test_a_fixed_context_model_gets_the_tree_and_a_note_instead_of_attention(pretrained):
    at = AppTest.from_file(MAIN, default_timeout=90).run()
    at.selectbox(key="model").set_value("shipped:dates-fixed").run()
    at.switch_page("views/beam.py").run()
    assert not at.exception, at.exception
    assert chart(at, "beam_tree_chart")["data"]
    assert any("fixed-context" in i.value for i in at.info)


def test_heldout_pairs_of_a_run_use_its_task_options_and_seed():
    spec = RunSpec("reverse", {"min_len": 3, "max_len": 4}, {}, core.TrainConfig(seed=7))
    entry = RunEntry(1, TrainingRun(spec), "label", "reverse")  # never started
    task = core.make_task("reverse", seed=7, min_len=3, max_len=4)
    src = core.Vocab.build(["abcdefghijklmnopqrstuvwxy"])  # no "z": some sources unreadable
    tgt = core.Vocab.build([p.target for p in task.train])
    cfg = core.ModelConfig(len(src), len(tgt), emb_dim=4, hidden_dim=8)
    tm = core.TrainedModel(core.build_model(cfg, seed=0).eval(), src, tgt, "reverse", {})
    handle = services.models.ModelHandle(f"{entry.key}:1", "run", "reverse", "label", {}, tm)
    readable = tuple(p for p in task.heldout if not src.unknown_tokens(p.source))
    assert 0 < len(readable) < len(task.heldout)
    assert services.decode.heldout_pairs(handle, [entry]) == readable
    assert services.decode.heldout_pairs(handle, []) != readable  # seed 0, lengths 5-15 instead
