"""The ``upload`` task: the user's own source/target pairs from a TSV or CSV file.

The file is read by ``seq2seq_core.pairs.parse_pairs`` (the project's one pairs parser,
strict and explaining itself); this module turns the parsed pairs into a task.
"""

from __future__ import annotations

from dataclasses import dataclass

from seq2seq_core.pairs import (
    MAX_BYTES,
    MAX_ROWS,
    MIN_PAIRS,
    Pair,
    PairsError,
    PairsLimits,
    parse_pairs,
)
from seq2seq_core.tasks.base import TaskData, split_by_source
from seq2seq_core.tasks.options import option
from seq2seq_core.vocab import TokenLevel

# The names this task has always exported: an upload's error and limits are the parser's.
UploadError = PairsError
UploadLimits = PairsLimits
__all__ = ["MAX_BYTES", "MAX_ROWS", "MIN_PAIRS", "UploadError", "UploadLimits",
           "generate_upload", "parse_pairs"]


@dataclass(frozen=True)
class UploadOptions:
    """The ``upload`` task's options (``generate_upload``; the pairs come from a file)."""

    level: str = option("char", "tokens of both sides: characters or words",
                        label="tokens", choices=("char", "word"), flag="--level")


def generate_upload(pairs: tuple[Pair, ...] = (), n_heldout: int | None = None,
                    seed: int = 0, level: TokenLevel = "char",
                    file_name: str = "upload") -> TaskData:
    """The ``upload`` task from parsed pairs (see ``parse_pairs``).

    Args:
        pairs: the user's pairs; a source given several targets keeps them all as
            references.
        n_heldout: sources held out (default: a tenth, from 1 to 1000).
        seed: shuffles sources before the split.
        level: "char" or "word" tokens on both sides.
        file_name: the uploaded file's name, for the notes.

    Raises:
        ValueError: no pairs, a bad level, or too few distinct sources.
    """
    if not pairs:
        raise ValueError("no uploaded pairs: upload a TSV or CSV file of source/target pairs")
    if level not in ("char", "word"):
        raise ValueError(f"level must be 'char' or 'word' for uploads; got {level!r}")
    n_sources = len({p.source for p in pairs})
    held = n_heldout if n_heldout is not None else min(1000, max(1, n_sources // 10))
    train, heldout, refs = split_by_source(list(pairs), held, seed,
                                           keep_all_train_targets=True)
    notes = (f"{file_name}: {len(pairs):,} pairs, {n_sources:,} distinct sources; "
             f"{len(train):,} training pairs, {len(heldout):,} held-out sources.",)
    return TaskData("upload", train, heldout, level, level, refs, None, notes)
