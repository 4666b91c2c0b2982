"""Builders for the nearest-neighbours table of the Hidden states view."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from seq2seq_core.inside import Neighbour
from ui.text import source_label

SPACE = "\u2423"  # a visible space in the "at step" column's token


def neighbours_frame(found: Sequence[Neighbour]) -> pd.DataFrame:
    """One row per training pair, nearest first: its source (an image strip named by
    its digits, the pair's target, not by its pixel encoding) and target, the distance,
    and for decoder states the target written up to the matched step.

    Example: [Neighbour("abc", "cba", 0.5)] -> one row (1, "abc", "cba", 0.5).
    """
    by_step = any(n.step is not None for n in found)
    rows = []
    for rank, n in enumerate(found, 1):
        row = {"rank": rank, "training source": source_label(n.source, n.target),
               "its target": n.target,
               "distance": n.distance}
        if by_step:
            row["matched step"] = None if n.step is None else n.step + 1
            row["target so far"] = n.prefix
        rows.append(row)
    columns = ["rank", "training source", "its target", "distance"]
    if by_step:
        columns += ["matched step", "target so far"]
    return pd.DataFrame(rows, columns=columns)


def step_label(step: int, token: str) -> str:
    """How the step picker names a decoder step: "after output 3: 'x'" (1-based)."""
    return f"decoder state after output {step + 1}: '{SPACE if token == ' ' else token}'"
