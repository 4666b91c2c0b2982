"""The search layer on every kind of model: greedy and beam decoding with the tree, and
the beam-width sweep. Every text shown must be the target vocabulary's own decode."""

from __future__ import annotations

import math

import pytest

from seq2seq_core import DecodeConfig, decode_text
from seq2seq_core.search import greedy_search
from seq2seq_core.search.sweep import beam_sweep
from seq2seq_core.vocab import EOS, EOS_ID


def greedy(kind, text):
    return decode_text(kind.tm, text, DecodeConfig(strategy="greedy", max_len=kind.max_len))


def beam(kind, text, width, n_best=None):
    cfg = DecodeConfig(strategy="beam", beam_size=width, n_best=n_best or width,
                       max_len=kind.max_len)
    return decode_text(kind.tm, text, cfg)


def check_hypothesis(kind, hyp):
    """A hypothesis spells itself as the target vocabulary does."""
    vocab = kind.tm.tgt_vocab
    assert hyp.text == vocab.decode(hyp.token_ids)
    assert hyp.tokens == tuple(vocab.tokens[i] for i in hyp.token_ids)
    assert len(hyp.log_probs) == len(hyp.token_ids) <= kind.max_len
    assert hyp.score == pytest.approx(sum(hyp.log_probs), abs=1e-4)
    assert hyp.finished == (hyp.token_ids[-1:] == (EOS_ID,))
    assert EOS_ID not in hyp.token_ids[:-1]
    attention = kind.tm.model.has_attention
    assert (hyp.attention is not None) == attention


def check_tree(kind, result, text):
    """Every node's label is its token's spelling; every hypothesis is a root-leaf path."""
    tree, vocab = result.tree, kind.tm.tgt_vocab
    assert tree is not None
    assert tree.source_tokens == tuple(kind.tm.src_vocab.split(text)) + (EOS,)
    assert all(n.id == i for i, n in enumerate(tree.nodes))
    assert all(n.token == vocab.tokens[n.token_id] for n in tree.nodes[1:])
    for hyp in result.hypotheses:
        path = tree.path(hyp.leaf_id)[1:]  # without the root
        assert tuple(n.token_id for n in path) == hyp.token_ids
        assert vocab.decode([n.token_id for n in path]) == hyp.text
        if hyp.attention is not None:
            assert all(len(row) == len(tree.source_tokens) for row in hyp.attention)
            assert all(math.isclose(sum(row), 1.0, abs_tol=1e-4) for row in hyp.attention)


def test_greedy_decode(kind):
    for text in kind.inputs:
        result = greedy(kind, text)
        assert len(result.hypotheses) == 1
        check_hypothesis(kind, result.best)
        check_tree(kind, result, text)


def test_beam_decode_with_tree(kind):
    for text in kind.inputs:
        result = beam(kind, text, 4)
        assert 1 <= len(result.hypotheses) <= 4
        scores = [h.normalized_score for h in result.hypotheses]
        assert scores == sorted(scores, reverse=True)
        assert len({h.token_ids for h in result.hypotheses}) == len(result.hypotheses)
        for hyp in result.hypotheses:
            check_hypothesis(kind, hyp)
        check_tree(kind, result, text)
        assert result.tree.beam_size == 4
        assert {n.status for n in result.tree.nodes} <= {"root", "kept", "pruned", "finished"}


def test_beam_width_one_is_greedy(kind):
    for text in kind.inputs:
        one, best = beam(kind, text, 1).best, greedy(kind, text).best
        assert one.token_ids == best.token_ids
        assert one.text == best.text
        assert one.score == pytest.approx(best.score, abs=1e-4)


def test_inputs_as_typed_decode_as_written(kind):
    """What a user types (accents decomposed, no-break spaces, the typographic
    apostrophe) decodes as the task writes it, greedy and beam alike."""
    for typed, written in kind.variants:
        for decode in (greedy, lambda k, t: beam(k, t, 3)):
            got, want = decode(kind, typed), decode(kind, written)
            assert [h.token_ids for h in got.hypotheses] == \
                [h.token_ids for h in want.hypotheses]
            assert got.best.text == want.best.text
            assert got.tree.source_tokens == want.tree.source_tokens


def test_sweep(kind):
    """Width 1 of the sweep is greedy decoding, judged correct by the text the target
    vocabulary writes; every wrong output has one cause."""
    pairs, refs = kind.pairs[-6:], kind.references[-6:]  # the words kind's <unk> pair last
    rows = beam_sweep(kind.tm, pairs, widths=(1, 3), max_len=kind.max_len,
                      max_expansions=300, references=refs, metrics=kind.metrics)
    assert [r.beam_size for r in rows] == [1, 3]
    assert all(set(r.scores) == set(kind.metrics) for r in rows)
    src, vocab = kind.tm.src_vocab, kind.tm.tgt_vocab
    outputs = [greedy_search(kind.tm.model, src.encode(p.source, add_eos=True),
                             max_len=kind.max_len, tgt_vocab=vocab).best for p in pairs]
    written = [[vocab.join(vocab.split(r)) for r in alts] for alts in refs]
    correct = [o.text in alts for o, alts in zip(outputs, written)]
    assert rows[0].exact_match == pytest.approx(sum(correct) / len(pairs))
    assert rows[0].mean_log_prob == pytest.approx(
        sum(o.score for o in outputs) / len(pairs), abs=1e-3)
    assert rows[0].mean_length == pytest.approx(
        sum(len(o.token_ids) for o in outputs) / len(pairs))
    for row in rows:
        assert row.n == len(pairs)
        wrong = row.search_errors + row.model_errors + row.unknown
        assert wrong == round(row.n * (1 - row.exact_match))
