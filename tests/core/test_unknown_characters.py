"""Subword models read any text: characters they never saw become <unk> and are named.

A sentencepiece vocabulary covers every character of its training text, so no input made
of those characters is refused for an unknown word; a character outside them is read as
the <unk> piece and ``unknown_note`` names it. Input with no known character at all, empty
input and over-long input are refused with a clear ``InputError``. A word-level model
still refuses a word it never saw, naming it.
"""

import json

import pytest

from seq2seq_core import (
    DecodeConfig, InputError, ModelConfig, TrainedModel, Vocab, build_model, decode_text, save,
    unknown_note,
)
from seq2seq_core.cli import main as cli_main
from seq2seq_core.subword import train_subword
from seq2seq_core.vocab import UNK_ID

ENGLISH = [f"{a} {b} {c}." for a in ("The cat", "A dog", "My bird", "Your fish", "Tom's horse")
           for b in ("sees", "likes", "chases", "doesn't want") for c in ("the ball", "a tree",
                                                                         "its shadow", "2 suns")]
FRENCH = [t.replace("the", "le").replace("a ", "un ") for t in ENGLISH]
GREEDY = DecodeConfig(strategy="greedy", max_len=8)


@pytest.fixture(scope="module")
def subword_tm() -> TrainedModel:
    # as the translation task does: pieces learnt on the lower-cased training side
    src = Vocab.from_subword(train_subword([t.lower() for t in ENGLISH], 80, "bpe"), True,
                             "sentence")
    tgt = Vocab.from_subword(train_subword([t.lower() for t in FRENCH], 80, "bpe"), True,
                             "sentence")
    cfg = ModelConfig(len(src), len(tgt), emb_dim=8, hidden_dim=16)
    return TrainedModel(build_model(cfg, seed=0).eval(), src, tgt, "translation")


def test_unknown_characters_are_those_in_no_piece(subword_tm):
    vocab = subword_tm.src_vocab
    assert vocab.unknown_characters("THE CAT chases Tom’s dog.") == []  # casing, ’ -> '
    # Cyrillic о and а are not the Latin o and a
    assert vocab.unknown_characters("The cat 😀 sees Жора, 😀!") == ["😀", "ж", "о", "р", "а",
                                                                    ",", "!"]
    assert "\u2581" not in vocab.alphabet and "c" in vocab.alphabet
    # every other character is in some piece: the encoding has no <unk>
    assert UNK_ID not in vocab.encode("Your fish doesn't want 2 balls.")
    assert vocab.encode("cat 😀")[-1] == UNK_ID


@pytest.mark.parametrize("text, unknown", [
    ("The dog likes 🍕.", ["🍕"]),                      # emoji in a sentence
    ("My bird sees Пётр.", ["п", "ё", "т", "р"]),            # a Cyrillic name
    ("The cat likes 東京.", ["東", "京"]),               # CJK
    ("<b>The dog</b> sees a tree.", ["<", ">", "/"]),  # HTML: b is a known letter
    ("Hello, world!", [",", "!"]),    # new words of known letters are read
])
def test_text_with_unknown_characters_is_translated_and_named(subword_tm, text, unknown):
    result = decode_text(subword_tm, text, GREEDY)  # no InputError
    assert result.best.tokens is not None
    assert subword_tm.src_vocab.unknown_characters(text) == unknown
    note = unknown_note(subword_tm, text)
    assert note is not None and all(repr(c) in note for c in unknown) and "<unk>" in note


def test_known_text_has_no_note(subword_tm):
    assert unknown_note(subword_tm, "Tom's horse doesn't want 2 suns.") is None


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("  \t\n ", "empty"),
    ("the cat " * 1250, "at most 200"),               # 10,000 characters: the limit named
    ("😀🍕", "never seen any of the characters '😀' '🍕'"),
    ("Привет мир", "never seen any of the characters 'п'"),
    ("東京", "never seen any of the characters '東' '京'"),
])
def test_bad_input_gets_a_clear_message(subword_tm, text, message):
    with pytest.raises(InputError, match=message):
        decode_text(subword_tm, text, GREEDY)


def test_all_unknown_message_lists_the_letters_the_model_reads(subword_tm):
    with pytest.raises(InputError, match=r"letters it was trained on \(a b c"):
        decode_text(subword_tm, "ЖЖ", GREEDY)


def test_word_model_still_refuses_an_unknown_word():
    src = Vocab.build(ENGLISH, "word", lowercase=True, normalizer="sentence")
    tgt = Vocab.build(FRENCH, "word", lowercase=True, normalizer="sentence")
    cfg = ModelConfig(len(src), len(tgt), emb_dim=8, hidden_dim=16)
    tm = TrainedModel(build_model(cfg, seed=0).eval(), src, tgt, "translation")
    with pytest.raises(InputError, match="never seen 'hello'"):
        decode_text(tm, "Hello cat.", GREEDY)
    assert decode_text(tm, "The cat sees the ball.", GREEDY).best is not None


def test_cli_names_unknown_characters(subword_tm, tmp_path, capsys):
    folder = save(tmp_path / "ckpt", subword_tm)
    assert cli_main(["decode", "--model", str(folder), "The cat 😀.", "--json"]) == 0
    row = json.loads(capsys.readouterr().out.strip())
    assert row["unknown_characters"] == ["😀"]
    assert cli_main(["decode", "--model", str(folder), "The cat 😀."]) == 0
    assert "never seen the character '😀'" in capsys.readouterr().err
