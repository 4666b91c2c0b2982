"""Plain data shared by every task: its train/held-out split (pairs: ``seq2seq_core.pairs``)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from seq2seq_core.pairs import Pair
from seq2seq_core.vocab import TokenLevel, Vocab


@dataclass(frozen=True)
class TaskData:
    """A task's generated data.

    Attributes:
        name: task name, e.g. "dates".
        train: training pairs.
        heldout: held-out pairs; no pair (and no source) also appears in ``train``.
        src_level: tokenisation of sources, "char", "word", "subword" or "image" (strips:
            ``seq2seq_core.images``).
        tgt_level: tokenisation of targets, "char", "word" or "subword".
        references: held-out source -> every acceptable target, best first, for tasks
            where a source has several correct outputs (a word's pronunciations, a
            sentence's translations); None when each source has exactly its target.
        vocabs: (source, target) vocabularies the task prepared (subword models,
            lower-casing); None lets ``train.new_model`` build them from ``train``.
        notes: what was read, filtered and dropped, one line each, for the user.
        metrics: the ``seq2seq_core.metrics`` scores that suit the task's outputs
            (``make_task`` fills them in from the task's ``TaskInfo``).
        encoder: the ``cnn_encoder.ENCODERS`` entry that reads its sources ("cnn-rnn"
            for image strips; ``make_task`` fills it in, ``train.new_model`` uses it).
    """

    name: str
    train: tuple[Pair, ...]
    heldout: tuple[Pair, ...]
    src_level: TokenLevel = "char"
    tgt_level: TokenLevel = "char"
    references: Mapping[str, tuple[str, ...]] | None = field(default=None, repr=False)
    vocabs: tuple[Vocab, Vocab] | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ("exact_match",)
    encoder: str = "rnn"

    def references_of(self, pair: Pair) -> tuple[str, ...]:
        """Every acceptable target of ``pair``'s source (just its target by default)."""
        if self.references is None:
            return (pair.target,)
        return self.references.get(pair.source, (pair.target,))


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


def split_by_source(pairs: list[Pair], n_heldout: int, seed: int,
                    keep_all_train_targets: bool = False
                    ) -> tuple[tuple[Pair, ...], tuple[Pair, ...], dict[str, tuple[str, ...]]]:
    """Shuffle sources with ``seed`` and hold ``n_heldout`` of them out, with every target.

    For data where a source may have several targets (pronunciations, translations):
    sources are grouped (targets in file order, duplicates dropped), the groups shuffled
    by ``random.Random(seed)``, and the last ``n_heldout`` become the held-out set.

    Returns:
        (train, heldout, references). Held-out pairs take each source's first target;
        ``references`` maps each held-out source to all of its targets. Training pairs
        take the first target, or every target with ``keep_all_train_targets``.

    Raises:
        ValueError: if there are not more than ``n_heldout`` distinct sources.
    """
    groups: dict[str, list[str]] = {}
    for pair in pairs:
        targets = groups.setdefault(pair.source, [])
        if pair.target not in targets:
            targets.append(pair.target)
    if n_heldout < 1 or len(groups) <= n_heldout:
        raise ValueError(f"only {len(groups)} distinct sources for {n_heldout} held-out "
                         "ones: use more data or hold out fewer (at least 1)")
    sources = list(groups)
    random.Random(seed).shuffle(sources)
    cut = len(sources) - n_heldout
    train = tuple(Pair(s, t) for s in sources[:cut]
                  for t in (groups[s] if keep_all_train_targets else groups[s][:1]))
    heldout = tuple(Pair(s, groups[s][0]) for s in sources[cut:])
    return train, heldout, {s: tuple(groups[s]) for s in sources[cut:]}


def check_sizes(n_train: int, n_heldout: int, what: str = "",
                bounds: dict[str, int] | None = None, limit: int = 0) -> None:
    """The checks every generated task makes of its arguments.

    ``bounds``, if given, names the lower and upper source size asked for (lengths,
    digit counts), in that order, e.g. ``{"min_len": 5, "max_len": 15}``; they must
    satisfy ``1 <= low <= high <= limit``.

    Raises:
        ValueError: for counts below 1 or a range outside 1-``limit``, naming both.
    """
    if n_train < 1 or n_heldout < 1:
        raise ValueError(f"need n_train >= 1 and n_heldout >= 1, got {n_train}, {n_heldout}")
    if not bounds:
        return
    (low_name, low), (high_name, high) = bounds.items()
    if not 1 <= low <= high <= limit:
        raise ValueError(f"{what} must satisfy 1 <= {low_name} <= {high_name} <= {limit}; "
                         f"got {low}-{high}")
