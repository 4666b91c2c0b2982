"""Beam search's candidate selection on its own, against a direct reading of its contract."""

from __future__ import annotations

import math

import pytest
import torch

from seq2seq_core.search import select_candidates
from seq2seq_core.vocab import BOS_ID, EOS_ID, PAD_ID

NEG = float("-inf")


def random_step(seed: int, n_src: int = 3, k: int = 3, vocab: int = 7):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n_src, k, vocab, generator=g) * 2
    logits[..., [PAD_ID, BOS_ID]] = NEG  # never produced, as next_log_probs gives them
    log_probs = torch.log_softmax(logits, dim=-1)
    scores = -torch.rand(n_src, k, generator=g) * 3
    scores[0, 1:] = NEG  # the first step: one live beam
    scores[2, 2] = NEG  # a dead beam
    return log_probs, scores


def by_hand(log_probs, scores):
    """Every (beam, token) extension ranked by total, then the contract's rules."""
    n_src, k, vocab = log_probs.shape
    n_cand = min(3 * k, k * (vocab - 2))
    out = []
    for b in range(n_src):
        cands = sorted(((float(scores[b, j] + log_probs[b, j, t]), j, t)
                        for j in range(k) for t in range(vocab)), key=lambda c: -c[0])
        top = cands[:n_cand]
        finish = [t == EOS_ID and r < k and s > NEG for r, (s, _, t) in enumerate(top)]
        keep, kept = [], 0
        for s, _, t in top:
            ok = t != EOS_ID and s > NEG and kept < k
            kept += ok
            keep.append(ok)
        out.append((top, finish, keep))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_selection_follows_its_contract(seed):
    log_probs, scores = random_step(seed)
    sel = select_candidates(log_probs, scores)
    for b, (top, finish, keep) in enumerate(by_hand(log_probs, scores)):
        got = list(zip(sel.scores[b].tolist(), sel.beams[b].tolist(), sel.tokens[b].tolist()))
        for (s1, j1, t1), (s2, j2, t2) in zip(got, top):
            assert (s1 == s2 == NEG) or math.isclose(s1, s2, rel_tol=1e-6)
            if s2 > NEG:
                assert (j1, t1) == (j2, t2)
        assert sel.finish[b].tolist() == finish
        assert sel.keep[b].tolist() == keep
        new_beams = [c for c, ok in enumerate(keep) if ok]
        assert sel.order[b, : len(new_beams)].tolist() == new_beams  # kept ones first
        assert sel.valid[b].tolist() == [i < len(new_beams) for i in range(scores.shape[1])]


def test_pad_and_bos_are_never_chosen_and_dead_beams_never_extended():
    log_probs, scores = random_step(3)
    sel = select_candidates(log_probs, scores)
    chosen = sel.tokens[sel.keep | sel.finish]
    assert not ((chosen == PAD_ID) | (chosen == BOS_ID)).any()
    parents = sel.beams[0][sel.keep[0] | sel.finish[0]]
    assert (parents == 0).all()  # source 0 had only beam 0 alive
    assert not (sel.beams[2][sel.keep[2] | sel.finish[2]] == 2).any()
