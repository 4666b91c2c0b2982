"""Metrics against values worked out by hand and against sacrebleu's own results."""

import math

import pytest
import sacrebleu

from seq2seq_core.metrics import (
    bleu,
    chrf,
    edit_distance,
    exact_match,
    phoneme_error_rate,
    score,
    word_accuracy,
)


@pytest.mark.parametrize("a, b, expected", [
    ("", "", 0),
    ("K AE1 T", "K AE1 T", 0),
    ("K AE1 T", "K AH0 T S", 2),  # substitute AE1->AH0, insert S
    ("S P IY1 CH", "", 4),
    ("A B C", "C B A", 2),  # substitute both ends
])
def test_edit_distance(a, b, expected):
    assert edit_distance(a.split(), b.split()) == expected
    assert edit_distance(b.split(), a.split()) == expected


def test_edit_distance_classic():
    assert edit_distance(list("kitten"), list("sitting")) == 3


def test_exact_match_and_word_accuracy_accept_any_reference():
    preds = ["R IY1 D", "K AE1 T", "D AO1 G", "B ER1 D"]
    refs = [["R EH1 D", "R IY1 D"], ["K AE1 T"], ["D AA1 G"], ["B ER1 D"]]
    assert word_accuracy(preds, refs) == 0.75  # 3 of 4 by hand
    assert exact_match(preds, refs) == 0.75
    assert word_accuracy(["R  IY1 D"], [["R IY1 D"]]) == 1.0  # phonemes, not spacing
    assert exact_match(["R  IY1 D"], [["R IY1 D"]]) == 0.0  # texts compared exactly


def test_phoneme_error_rate_by_hand():
    # word 1: closest of (R EH1 D, R IY1 D) to R IY1 D is exact: 0 errors over 3.
    # word 2: K AE1 T vs K AH0 T S: 2 errors over 4.  word 3: 1 error (deletion) over 2.
    preds = ["R IY1 D", "K AE1 T", "AY1"]
    refs = [["R EH1 D", "R IY1 D"], ["K AH0 T S"], ["AY1 Z"]]
    assert phoneme_error_rate(preds, refs) == pytest.approx(3 / 9)
    # ties between references: the shorter one is the denominator
    assert phoneme_error_rate(["A"], [["A B C", "B"]]) == pytest.approx(1 / 1)


def test_bleu_by_hand():
    # 1- to 4-gram precisions 4/5, 3/4, 2/3, 1/2; same length so no brevity penalty.
    expected = 100 * (4 / 5 * 3 / 4 * 2 / 3 * 1 / 2) ** 0.25
    assert bleu(["a b c d e"], [["a b c d f"]]) == pytest.approx(expected, abs=1e-6)
    assert bleu(["the cat sat ."], [["the cat sat ."]]) == pytest.approx(100.0)


def test_bleu_brevity_penalty_by_hand():
    # hypothesis of 4 tokens, reference of 5: all n-grams of the hypothesis match,
    # BP = exp(1 - 5/4).
    value = bleu(["a b c d"], [["a b c d e"]])
    assert value == pytest.approx(100 * math.exp(1 - 5 / 4), abs=1e-6)


def test_bleu_and_chrf_equal_sacrebleu_corpus_scores():
    hyps = ["je suis froid .", "elle est très heureuse .", "nous ne sommes pas prêts ."]
    refs1 = ["j'ai froid .", "elle est très heureuse .", "nous ne sommes pas encore prêts ."]
    refs2 = ["je suis gelé .", "elle est fort heureuse .", "nous ne sommes pas prêtes ."]
    ours = bleu(hyps, [list(r) for r in zip(refs1, refs2)])
    assert ours == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs1, refs2]).score)
    assert chrf(hyps, [list(r) for r in zip(refs1, refs2)]) == pytest.approx(
        sacrebleu.corpus_chrf(hyps, [refs1, refs2]).score)
    single = bleu(hyps, [[r] for r in refs1])
    assert single == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs1]).score)
    assert ours > single  # a second reference can only help


def test_variable_number_of_references_matches_sacrebleu_with_none():
    hyps = ["a b c d", "e f g h"]
    ours = bleu(hyps, [["a b c d", "a b x d"], ["e f g z"]])
    theirs = sacrebleu.corpus_bleu(hyps, [["a b c d", "e f g z"], ["a b x d", None]]).score
    assert ours == pytest.approx(theirs)


def test_chrf_extremes():
    assert chrf(["abc def"], [["abc def"]]) == pytest.approx(100.0)
    assert chrf(["xyz"], [["abc"]]) == pytest.approx(0.0)


def test_score_by_name_and_bad_input():
    values = score(["exact_match", "bleu"], ["a b c d"], [["a b c d"]])
    assert values == {"exact_match": 1.0, "bleu": pytest.approx(100.0)}
    with pytest.raises(ValueError, match="unknown metric"):
        score(["meteor"], ["a"], [["a"]])
    with pytest.raises(ValueError, match="2 predictions but 1 reference"):
        exact_match(["a", "b"], [["a"]])
    with pytest.raises(ValueError, match="at least one reference"):
        word_accuracy(["a"], [[]])
