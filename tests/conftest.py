"""Shared fixtures: tiny seeded models over a toy vocabulary."""

from __future__ import annotations

import string

import pytest
import torch

from seq2seq_core import ModelConfig, TrainedModel, Vocab, build_model


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture
def toy_vocab() -> Vocab:
    return Vocab.build([string.ascii_lowercase[:8]], "char")  # 8 letters + 4 specials


def tiny_model(vocab: Vocab, seed: int = 0, **fields) -> TrainedModel:
    """An untrained, seeded model: its distributions are varied, which search tests want."""
    cfg = ModelConfig(src_vocab_size=len(vocab), tgt_vocab_size=len(vocab),
                      **{"emb_dim": 8, "hidden_dim": 12, **fields})
    return TrainedModel(build_model(cfg, seed=seed).eval(), vocab, vocab, "toy")


@pytest.fixture
def make_tiny(toy_vocab):
    return lambda seed=0, **fields: tiny_model(toy_vocab, seed, **fields)
