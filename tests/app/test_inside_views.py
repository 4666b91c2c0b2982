"""AppTest: Attention, Hidden states, Compare and Training replay render real results."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core.data import make_batch

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def start_app(page: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(v) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array {"dtype", "bdata"} (NumPy input)."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v)


def test_attention_view_plays_the_greedy_attention_and_scores_it(pretrained):
    at = start_app("views/attention.py")
    at.text_input(key="inside_source_input").set_value("March 3, 2021").run()
    heat, lines, contexts = figures(at)
    tm = core.load(pretrained / "dates-attention")
    greedy = core.decode_text(tm, "March 3, 2021", core.DecodeConfig(strategy="greedy"))
    np.testing.assert_allclose(np.array(heat["data"][0]["z"], float), greedy.best.attention,
                               atol=1e-6)
    assert len(greedy.best.tokens) == len(lines["layout"]["xaxis"]["ticktext"])  # outputs
    drawn = sum(len(t["x"]) for t in lines["data"] if t["mode"] == "lines") // 3
    assert drawn == int((np.array(greedy.best.attention) >= 0.05).sum())  # every row's links
    assert at.slider(key="attention_step").value == len(greedy.best.tokens) - 1  # every row
    assert len(contexts["data"][0]["z"]) == len(greedy.best.tokens)
    if greedy.best.text != "2021-03-03":  # the untrained stand-in: no gold alignment
        assert not at.metric
        return
    # Score by hand: teacher-forced attention on "2021-03-03", gold = the field's chars
    # and, for this one-way encoder, the character after them.
    batch = make_batch([core.Pair("March 3, 2021", "2021-03-03")], tm.src_vocab, tm.tgt_vocab)
    with torch.no_grad():
        attention = tm.model(batch.src, batch.src_mask, batch.tgt_in)[1][0].numpy()
    fields = [range(9, 14)] * 4 + [None] + [range(0, 6)] * 2 + [None] + [range(6, 8)] * 2
    mass = [attention[t, list(f)].sum() for t, f in enumerate(fields) if f is not None]
    assert at.metric[0].value == f"{np.mean(mass):.2f}"


def test_attention_view_shows_one_context_vector_for_a_fixed_context_model(pretrained):
    at = start_app("views/attention.py")
    at.selectbox(key="model").set_value("shipped:dates-fixed").run()
    assert not at.exception
    (contexts,) = figures(at)  # no heatmap, no alignment lines
    rows = np.array(contexts["data"][0]["z"])
    assert len(rows) > 1 and (rows == rows[0]).all()
    assert any("same context vector c" in i.value for i in at.info)


def test_hidden_states_share_axes_and_a_shared_prefix_shares_its_points(pretrained):
    at = start_app("views/hidden_states.py")
    at.text_input(key="states_a_input").set_value("March 3, 2021").run()
    at.text_input(key="states_b_input").set_value("March 4, 2021").run()
    (fig,) = figures(at)
    path_a, star_a, path_b, _ = fig["data"]
    # A unidirectional encoder's state at "March " depends on the prefix only.
    xa, xb = values(path_a["x"]), values(path_b["x"])
    np.testing.assert_allclose(xa[:6], xb[:6], atol=1e-5)
    assert xa[6] != xb[6]  # "3" vs "4"
    assert path_a["text"][-1] == "13:&lt;eos&gt;" and values(star_a["x"])[0] == xa[-1]
    assert fig["layout"]["xaxis"]["range"] == fig["layout"]["xaxis2"]["range"]
    at.radio(key="states_part").set_value("decoder").run()
    at.radio(key="states_dims").set_value(3).run()
    assert not at.exception
    (fig,) = figures(at)
    assert fig["data"][0]["type"] == "scatter3d" and "scene2" in fig["layout"]


def fill_compare_form(at: AppTest) -> None:
    at.radio(key="compare_mode").set_value("train").run()
    at.slider(key="compare_lengths").set_value((3, 6))
    at.number_input(key="compare_hidden").set_value(8)
    at.number_input(key="compare_emb").set_value(4)
    at.number_input(key="compare_steps").set_value(20)
    at.number_input(key="compare_eval_every").set_value(10)
    at.number_input(key="compare_eval_size").set_value(30)
    at.button(key="compare_start").click().run()


@pytest.mark.slow
def test_compare_trains_both_then_replay_replays_a_snapshot_per_evaluation(pretrained):
    at = start_app("views/compare.py")
    fill_compare_form(at)
    entries = [e for e in at.session_state["runs"]]
    assert [e.run.spec.model["decoder"] for e in entries] == ["fixed", "attention"]
    assert entries[0].run.spec.train == entries[1].run.spec.train  # same budget and seed
    for e in entries:
        e.run.join(120)
    at.run()
    assert not at.exception
    by_length, curves = figures(at)
    assert len(by_length["data"]) == 2
    table = at.dataframe[0].value
    assert table["alignment score"].isna().tolist() == [True, False]
    heldout = entries[1].run.snapshot().evals[-1]
    assert table["exact match"].tolist()[1] == heldout.exact_match
    outputs = at.table[0].value  # st.table: long outputs wrap instead of being cut
    assert {"A greedy", "A beam", "B greedy", "B beam"} <= set(outputs.columns)

    at.switch_page("views/replay.py").run()
    assert not at.exception
    assert at.slider(key="replay_step").max == 1  # snapshots after 10 and 20 steps
    assert figures(at)[0]["layout"]["title"]["text"].startswith("after 20 steps")
    at.slider(key="replay_step").set_value(0).run()
    assert figures(at)[0]["layout"]["title"]["text"].startswith("after 10 steps")
    assert at.get("download_button")


def test_hidden_states_options_for_a_two_layer_bidirectional_lstm(monkeypatch, tmp_path):
    from ui import services
    task = core.make_task("dates", n_train=300, n_heldout=10, seed=0)
    src = core.Vocab.build([p.source for p in task.train] + list(core.TASKS["dates"].examples))
    tgt = core.Vocab.build([p.target for p in task.train])
    cfg = core.ModelConfig(len(src), len(tgt), cell="lstm", num_layers=2, bidirectional=True,
                           emb_dim=4, hidden_dim=6)
    core.save(tmp_path / "bilstm", core.TrainedModel(core.build_model(cfg, seed=0).eval(), src,
                                                     tgt, "dates", {"steps": 0}))
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(tmp_path))
    at = start_app("views/hidden_states.py")
    at.selectbox(key="states_layer_of_2").set_value(0).run()
    at.radio(key="states_direction").set_value(1).run()
    at.checkbox(key="states_cell").check().run()
    assert not at.exception
    path_a, star_a = figures(at)[0]["data"][:2]
    # The backward direction's final state is at the first token.
    assert values(star_a["x"])[0] == values(path_a["x"])[0]
    assert path_a["text"][0] == "0:M"
