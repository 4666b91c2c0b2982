"""Bugs that only word, phoneme and subword models showed, one test each.

Each test failed before its fix: a subword trace raised, views spelled outputs by joining
tokens with "", the typographic apostrophe was refused by translation, exact match by
length counted <unk> as correct, and the CLI accepted three-column pairs files.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path

import pytest

from seq2seq_core import (
    DecodeConfig,
    ModelConfig,
    Pair,
    TrainedModel,
    Vocab,
    build_model,
    check_source,
    decode_text,
    evaluate,
    load,
)
from seq2seq_core.cli import main
from seq2seq_core.inside import trace
from seq2seq_core.pairs import NO_LIMITS, PairsError, parse_pairs
from seq2seq_core.subword import train_subword
from seq2seq_core.vocab import UNK_ID

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = ["the cat sat on the mat .", "a dog ran in the park .", "i'm tired .",
             "the cat ran .", "she sat in the park ."] * 4


def untrained(src: Vocab, tgt: Vocab, **fields) -> TrainedModel:
    cfg = ModelConfig(src_vocab_size=len(src), tgt_vocab_size=len(tgt),
                      **{"emb_dim": 8, "hidden_dim": 12, **fields})
    return TrainedModel(build_model(cfg, seed=0).eval(), src, tgt, "toy")


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_trace_reads_a_subword_model_with_its_own_pieces(kind):
    vocab = Vocab.from_subword(train_subword(SENTENCES, 60, kind))
    tm = untrained(vocab, vocab)
    tr = trace(tm, "the cat sat", max_len=8)  # raised ValueError before
    assert tr.source_tokens == tuple(vocab.split("the cat sat")) + ("<eos>",)
    assert tr.output_text == vocab.decode(tr.output_ids)


def test_trace_spells_word_and_phoneme_outputs_as_the_vocabulary_decodes_them():
    phonemes = Vocab.build(["S P IY1 CH", "K AE1 T"], "word")
    letters = Vocab.build(["speech", "cat"], "char")
    tm = untrained(letters, phonemes)
    tr = trace(tm, "speech", target="S P IY1 CH")
    assert tr.output_text == "S P IY1 CH"  # not "SPIY1CH"
    best = decode_text(tm, "speech", DecodeConfig(max_len=6)).best
    assert best.text == phonemes.decode(best.token_ids)
    free = trace(tm, "speech", max_len=6)
    assert free.output_text == phonemes.decode(free.output_ids)


@pytest.fixture(scope="module")
def translation():
    return load(ROOT / "pretrained" / "translation-en-fr-attention")


@pytest.mark.parametrize("typed", ["I\u2019m tired.", "I\u2019m  tired. ", "\u00a0I'm tired."])
def test_translation_reads_typographic_apostrophes_and_spaces_as_training_did(translation,
                                                                               typed):
    cfg = DecodeConfig(max_len=20)
    plain = decode_text(translation, "I'm tired.", cfg).best.text
    assert decode_text(translation, typed, cfg).best.text == plain  # refused before
    assert translation.src_vocab.split(typed) == translation.src_vocab.split("I'm tired.")
    assert check_source(translation, typed) == "I'm tired."
    report = evaluate(translation, [Pair(typed, "je suis fatigué.")], cfg)
    assert report.predictions == (plain,)


def test_the_normaliser_travels_with_the_vocabulary():
    vocab = Vocab.build(["it's"], "word", normalizer="sentence")
    again = Vocab.from_json(json.loads(json.dumps(vocab.to_json())))
    assert again.normalizer == "sentence" and again.split("It\u2019s") == ["It's"]
    assert Vocab.from_json({**vocab.to_json(), "normalizer": "nfc"}).split("It\u2019s") == \
        ["It\u2019s"]
    with pytest.raises(ValueError, match="unknown text normaliser 'shout'; choose one of nfc"):
        dataclasses.replace(vocab, normalizer="shout")
    with pytest.raises(ValueError, match="unknown text normaliser 'shout'"):
        Vocab.from_json({**vocab.to_json(), "normalizer": "shout"})


def test_an_unknown_output_is_never_an_exact_match_overall_or_by_length(monkeypatch):
    words = Vocab.build(["the cat", "a dog"], "word")
    tm = untrained(words, words)
    # The model writes <unk> where the reference has a word it never saw ("zebra"): the
    # ids agree (both <unk>), the texts do not.
    module = importlib.import_module("seq2seq_core.evaluate")
    monkeypatch.setattr(module, "_predict_ids", lambda *args: [[UNK_ID]])
    report = evaluate(tm, [Pair("the cat", "zebra")], DecodeConfig(max_len=5))
    assert report.predictions == ("<unk>",)
    assert report.correct == (False,)
    assert report.exact_match == 0.0
    assert report.by_length == {2: (1, 0.0)}  # counted as correct before


def test_one_pairs_parser_refuses_three_columns_on_the_command_line(tmp_path, capsys):
    bad = tmp_path / "pairs.tsv"
    bad.write_text("abc\tcba\nabd\tdba\textra\n", encoding="utf-8")
    model = ROOT / "pretrained" / "reverse-attention"
    assert main(["evaluate", "--model", str(model), "--pairs", str(bad)]) != 0
    assert "pairs.tsv, line 2: found 3 column(s)" in capsys.readouterr().err
    with pytest.raises(PairsError, match="line 2: found 3 column"):
        parse_pairs(bad.read_bytes(), "pairs.tsv", NO_LIMITS)
    assert parse_pairs(bad.read_bytes(), "pairs.tsv", NO_LIMITS, attribution=True) == (
        Pair("abc", "cba"), Pair("abd", "dba"))


def test_every_pairs_reader_names_the_same_bad_utf8_byte(tmp_path, capsys):
    from seq2seq_core.tasks.tatoeba import parse_manythings
    data = "abc\tcba\nd\u00e9f\tfed\n".encode("latin-1")
    message = "line 2: byte 0xe9 is not UTF-8"
    with pytest.raises(PairsError, match=message):
        parse_pairs(data, "pairs.tsv", NO_LIMITS)
    with pytest.raises(PairsError, match=message):
        parse_manythings(data, "pairs.tsv")
    (tmp_path / "pairs.tsv").write_bytes(data)
    model = ROOT / "pretrained" / "reverse-attention"
    assert main(["evaluate", "--model", str(model), "--pairs", str(tmp_path / "pairs.tsv")]) != 0
    assert message in capsys.readouterr().err


def test_an_over_long_input_is_refused_with_its_length_whatever_its_kind(translation):
    reverse = load(ROOT / "pretrained" / "reverse-attention")
    for tm, text in ((reverse, "a" * 5000), (translation, "cat " * 5000)):
        with pytest.raises(ValueError, match=r"The input has 5000 tokens; this model reads "
                                             r"at most 200\. Shorten it\."):
            check_source(tm, text)
