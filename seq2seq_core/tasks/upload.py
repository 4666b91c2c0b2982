"""The ``upload`` task: the user's own source/target pairs from a TSV or CSV file.

Parsing is strict and explains itself: every problem raises ``UploadError`` naming the
line and the fix, and nothing is returned unless the whole file is good, so a caller
that keeps its previous data until this returns never loses it. Rules:

* UTF-8 text (a byte-order mark is skipped); line ends ``\\n`` or ``\\r\\n``.
* ``.csv`` files are comma-separated, anything else tab-separated; exactly two columns.
* Quotes are kept literally (no CSV quoting), and ``NA``, ``null``, ``None`` are text.
* Spaces around each field are trimmed; blank lines are skipped; a first line
  ``source<sep>target`` (any case) is a header and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from seq2seq_core.tasks.base import Pair, TaskData, split_by_source
from seq2seq_core.vocab import TokenLevel

MAX_BYTES = 2_000_000
MAX_ROWS = 50_000
MIN_PAIRS = 20


class UploadError(ValueError):
    """An uploaded file cannot be used; the message names the line and how to fix it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class UploadLimits:
    """Size limits: bytes in the file, data rows, and the fewest usable pairs."""

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    min_pairs: int = MIN_PAIRS


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UploadError(f"{name}, line {line}: byte 0x{data[err.start]:02x} is not UTF-8 "
                          "text. Save the file as UTF-8 (in a spreadsheet: CSV UTF-8) and "
                          "upload it again.", line) from None


def parse_pairs(data: bytes, name: str = "upload.tsv",
                limits: UploadLimits = UploadLimits()) -> tuple[Pair, ...]:
    """Pairs of an uploaded file; see the module docstring for the format.

    Args:
        data: the file's bytes.
        name: its file name; ``.csv`` means comma-separated, otherwise tab-separated.
        limits: size limits.

    Raises:
        UploadError: the file is too big, not UTF-8, has a line without exactly two
            columns or with an empty side, too many rows, or too few pairs.
    """
    if len(data) > limits.max_bytes:
        raise UploadError(f"{name} is {len(data):,} bytes; the limit is {limits.max_bytes:,}. "
                          "Upload a smaller sample of your pairs.")
    sep, sep_name = (",", "commas") if name.lower().endswith(".csv") else ("\t", "tabs")
    text = _decode(data, name)
    pairs: list[Pair] = []
    first = True  # the first non-blank line may be a header
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        cols = [c.strip() for c in line.split(sep)]
        if len(cols) != 2:
            raise UploadError(
                f"{name}, line {number}: found {len(cols)} column(s) separated by {sep_name}; "
                f"each line needs exactly 2, source{sep}target. Quotes do not protect a "
                f"separator here: remove extra {sep_name}"
                + (" or save as TSV." if sep == "," else "."), number)
        if first and [c.lower() for c in cols] == ["source", "target"]:
            first = False
            continue
        first = False
        if not cols[0] or not cols[1]:
            side = "source" if not cols[0] else "target"
            raise UploadError(f"{name}, line {number}: the {side} is empty. Every line "
                              f"needs text on both sides; fill it in or delete the line.",
                              number)
        pairs.append(Pair(cols[0], cols[1]))
        if len(pairs) > limits.max_rows:
            raise UploadError(f"{name}, line {number}: more than {limits.max_rows:,} pairs. "
                              "Upload a smaller sample.", number)
    if len(pairs) < limits.min_pairs:
        raise UploadError(f"{name} holds {len(pairs)} pair(s); at least {limits.min_pairs} "
                          "are needed to train and hold some out. Add more lines.")
    return tuple(pairs)


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
