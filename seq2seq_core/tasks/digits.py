"""The ``digits`` task: read a strip of handwritten digits left to right ("img:…" -> "4071").

Images are the UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin and
C. Kaynak, 1998, UCI Machine Learning Repository), as bundled with scikit-learn
(``sklearn.datasets.load_digits``: 1,797 images of 8x8 pixels, 17 grey levels 0..16; read
from the installed package, nothing is downloaded). The images are split into training
and held-out images first, then strips are composed from each side alone, so no
held-out strip shows a digit image that training saw. A strip places 1 to 8 digit
images with random gaps, small overlaps and vertical jitter; its source text
(``seq2seq_core.images``) records each digit's ink columns, the gold alignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from seq2seq_core.images import MAX_COLUMNS, STRIP_HEIGHT, compose_text
from seq2seq_core.tasks.base import Pair, TaskData, check_sizes
from seq2seq_core.tasks.options import option
from seq2seq_core.vocab import SPECIALS, Vocab

MAX_DIGITS = 8
# The default strips hold 1-4 digits: live training on one CPU core reaches 80% held-out
# exact match in about 40 s of CPU time (biGRU-64, batch 32); 1-8 digits take minutes.
DEFAULT_MAX_DIGITS = 4
HELDOUT_IMAGE_FRACTION = 0.2  # of the 1,797 images, kept for held-out strips only
GAPS = (-2, 3)  # columns between two 8-column digit boxes, inclusive (< 0: overlap)
MARGINS = (0, 2)  # blank columns before the first and after the last digit, inclusive
CREDIT = ("UCI handwritten digits (E. Alpaydin and C. Kaynak, 1998, UCI Machine Learning "
          "Repository), as bundled with scikit-learn")


@dataclass(frozen=True)
class DigitsOptions:
    """The ``digits`` task's options (``generate_digits``)."""

    min_digits: int = option(1, "fewest digits in a strip", label="fewest digits", low=1,
                             high=MAX_DIGITS)
    max_digits: int = option(DEFAULT_MAX_DIGITS, "most digits in a strip",
                             label="most digits", low=1, high=MAX_DIGITS)


@lru_cache(maxsize=1)
def digit_images() -> tuple[np.ndarray, np.ndarray]:
    """The UCI digits: images (1797, 8, 8) uint8 levels 0..16 (ink high) and labels (1797,)."""
    from sklearn.datasets import load_digits  # imported here: sklearn is slow to import

    bunch = load_digits()
    images = bunch.images.astype(np.uint8)
    images.setflags(write=False)
    labels = bunch.target.astype(np.int64)
    labels.setflags(write=False)
    return images, labels


def split_images(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of (training, held-out) images: a seeded shuffle, stratified by digit so
    every digit has held-out images. Disjoint, and together all 1,797."""
    _, labels = digit_images()
    rng = np.random.default_rng([seed, 15])
    train, heldout = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        cut = round(len(idx) * HELDOUT_IMAGE_FRACTION)
        heldout.append(idx[:cut])
        train.append(idx[cut:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(heldout))


def by_digit(pool: np.ndarray) -> list[np.ndarray]:
    """The indices of ``pool`` (into ``digit_images``) of each digit 0..9."""
    _, labels = digit_images()
    return [pool[labels[pool] == d] for d in range(10)]


def compose_strip(rng: np.random.Generator, pools: list[np.ndarray], n_digits: int) -> Pair:
    """One strip of ``n_digits`` random digits, each a random image of that digit from
    ``pools`` (``by_digit``), with random gaps, overlaps and vertical jitter."""
    return _place(rng, pools, [int(d) for d in rng.integers(0, 10, n_digits)])


def _place(rng: np.random.Generator, pools: list[np.ndarray], digits: list[int]) -> Pair:
    images, _ = digit_images()
    n_digits = len(digits)
    chosen = [images[pools[d][rng.integers(len(pools[d]))]] for d in digits]
    gaps = rng.integers(GAPS[0], GAPS[1] + 1, n_digits - 1)
    xs = [int(x) for x in int(rng.integers(MARGINS[0], MARGINS[1] + 1))
          + np.concatenate([[0], np.cumsum(8 + gaps)])]
    width = xs[-1] + 8 + int(rng.integers(MARGINS[0], MARGINS[1] + 1))
    ys = [int(y) for y in rng.integers(0, STRIP_HEIGHT - 8 + 1, n_digits)]
    assert width <= MAX_COLUMNS
    return Pair(compose_text(chosen, xs, ys, width), "".join(map(str, digits)))


def compose_digits(digits: str, seed: int = 0, heldout: bool = True,
                   split_seed: int = 0) -> Pair:
    """A strip of the given digits, each a random image of that digit (``seed``) from the
    held-out images of ``generate_digits(seed=split_seed)`` (or its training images), with
    random gaps and jitter: what a user composes, and a model never trained on.

    Example: compose_digits("4071").target -> "4071".

    Raises:
        ValueError: for anything but 1 to 8 digits 0-9.
    """
    if not (digits.isascii() and digits.isdigit() and 1 <= len(digits) <= MAX_DIGITS):
        raise ValueError(f"compose a strip of 1 to {MAX_DIGITS} digits 0-9; got {digits!r}")
    pool = split_images(split_seed)[1 if heldout else 0]
    rng = np.random.default_rng([seed, 3])
    return _place(rng, by_digit(pool), [int(c) for c in digits])


def _compose_many(rng: np.random.Generator, pool: np.ndarray, n: int, min_digits: int,
                  max_digits: int) -> list[Pair]:
    pools = by_digit(pool)
    return [compose_strip(rng, pools, int(rng.integers(min_digits, max_digits + 1)))
            for _ in range(n)]


def vocabularies() -> tuple[Vocab, Vocab]:
    """(source, target): the column positions c0..c{MAX_COLUMNS-1}, and the ten digits."""
    columns = tuple(f"c{i}" for i in range(MAX_COLUMNS))
    return (Vocab(SPECIALS + columns, "image"),
            Vocab(SPECIALS + tuple("0123456789"), "char"))


def generate_digits(n_train: int = 20000, n_heldout: int = 1000, seed: int = 0,
                    min_digits: int = 1, max_digits: int = DEFAULT_MAX_DIGITS) -> TaskData:
    """Strips of handwritten digits and their digit strings (see the module docstring).

    Training strips use only training images, held-out strips only held-out images
    (``split_images``); the same seed gives the same strips.

    Raises:
        ValueError: for counts below 1 or a digit range outside 1-8.
    """
    check_sizes(n_train, n_heldout, "digit counts",
                {"min_digits": min_digits, "max_digits": max_digits}, MAX_DIGITS)
    train_pool, heldout_pool = split_images(seed)
    rng = np.random.default_rng([seed, 1])
    train = _compose_many(rng, train_pool, n_train, min_digits, max_digits)
    heldout = _compose_many(np.random.default_rng([seed, 2]), heldout_pool, n_heldout,
                            min_digits, max_digits)
    seen = {p.source for p in train}
    heldout = [p for p in heldout if p.source not in seen]  # never drops: disjoint images
    return TaskData("digits", tuple(train), tuple(heldout), "image", "char",
                    vocabs=vocabularies(),
                    notes=(f"{len(train_pool)} training and {len(heldout_pool)} held-out "
                           f"digit images of 1,797 ({CREDIT}).",))
