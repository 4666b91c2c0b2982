"""Plain data shared by every task: a source/target pair and a task's train/held-out split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TokenLevel = Literal["char", "word"]


@dataclass(frozen=True)
class Pair:
    """One example: source text and its reference target text."""

    source: str
    target: str


@dataclass(frozen=True)
class TaskData:
    """A task's generated data.

    Attributes:
        name: task name, e.g. "dates".
        train: training pairs.
        heldout: held-out pairs; no pair (and no source) also appears in ``train``.
        src_level: tokenisation of sources, "char" or "word".
        tgt_level: tokenisation of targets, "char" or "word".
    """

    name: str
    train: tuple[Pair, ...]
    heldout: tuple[Pair, ...]
    src_level: TokenLevel = "char"
    tgt_level: TokenLevel = "char"


def split_unique(
    pairs: list[Pair], n_heldout: int
) -> tuple[tuple[Pair, ...], tuple[Pair, ...]]:
    """Split pairs into (train, heldout) so that no source is in both.

    Duplicated sources are dropped after their first occurrence, then the last
    ``n_heldout`` unique pairs become the held-out set.

    Raises:
        ValueError: if there are not more than ``n_heldout`` unique sources.
    """
    seen: dict[str, Pair] = {}
    for pair in pairs:
        seen.setdefault(pair.source, pair)
    unique = list(seen.values())
    if len(unique) <= n_heldout:
        raise ValueError(
            f"only {len(unique)} unique sources for {n_heldout} held-out pairs; "
            "generate more pairs or ask for fewer held-out ones"
        )
    return tuple(unique[:-n_heldout]), tuple(unique[-n_heldout:])
