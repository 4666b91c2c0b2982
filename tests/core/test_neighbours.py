"""Nearest training pairs in state space, against brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seq2seq_core import load
from seq2seq_core.inside import trace
from seq2seq_core.inside.neighbours import build_index, nearest_at_step, nearest_sources
from seq2seq_core.pairs import Pair

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [Pair(s, s[::-1]) for s in ("hello", "world", "sequence", "attention", "abc",
                                    "helloo", "banana", "zebra")]


@pytest.fixture(scope="module")
def setup():
    tm = load(ROOT / "pretrained" / "reverse-attention")
    return tm, build_index(tm, PAIRS)


def test_a_training_source_is_its_own_nearest_neighbour(setup):
    tm, index = setup
    for pair in PAIRS:
        best = nearest_sources(index, trace(tm, pair.source, pair.target), k=1)[0]
        assert (best.source, best.target) == (pair.source, pair.target)
        assert best.distance == pytest.approx(0.0, abs=1e-4)


def test_neighbours_are_the_brute_force_nearest_in_order(setup):
    tm, index = setup
    tr = trace(tm, "hellp")
    got = nearest_sources(index, tr, k=4)
    dists = np.linalg.norm(index.finals - tr.context[None, :], axis=1)
    order = np.argsort(dists)[:4]
    assert [n.source for n in got] == [PAIRS[i].source for i in order]
    assert [n.distance for n in got] == pytest.approx(list(dists[order]), rel=1e-4)
    assert len(nearest_sources(index, tr, k=50)) == len(PAIRS)  # k above the sample


def test_decoder_neighbours_name_their_step_and_prefix(setup):
    tm, index = setup
    tr = trace(tm, "hello", "olleh")
    got = nearest_at_step(index, tr, step=2, k=3)
    assert (got[0].source, got[0].step, got[0].prefix) == ("hello", 2, "oll")
    assert got[0].distance == pytest.approx(0.0, abs=1e-4)
    assert index.decoder.shape[0] == sum(len(p.target) + 1 for p in PAIRS)  # EOS too
    with pytest.raises(ValueError, match="step 9 does not exist; the output has 6 steps"):
        nearest_at_step(index, tr, step=9)
