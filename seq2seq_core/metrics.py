"""Output-quality metrics over a set of predictions, each with one or more references.

``is_correct`` is the one decision of "correct" in the project: a prediction is correct
when it equals one of its references as the target vocabulary writes text
(``canonical_references``). Exact match (overall, by source length, per sample, in the
sweep and the app's tables) and g2p word accuracy are shares of it. Phoneme error rate is
the edit distance (rapidfuzz's Levenshtein) to the closest reference over that
reference's length. BLEU and chrF are sacrebleu's own corpus-level scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import sacrebleu
from rapidfuzz.distance import Levenshtein

from seq2seq_core.vocab import Vocab

References = Sequence[Sequence[str]]  # per prediction: its acceptable targets, best first


def _check(predictions: Sequence[str], references: References) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} reference "
                         "lists: give one list of references per prediction")
    if not predictions:
        raise ValueError("no predictions to score")
    if any(not refs for refs in references):
        raise ValueError("every prediction needs at least one reference")


def canonical_references(vocab: Vocab, references: Sequence[str]) -> tuple[str, ...]:
    """References as the target vocabulary writes them: ``vocab.join(vocab.split(r))``
    (normalised, lower-cased if the vocabulary is, tokens joined its way), so that they
    compare with a decoded prediction (``vocab.decode``).

    Example (word level): "J’ai froid." -> "j'ai froid ."
    """
    return tuple(vocab.join(vocab.split(r)) for r in references)


def is_correct(prediction: str, references: Sequence[str]) -> bool:
    """Whether ``prediction`` equals one of ``references`` (text, compared exactly).

    Compare a decoded prediction with ``canonical_references`` of the raw references: a
    prediction holding ``<unk>`` then never matches, because a reference's unknown word
    is kept as written.
    """
    return prediction in references


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences (insert, delete, substitute: 1),
    by rapidfuzz.

    Example: ["K", "AE1", "T"] vs ["K", "AH0", "T", "S"] -> 2 (one substitution, one
    insertion).
    """
    return Levenshtein.distance(list(a), list(b))


def exact_match(predictions: Sequence[str], references: References) -> float:
    """Share (0-1) of predictions that are correct (``is_correct``)."""
    _check(predictions, references)
    return sum(map(is_correct, predictions, references)) / len(predictions)


def word_accuracy(predictions: Sequence[str], references: References) -> float:
    """G2P word accuracy: share of words whose whole phoneme string equals one of the
    word's pronunciations (phonemes compared as whitespace-separated tokens).

    Example: "R EH1 D" with references ["R EH1 D", "R IY1 D"] counts as correct.
    """
    _check(predictions, references)
    hits = sum(is_correct(" ".join(p.split()), [" ".join(r.split()) for r in refs])
               for p, refs in zip(predictions, references))
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
