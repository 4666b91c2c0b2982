"""Output-quality metrics over a set of predictions, each with one or more references.

Exact match and word accuracy count a prediction correct when it equals any of its
references (a word with two pronunciations, a sentence with two translations). Phoneme
error rate is the edit distance to the closest reference over that reference's length.
BLEU and chrF are sacrebleu's own corpus-level scores, never a reimplementation.
"""

from __future__ import annotations

from collections.abc import Sequence

import sacrebleu

References = Sequence[Sequence[str]]  # per prediction: its acceptable targets, best first


def _check(predictions: Sequence[str], references: References) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} reference "
                         "lists: give one list of references per prediction")
    if not predictions:
        raise ValueError("no predictions to score")
    if any(not refs for refs in references):
        raise ValueError("every prediction needs at least one reference")


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences (insert, delete, substitute: 1).

    Example: ["K", "AE1", "T"] vs ["K", "AH0", "T", "S"] -> 2 (one substitution, one
    insertion).
    """
    previous = list(range(len(b) + 1))  # distances from a[:0] to each prefix of b
    for i, token in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (token != other)))
        previous = current
    return previous[-1]


def exact_match(predictions: Sequence[str], references: References) -> float:
    """Share (0-1) of predictions equal to one of their references."""
    _check(predictions, references)
    return sum(p in refs for p, refs in zip(predictions, references)) / len(predictions)


def word_accuracy(predictions: Sequence[str], references: References) -> float:
    """G2P word accuracy: share of words whose whole phoneme string equals one of the
    word's pronunciations (phonemes compared as whitespace-separated tokens).

    Example: "R EH1 D" with references ["R EH1 D", "R IY1 D"] counts as correct.
    """
    _check(predictions, references)
    hits = sum(p.split() in [r.split() for r in refs] for p, refs in zip(predictions, references))
    return hits / len(predictions)


def phoneme_error_rate(predictions: Sequence[str], references: References) -> float:
    """Corpus phoneme error rate: sum of edit distances to each word's closest reference,
    over the sum of those references' lengths (phonemes). Can exceed 1.

    For each word the reference with the smallest distance is chosen (ties: the shorter).
    Example: prediction "K AE1 T" against ["K AH0 T S"] -> 2 / 4 = 0.5.
    """
    _check(predictions, references)
    errors = length = 0
    for pred, refs in zip(predictions, references):
        tokens = pred.split()
        dist, ref_len = min((edit_distance(tokens, r.split()), len(r.split())) for r in refs)
        errors, length = errors + dist, length + ref_len
    if length == 0:
        raise ValueError("the references hold no phonemes")
    return errors / length


def _streams(references: References) -> list[list[str | None]]:
    """sacrebleu's layout: one stream per reference rank, None where a prediction has
    fewer references (sacrebleu skips those)."""
    depth = max(len(refs) for refs in references)
    return [[refs[i] if i < len(refs) else None for refs in references]
            for i in range(depth)]


def bleu(predictions: Sequence[str], references: References) -> float:
    """Corpus BLEU (0-100) by sacrebleu with its defaults (13a tokenizer, exp smoothing),
    against every reference of each prediction.

    Our outputs and references are word-tokenised ("j'ai froid ."); sacrebleu's 13a
    tokenizer leaves such text as it is, so its "forgot to detokenize" warning is
    silenced (``force=True`` changes no score)."""
    _check(predictions, references)
    return float(sacrebleu.corpus_bleu(list(predictions), _streams(references),
                                       force=True).score)


def chrf(predictions: Sequence[str], references: References) -> float:
    """Corpus chrF (0-100) by sacrebleu with its defaults (character 6-grams, beta 2)."""
    _check(predictions, references)
    return float(sacrebleu.corpus_chrf(list(predictions), _streams(references)).score)


METRICS = {"exact_match": exact_match, "word_accuracy": word_accuracy,
           "phoneme_error_rate": phoneme_error_rate, "bleu": bleu, "chrf": chrf}
LABELS = {"exact_match": "exact match", "word_accuracy": "word accuracy",
          "phoneme_error_rate": "phoneme error rate", "bleu": "BLEU", "chrf": "chrF"}
PERCENT = frozenset({"exact_match", "word_accuracy", "phoneme_error_rate"})  # 0-1 shares


def score(names: Sequence[str], predictions: Sequence[str],
          references: References) -> dict[str, float]:
    """The named metrics (keys of ``METRICS``) of one set of predictions.

    Raises:
        ValueError: for an unknown metric name or mismatched inputs.
    """
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(METRICS)}")
    return {name: METRICS[name](predictions, references) for name in names}
