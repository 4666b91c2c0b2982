"""Source/target pairs and the one parser of pairs files (``source<TAB>target``).

Every pairs file goes through ``parse_pairs``: the CLI's ``evaluate --pairs`` and
``train --task upload``, the app's pairs upload, and the Tatoeba reader (ManyThings
files, whose third column is an attribution). Parsing is strict and explains itself:
every problem raises ``PairsError`` naming the line and the fix, and nothing is returned
unless the whole file is good, so a caller that keeps its previous data until this
returns never loses it. Rules:

* UTF-8 text (a byte-order mark is skipped; ``decode_utf8`` names the first bad line);
  line ends ``\\n`` or ``\\r\\n``.
* ``.csv`` files are comma-separated, anything else tab-separated; exactly two columns
  (three where the format has an attribution column, which is dropped).
* Quotes are kept literally (no CSV quoting), and ``NA``, ``null``, ``None`` are text.
* Spaces around each field are trimmed; blank lines are skipped; a first line
  ``source<sep>target`` (any case) is a header and skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_BYTES = 2_000_000
MAX_ROWS = 50_000
MIN_PAIRS = 20
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Pair:
    """One example: source text and its reference target text."""

    source: str
    target: str


class PairsError(ValueError):
    """A pairs file cannot be used; the message names the line and how to fix it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class PairsLimits:
    """Size limits: bytes in the file, data rows, and the fewest usable pairs."""

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    min_pairs: int = MIN_PAIRS


NO_LIMITS = PairsLimits(max_bytes=2**62, max_rows=2**62, min_pairs=1)  # files the user names


def decode_utf8(data: bytes, name: str) -> str:
    """The text of ``data`` (UTF-8, a byte-order mark skipped).

    Raises:
        PairsError: naming the line of the first byte that is not UTF-8 and how to fix it.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PairsError(f"{name}, line {line}: byte 0x{data[err.start]:02x} is not UTF-8 "
                         "text. Save the file as UTF-8 (in a spreadsheet: CSV UTF-8) and "
                         "use it again.", line) from None


def parse_pairs(data: bytes, name: str = "pairs.tsv", limits: PairsLimits = PairsLimits(),
                *, attribution: bool = False, progress: Progress | None = None,
                text: str | None = None) -> tuple[Pair, ...]:
    """Pairs of a file; see the module docstring for the format.

    Args:
        data: the file's bytes (ignored when ``text`` is given).
        name: its file name; ``.csv`` means comma-separated, otherwise tab-separated.
        limits: size limits (``NO_LIMITS`` for a file the user names on the command line).
        attribution: a third column is allowed and dropped (ManyThings' attribution).
        progress: called with (fraction 0-1, message) every 20,000 lines.
        text: the file's text, when the caller already has it (a file read from a zip).

    Raises:
        PairsError: the file is too big, not UTF-8, has a line with the wrong number of
            columns or with an empty side, too many rows, or too few pairs.
    """
    if text is None and len(data) > limits.max_bytes:
        raise PairsError(f"{name} is {len(data):,} bytes; the limit is {limits.max_bytes:,}. "
                         "Use a smaller sample of your pairs.")
    sep, sep_name = (",", "commas") if name.lower().endswith(".csv") else ("\t", "tabs")
    lines = (decode_utf8(data, name) if text is None else text).split("\n")
    wanted = "2 or 3 (the third is an attribution)" if attribution else "exactly 2"
    pairs: list[Pair] = []
    first = True  # the first non-blank line may be a header
    for number, line in enumerate(lines, start=1):
        if progress and number % 20000 == 0:
            progress(number / len(lines), f"reading {name}: line {number:,} of {len(lines):,}")
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        cols = [c.strip() for c in line.split(sep)]
        if len(cols) != 2 and not (attribution and len(cols) == 3):
            fix = (f"put one {sep_name[:-1]} between source and target" if len(cols) < 2
                   else f"remove extra {sep_name} (quotes do not protect a separator here)"
                   + (" or save as TSV" if sep == "," else ""))
            raise PairsError(
                f"{name}, line {number}: found {len(cols)} column(s) separated by {sep_name}; "
                f"each line needs {wanted}, source{sep}target: {fix}.", number)
        if first and [c.lower() for c in cols[:2]] == ["source", "target"]:
            first = False
            continue
        first = False
        if not cols[0] or not cols[1]:
            side = "source" if not cols[0] else "target"
            raise PairsError(f"{name}, line {number}: the {side} is empty. Every line "
                             f"needs text on both sides; fill it in or delete the line.",
                             number)
        pairs.append(Pair(cols[0], cols[1]))
        if len(pairs) > limits.max_rows:
            raise PairsError(f"{name}, line {number}: more than {limits.max_rows:,} pairs. "
                             "Use a smaller sample.", number)
    if len(pairs) < limits.min_pairs:
        raise PairsError(f"{name} holds {len(pairs)} pair(s); at least {limits.min_pairs} "
                         "are needed" + (" to train and hold some out. Add more lines."
                                         if limits.min_pairs > 1 else "."))
    return tuple(pairs)
