"""AppTest on the shipped subword translation model: everyday input translates, a
character the model never saw is named, bad input gets a clear message, and the
Attention view merges pieces into words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core.inside import merge_pieces, trace
from ui import services

ROOT = Path(__file__).resolve().parents[2]
ZOO = ROOT / "pretrained"
MAIN = str(ROOT / "app" / "main.py")
NAME = "translation-en-fr-attention"


@pytest.fixture
def page(monkeypatch):
    """Open a page of the app on the shipped subword translation model."""
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(ZOO))

    def open_page(view: str) -> AppTest:
        at = AppTest.from_file(MAIN, default_timeout=120).run()
        at.switch_page(view).run()
        at.selectbox(key="model").set_value(f"shipped:{NAME}").run()
        assert not at.exception, at.exception
        return at
    return open_page


def test_the_shipped_translation_models_read_subwords():
    for kind in ("attention", "fixed"):
        tm = core.load(ZOO / f"translation-en-fr-{kind}")
        assert tm.src_vocab.level == tm.tgt_vocab.level == "subword"
        assert tm.src_vocab.subword is not None and (ZOO / f"translation-en-fr-{kind}" /
                                                     "src_subword.model").is_file()


def test_decode_translates_everyday_input_and_names_unknown_characters(page):
    at = page("views/decode.py")
    at.text_input(key="source").set_value("Hello, where is the station?").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert not at.info or all("never seen" not in i.value for i in at.info)
    at = page("views/decode.py")  # a fresh page: each input from the start
    at.text_input(key="source").set_value("I love 🍕.").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("never seen the character '🍕'" in i.value and "unk" in i.value
               for i in at.info)


@pytest.mark.parametrize("text, message", [
    ("   ", "empty"), ("go " * 3400, "at most 200"),
    ("Привет", "never seen any of the characters"), ("東京", "never seen any of the characters"),
    ("😀", "never seen any of the characters"),
])
def test_decode_gives_bad_input_a_clear_message(page, text, message):
    at = page("views/decode.py")
    at.text_input(key="source").set_value(text).run()
    assert not at.exception, at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_attention_merges_pieces_into_words(page):
    at = page("views/attention.py")
    at.text_input(key="inside_source_input").set_value("The kitten sleeps.").run()
    pieces = json.loads(at.get("plotly_chart")[0].proto.spec)
    at.toggle(key="attention_merge_words").set_value(True).run()
    assert not at.exception, at.exception
    words = json.loads(at.get("plotly_chart")[0].proto.spec)
    x = words["data"][0]["x"]
    assert len(x) <= len(pieces["data"][0]["x"]) and x[-1].endswith("&lt;eos&gt;")
    rows = np.array([[v for v in row] for row in words["data"][0]["z"]], dtype=float)
    np.testing.assert_allclose(rows.sum(axis=1), 1.0, atol=1e-3)


def test_a_link_keeps_the_pieces_merged_and_the_row(monkeypatch):
    """``?merge=1`` turns "Merge pieces into words" on before the rows are counted, so
    the link's row is a row of words, as it was when the link was copied."""
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(ZOO))
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.query_params.update({"model": NAME, "src": "The kitten sleeps.", "merge": "1",
                            "step": "2"})
    at.switch_page("views/attention.py").run()
    assert not at.exception and not at.main.warning, [w.value for w in at.main.warning]
    assert at.toggle(key="attention_merge_words").value
    heat = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    tr = trace(core.load(ZOO / NAME), "The kitten sleeps.")
    words = merge_pieces(tr.attention, tr.source_tokens, tr.output_tokens).output_words
    assert len(heat["y"]) == len(words) < len(tr.output_tokens)  # rows of words
    drawn = [all(v is not None for v in row) for row in heat["z"]]
    assert drawn == [True] * 3 + [False] * (len(drawn) - 3)  # rows 0-2 of the words
    at.session_state["copy_link"] = True  # open Copy link, as a click does: it reruns
    at.run()
    [code] = at.sidebar.code
    assert "merge=1" in code.value and "step=2" in code.value
    at.toggle(key="attention_merge_words").set_value(False).run()  # pieces: not in the link
    [code] = at.sidebar.code
    assert "merge=" not in code.value


# The German and Spanish models: every view on typed everyday English, and what each
# model's card says it writes for its example.
OTHER_LANGUAGES = ("translation-en-de-attention", "translation-en-es-attention")
VIEWS = ("views/decode.py", "views/beam.py", "views/attention.py", "views/hidden_states.py",
         "views/replay.py", "views/compare.py")


@pytest.mark.parametrize("name", OTHER_LANGUAGES)
def test_every_view_runs_on_the_german_and_spanish_models(monkeypatch, name):
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(ZOO))
    tm = core.load(ZOO / name)
    example = tm.info["example"]
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.selectbox(key="model").set_value(f"shipped:{name}").run()
    at.text_input(key="source").set_value(example["source"]).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    shown = " ".join(m.value for m in at.markdown)
    assert example["target"] in shown  # the card's example output, as text
    for view in VIEWS:
        at.switch_page(view).run()
        assert not at.exception, (view, at.exception)
        assert not at.error, (view, [e.value for e in at.error])
