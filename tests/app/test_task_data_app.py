"""AppTest: the Train view's task picker, uploads (a bad one keeps the data the user had),
and example buttons that open Decode."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def train_page(task: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page("views/train.py").run()
    at.selectbox(key="train_task").set_value(task).run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str) -> AppTest:
    mime = "text/csv" if name.endswith(".csv") else "text/tab-separated-values"
    at.get("file_uploader")[0].set_value((name, (UPLOADS / name).read_bytes(), mime)).run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_task_picker_lists_every_task_with_its_description(pretrained):
    at = train_page("dates")
    picker = at.selectbox(key="train_task")
    names = {option.split(":")[0] for option in picker.options}  # "name: description"
    assert names == {"dates", "reverse", "g2p", "translation", "digits", "upload"}
    assert any(o.startswith("g2p: Spell English words") for o in picker.options)
    assert any(o.startswith("digits: ") for o in picker.options)


def test_upload_needs_a_file_before_the_form_shows(pretrained):
    at = train_page("upload")
    assert any("Upload a file" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "train_start"]


@pytest.mark.parametrize("bad, words", [
    ("wrong_columns.tsv", "line 4: found 3 column(s)"),
    ("empty_target.tsv", "line 4: the target is empty"),
    ("undecodable.tsv", "line 3: byte 0xe9 is not UTF-8"),
    ("too_few.tsv", "holds 5 pair(s); at least 20"),
    ("wrong_columns.csv", "line 7: found 3 column(s) separated by commas"),
])
def test_bad_upload_shows_its_message_and_keeps_the_previous_data(pretrained, bad, words):
    at = upload(train_page("upload"), "good.tsv")
    assert not at.error
    held = at.session_state["upload_pairs"]
    assert held.name == "good.tsv" and len(held.value) == 24
    assert [b for b in at.button if b.key == "train_start"]  # the form is there
    at = upload(at, bad)
    assert words in errors(at)
    assert any("Still using good.tsv (24 pairs)" in i.value for i in at.info)
    assert at.session_state["upload_pairs"] == held  # nothing lost
    assert [b for b in at.button if b.key == "train_start"]  # still trainable


def test_the_pairs_upload_limits_are_server_settings(pretrained, monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_MAX_PAIRS_UPLOAD_ROWS", "10")  # good.tsv has 24 pairs
    at = upload(train_page("upload"), "good.tsv")
    assert "more than 10 pairs" in errors(at)
    monkeypatch.setenv("SEQ2SEQ_MAX_PAIRS_UPLOAD_ROWS", "100")
    monkeypatch.setenv("SEQ2SEQ_MAX_PAIRS_UPLOAD_BYTES", "100")
    at = upload(train_page("upload"), "good.tsv")
    assert "the limit is 100" in errors(at)


def test_bad_first_upload_leaves_no_data(pretrained):
    at = upload(train_page("upload"), "empty_source.tsv")
    assert "line 2: the source is empty" in errors(at)
    assert "upload_pairs" not in at.session_state
    assert not [b for b in at.button if b.key == "train_start"]


def test_good_csv_with_bom_and_crlf_replaces_the_data(pretrained):
    at = upload(upload(train_page("upload"), "good.tsv"), "bom_crlf.csv")
    assert not at.error
    assert at.session_state["upload_pairs"].name == "bom_crlf.csv"


def test_example_button_opens_decode_with_the_example(pretrained):
    at = train_page("dates")
    first = [b for b in at.button if b.key == "task_example_0"][0]
    first.click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Decode"
    assert at.text_input(key="source").value == "March 3, 2021"


def tiny_corpus(folder: Path) -> None:
    lines = [f"{s} {a}.\t{fs} {fa}." for s, fs in [("I am", "Je suis"), ("He is", "Il est"),
                                                   ("We are", "Nous sommes")]
             for a, fa in [("cold", "froid"), ("tired", "fatigué"), ("happy", "heureux"),
                           ("ready", "prêt"), ("late", "en retard"), ("sick", "malade"),
                           ("here", "ici"), ("calm", "calme")]]
    (folder / "fra-eng").mkdir()
    (folder / "fra-eng" / "fra.txt").write_text("\n".join(lines) + "\nGo.\tVa !\n",
                                                encoding="utf-8")


def test_translation_settings_prepare_the_data_and_show_the_split(pretrained, tmp_path,
                                                                   monkeypatch):
    tiny_corpus(tmp_path)
    monkeypatch.setenv("SEQ2SEQ_TATOEBA_DIR", str(tmp_path))
    at = train_page("translation")  # defaults: everyday sentences on BPE subwords
    assert "only 25 distinct sources for 1000 held-out" in errors(at)
    at.number_input(key="tr_heldout").set_value(4).run()
    assert not at.error, errors(at)
    assert "bpe subword tokens" in " ".join(m.value for m in at.markdown)
    at.checkbox(key="tr_tutorial").check().run()
    at.radio(key="tr_tok").set_value("word").run()
    notes = " ".join(m.value for m in at.markdown)
    assert "24 of 25 pairs kept" in notes  # "Go." fails the tutorial prefix filter
    assert "tatoeba.org" in " ".join(c.value for c in at.caption)
    at.number_input(key="train_seed").set_value(0)  # the preview splits with this seed
    at.text_input(key="split_text").set_value("We are cold.").run()
    assert "`we` `are` `cold` `.`" in " ".join(m.value for m in at.markdown)
    at.radio(key="tr_tok").set_value("bpe").run()
    at.number_input(key="tr_vocab_size").set_value(100).run()
    assert not at.exception and not at.error, errors(at)
    shown = " ".join(m.value for m in at.markdown)
    assert "bpe subword tokens" in shown and "`▁" in shown
    assert [b for b in at.button if b.key == "train_start"]


def test_translation_without_data_says_where_to_get_it(pretrained, tmp_path, monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_TATOEBA_DIR", str(tmp_path))  # an empty folder
    at = train_page("translation")
    assert "manythings.org/anki" in errors(at)
    assert not [b for b in at.button if b.key == "train_start"]
