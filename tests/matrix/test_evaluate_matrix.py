"""Held-out evaluation on every kind of model: its predictions are what Decode shows, and
overall, by-length and per-pair exact match are one decision, made on the text the target
vocabulary writes (so an output holding <unk> is never a match)."""

from __future__ import annotations

import pytest

from seq2seq_core import DecodeConfig, Pair, evaluate
from seq2seq_core.search import greedy_search


def cfg(kind, width=0):
    if width:
        return DecodeConfig(strategy="beam", beam_size=width, n_best=1, max_len=kind.max_len)
    return DecodeConfig(strategy="greedy", max_len=kind.max_len)


def written(kind, references):
    vocab = kind.tm.tgt_vocab
    return [vocab.join(vocab.split(r)) for r in references]


def source_length(kind, pair) -> int:
    """What by-length groups by: source tokens, or the digits a strip shows (its
    columns say little of how hard it is to read)."""
    if kind.tm.src_vocab.level == "image":
        return sum(c.isdigit() for c in pair.target)
    return len(kind.tm.src_vocab.split(pair.source))


def check_report(kind, report, pairs, references):
    """Every figure counts the same per-pair decision: the text equals a reference."""
    n = len(pairs)
    assert report.n == n and len(report.predictions) == n
    correct = [text in written(kind, refs)
               for text, refs in zip(report.predictions, references, strict=True)]
    assert list(report.correct) == correct
    assert report.exact_match == pytest.approx(sum(correct) / n)
    lengths = [source_length(kind, p) for p in pairs]
    assert sorted(report.by_length) == sorted(set(lengths))
    for length, (count, share) in report.by_length.items():
        mine = [ok for ok, k in zip(correct, lengths) if k == length]
        assert count == len(mine) and share == pytest.approx(sum(mine) / len(mine))
    assert sum(c * s for c, s in report.by_length.values()) == pytest.approx(sum(correct))
    assert 0.0 <= report.token_accuracy <= 1.0


def test_evaluate_greedy(kind):
    report = evaluate(kind.tm, kind.pairs, cfg(kind), references=kind.references,
                      metrics=kind.metrics)
    check_report(kind, report, kind.pairs, kind.references)
    src, vocab = kind.tm.src_vocab, kind.tm.tgt_vocab
    for pair, text in zip(kind.pairs, report.predictions):
        best = greedy_search(kind.tm.model, src.encode(pair.source, add_eos=True),
                             max_len=kind.max_len, tgt_vocab=vocab).best
        assert text == best.text
    assert set(report.scores) == set(kind.metrics)
    assert report.exact_match >= kind.min_exact_match


def test_evaluate_beam(kind):
    one = evaluate(kind.tm, kind.pairs, cfg(kind, 1), references=kind.references)
    greedy = evaluate(kind.tm, kind.pairs, cfg(kind), references=kind.references)
    assert one.predictions == greedy.predictions
    assert one.exact_match == greedy.exact_match and one.by_length == greedy.by_length
    wide = evaluate(kind.tm, kind.pairs, cfg(kind, 3), references=kind.references,
                    batch_size=4)  # several chunks of beams
    check_report(kind, wide, kind.pairs, kind.references)


def test_output_with_unk_is_not_a_match(kind):
    """A pair whose reference has a word the vocabulary lacks: the words kind's model
    writes <unk> there, with every token id right."""
    report = evaluate(kind.tm, kind.pairs, cfg(kind), references=kind.references)
    unk = [i for i, text in enumerate(report.predictions) if "<unk>" in text]
    assert all(not report.correct[i] for i in unk)
    if kind.name == "words":
        assert unk, "the words kind's <unk> pair lost its <unk>: retrain or pick another"
        alone = evaluate(kind.tm, [kind.pairs[unk[0]]], cfg(kind))
        assert alone.exact_match == 0.0
        assert all(share == 0.0 for _, share in alone.by_length.values())
        assert alone.token_accuracy == 1.0  # the ids match; the text does not


def test_inputs_as_typed_evaluate_as_written(kind):
    pairs = [Pair(typed, kind.pairs[0].target) for typed, _ in kind.variants]
    written_pairs = [Pair(w, kind.pairs[0].target) for _, w in kind.variants]
    got = evaluate(kind.tm, pairs, cfg(kind))
    want = evaluate(kind.tm, written_pairs, cfg(kind))
    assert got.predictions == want.predictions
    assert got.by_length == want.by_length
