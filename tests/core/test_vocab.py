"""Vocabularies: specials first, encode/decode, unknown tokens, JSON round trip."""

import pytest

from seq2seq_core import Vocab
from seq2seq_core.vocab import BOS_ID, EOS_ID, PAD_ID, UNK_ID


def test_char_vocab_round_trip():
    vocab = Vocab.build(["abba", "cab"], "char")
    assert vocab.tokens[:4] == ("<pad>", "<bos>", "<eos>", "<unk>")
    assert vocab.tokens[4:] == ("a", "b", "c")  # by frequency: a 3, b 3 (tie: a first), c 1
    ids = vocab.encode("cab", add_eos=True)
    assert ids == [6, 4, 5, EOS_ID]
    assert vocab.decode(ids + [4, 4]) == "cab"  # stops at EOS
    assert vocab.decode([BOS_ID, 4, PAD_ID]) == "a"


def test_word_vocab_and_unknowns():
    vocab = Vocab.build(["the cat sat", "the dog"], "word", max_size=6)
    assert len(vocab) == 6 and vocab.tokens[4] == "the"
    assert vocab.encode("the zebra") == [4, UNK_ID]
    assert vocab.unknown_tokens("zebra the zebra yak") == ["zebra", "yak"]
    assert vocab.decode(vocab.encode("the the")) == "the the"


def test_json_round_trip(tmp_path):
    vocab = Vocab.build(["<b>é</b>"], "char")
    vocab.save(str(tmp_path / "v.json"))
    import json
    assert Vocab.from_json(json.loads((tmp_path / "v.json").read_text())) == vocab


@pytest.mark.parametrize("bad, message", [
    ({"format": "other"}, "not a vocabulary"),
    ({"format": "seq2seq-explorer-vocab", "version": 9, "tokens": []}, "version"),
    ({"format": "seq2seq-explorer-vocab", "version": 1, "tokens": ["a"]}, "specials"),
    ({"format": "seq2seq-explorer-vocab", "version": 1,
      "tokens": ["<pad>", "<bos>", "<eos>", "<unk>", "a", "a"]}, "duplicate"),
])
def test_bad_vocab_json(bad, message):
    with pytest.raises(ValueError, match=message):
        Vocab.from_json(bad)
