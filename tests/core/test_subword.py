"""Sentencepiece subwords: training, splitting, and checkpoints that carry (and check) them."""

import pytest
import torch

from seq2seq_core import CheckpointError, ModelConfig, TrainedModel, Vocab, build_model, load, save
from seq2seq_core.subword import SubwordModel, train_subword

TEXTS = [f"{a} {b} {c}." for a in ("the cat", "a dog", "my bird", "your fish", "one horse")
         for b in ("sees", "likes", "chases", "ignores") for c in ("the ball", "a tree",
                                                                  "its shadow", "the sun")]


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_train_split_join(kind):
    model = train_subword(TEXTS, 60, kind)
    assert model == train_subword(TEXTS, 60, kind)  # deterministic: same bytes
    pieces = model.split("the cat chases the ball.")
    assert pieces[0].startswith("\u2581") and model.join(pieces) == "the cat chases the ball."
    assert len(model.pieces) <= 60 and "<unk>" not in model.pieces


def test_bad_options_and_bytes():
    with pytest.raises(ValueError, match="bpe' or 'unigram"):
        train_subword(TEXTS, 60, "wordpiece")
    with pytest.raises(ValueError, match="from 50 to 32000"):
        train_subword(TEXTS, 10)
    with pytest.raises(ValueError, match="no text"):
        train_subword(["", "  "], 60)
    with pytest.raises(ValueError, match="not a sentencepiece model"):
        SubwordModel(b"not a model")


def test_subword_vocab_encodes_and_round_trips_through_json():
    vocab = Vocab.from_subword(train_subword(TEXTS, 60, "unigram"), lowercase=True)
    ids = vocab.encode("The Cat sees the sun.")
    assert vocab.decode(ids) == "the cat sees the sun."
    assert vocab.to_json()["lowercase"] is True
    assert Vocab.from_json(vocab.to_json(), vocab.subword) == vocab
    with pytest.raises(ValueError, match="needs its sentencepiece model"):
        Vocab.from_json(vocab.to_json())
    other = train_subword([t.upper() for t in TEXTS], 60, "bpe")
    with pytest.raises(ValueError, match="different models"):
        Vocab.from_json(vocab.to_json(), other)


def subword_model() -> TrainedModel:
    src = Vocab.from_subword(train_subword(TEXTS, 60, "bpe"))
    tgt = Vocab.from_subword(train_subword([t[::-1] for t in TEXTS], 60, "unigram"))
    cfg = ModelConfig(len(src), len(tgt), emb_dim=8, hidden_dim=16)
    return TrainedModel(build_model(cfg, seed=0).eval(), src, tgt, "translation")


def test_checkpoint_saves_and_checks_the_sentencepiece_models(tmp_path):
    tm = subword_model()
    folder = save(tmp_path / "ckpt", tm)
    assert (folder / "src_subword.model").read_bytes() == tm.src_vocab.subword.proto
    back = load(folder)
    assert back.src_vocab == tm.src_vocab and back.tgt_vocab == tm.tgt_vocab
    src = torch.tensor([back.src_vocab.encode("a dog likes a tree.", add_eos=True)])
    mask = torch.ones_like(src, dtype=torch.bool)
    tgt_in = torch.tensor([[1, 5, 6]])
    assert torch.equal(back.model(src, mask, tgt_in)[0], tm.model(src, mask, tgt_in)[0])


@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "tgt_subword.model").unlink(), "lacks tgt_subword.model"),
    (lambda f: (f / "src_subword.model").write_bytes(b"\x00garbage"), "src_subword.model: not a"),
    (lambda f: (f / "src_subword.model").write_bytes((f / "tgt_subword.model").read_bytes()),
     "src_vocab.json: .*different models"),
])
def test_damaged_sentencepiece_model_is_refused(tmp_path, damage, message):
    folder = save(tmp_path / "ckpt", subword_model())
    damage(folder)
    with pytest.raises(CheckpointError, match=message):
        load(folder)
