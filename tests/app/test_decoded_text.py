"""Every view shows output text as the target vocabulary's own decode spells it.

Regression: Attention, Hidden states, the beam tree and the replay title joined output
tokens with "", so a phoneme model showed ``SPIYCH`` where Decode showed ``S P IY CH``
and a word model ``jesuiscrevé.``. Two tiny untrained models (word level, and letters to
phonemes) stand in for translation and g2p; their task is ``upload`` so nothing has to
be regenerated.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core.inside import ReplayFrame
from ui import services

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
ARCH = {"emb_dim": 8, "hidden_dim": 16, "decoder": "attention"}
WORDS = [("i am cold .", "je suis froid ."), ("he is tired .", "il est fatigué ."),
         ("we are here .", "nous sommes ici ."), ("i am tired .", "je suis fatigué ."),
         ("he is cold .", "il est froid ."), ("we are cold .", "nous avons froid .")]
PHONEMES = [("speech", "S P IY1 CH"), ("cheese", "CH IY1 Z"), ("peace", "P IY1 S"),
            ("she", "SH IY1"), ("sip", "S IH1 P"), ("ship", "SH IH1 P")]
KINDS = {"words-tiny": (WORDS, "word", "we are cold ."),
         "phonemes-tiny": (PHONEMES, "char", "speech")}


def tiny_model(pairs, src_level: str) -> core.TrainedModel:
    data = core.TaskData("upload", tuple(core.Pair(s, t) for s, t in pairs), (),
                         src_level=src_level, tgt_level="word")
    tm = core.new_model(data, ARCH, seed=0)
    tm.model.eval()
    return tm


@pytest.fixture(scope="module")
def kinds_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kinds")
    for name, (pairs, level, _) in KINDS.items():
        core.save(out / name, tiny_model(pairs, level))
    return out


@pytest.fixture
def kinds(monkeypatch, kinds_dir) -> Path:
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(kinds_dir))
    return kinds_dir


def open_view(name: str, page: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.selectbox(key="model").set_value(f"shipped:{name}").run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def traced(folder: Path, text: str) -> core.Trace:
    tr = core.trace(core.load(folder), text)
    assert len(tr.output_text_tokens) >= 2  # else joining with "" could not show
    return tr


@pytest.mark.parametrize("name", KINDS)
def test_attention_view_shows_the_vocabulary_decode(kinds, name):
    text = KINDS[name][2]
    tr = traced(kinds / name, text)
    assert tr.output_text == core.load(kinds / name).tgt_vocab.decode(tr.output_ids)
    at = open_view(name, "views/attention.py")
    at.text_input(key="inside_source_input").set_value(text).run()
    assert not at.exception and not at.error, at.exception or at.error[0].value
    assert at.code[0].value == tr.output_text


@pytest.mark.parametrize("name", KINDS)
def test_hidden_states_titles_show_the_vocabulary_decode(kinds, name):
    text = KINDS[name][2]
    tr = traced(kinds / name, text)
    at = open_view(name, "views/hidden_states.py")
    at.text_input(key="states_a_input").set_value(text)
    at.text_input(key="states_b_input").set_value(text).run()
    assert not at.exception and not at.error, at.exception or at.error[0].value
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles[0] == html.escape(f"A: {text} → {tr.output_text}")


@pytest.mark.parametrize("name", KINDS)
def test_beam_tree_labels_show_the_vocabulary_decode(kinds, name):
    text = KINDS[name][2]
    tm = core.load(kinds / name)
    at = open_view(name, "views/beam.py")
    at.text_input(key="beam_source").set_value(text).run()
    assert not at.exception and not at.error, at.exception or at.error[0].value
    cfg = core.DecodeConfig(beam_size=5, max_len=50, n_best=5)
    tree = core.decode_text(tm, text, cfg).tree
    labels = at.selectbox(key="beam_force_node").options
    prefixes = [tm.tgt_vocab.decode([n.token_id for n in tree.path(node.id)[1:]])
                for node in sorted(tree.nodes[1:], key=lambda n: (n.step, n.rank))]
    assert len(labels) == len(prefixes)
    assert any(" " in p for p in prefixes)  # several words: a join with "" would show
    for label, prefix in zip(labels, prefixes):
        assert f" · '{prefix}'" in label, (label, prefix)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    hovers = [h for trace in spec["data"] for h in trace.get("hovertext") or []]
    assert any(f"prefix: {html.escape(p)}<br>" in h for p in prefixes if " " in p
               for h in hovers)


@pytest.mark.parametrize("name", KINDS)
def test_replay_title_shows_the_vocabulary_decode(kinds, name):
    from ui.charts import trajectory as trajectory_charts
    tr = traced(kinds / name, KINDS[name][2])
    sel = core.StateSelection("encoder")
    frame = ReplayFrame(10, tr, np.zeros((len(tr.source_tokens), 2)))
    fig = trajectory_charts.replay_figure([frame], sel)
    assert f"<b>{html.escape(tr.output_text)}</b>" in fig.layout.title.text
