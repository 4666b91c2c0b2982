"""The ``reverse`` task: output the input string backwards ("hello" -> "olleh").

Long inputs show the fixed context vector's limit: the whole string must pass
through one vector, whereas attention can look up each character where it is.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from seq2seq_core.tasks.base import Pair, TaskData, check_sizes, split_unique
from seq2seq_core.tasks.options import option

ALPHABET = string.ascii_lowercase
MAX_SUPPORTED_LEN = 40
REVERSE_EXAMPLES = ("hello", "sequence", "attention", "abcdefghijklmno")


@dataclass(frozen=True)
class ReverseOptions:
    """The ``reverse`` task's options (``generate_reverse``)."""

    min_len: int = option(5, "shortest string", label="shortest string", low=1,
                          high=MAX_SUPPORTED_LEN)
    max_len: int = option(15, "longest string", label="longest string", low=1,
                          high=MAX_SUPPORTED_LEN)


def generate_reverse(n_train: int = 20000, n_heldout: int = 1000, seed: int = 0,
                     min_len: int = 5, max_len: int = 15) -> TaskData:
    """Random lowercase strings and their reversals, lengths uniform in [min_len, max_len].

    Raises:
        ValueError: for counts below 1 or a length range outside 1-40.
    """
    check_sizes(n_train, n_heldout, "lengths", {"min_len": min_len, "max_len": max_len},
                MAX_SUPPORTED_LEN)
    rng = random.Random(seed)
    pairs, seen = [], set()
    wanted = n_train + n_heldout
    for _ in range(wanted * 20):
        text = "".join(rng.choices(ALPHABET, k=rng.randint(min_len, max_len)))
        if text not in seen:
            seen.add(text)
            pairs.append(Pair(text, text[::-1]))
            if len(pairs) == wanted:
                break
    train, heldout = split_unique(pairs, n_heldout)
    return TaskData("reverse", train, heldout, "char", "char")
