"""search.searched_widths: the widths a beam sweep really searches, and beam_sweep's rows."""

from __future__ import annotations

from seq2seq_core.search import searched_widths
from seq2seq_core.search.sweep import WIDTHS


def test_widths_above_the_vocabulary_are_clamped_once_in_order():
    assert searched_widths(15) == (1, 2, 3, 5, 8, 12, 13)  # dates: 16 is searched as 13
    assert searched_widths(100) == WIDTHS
    assert searched_widths(5) == (1, 2, 3)
    assert searched_widths(9, (8, 1, 16, 3)) == (1, 3, 7)
