"""Every generated task refuses impossible sizes with the same words (tasks.base.check_sizes)."""

from __future__ import annotations

import pytest

from seq2seq_core.tasks.dates import generate_dates
from seq2seq_core.tasks.digits import generate_digits
from seq2seq_core.tasks.reverse import generate_reverse


@pytest.mark.parametrize("generate", [generate_reverse, generate_dates, generate_digits])
def test_counts_below_one_are_refused_with_both_named(generate):
    with pytest.raises(ValueError, match=r"need n_train >= 1 and n_heldout >= 1, got 0, 5"):
        generate(n_train=0, n_heldout=5)


@pytest.mark.parametrize("generate, low, high, message", [
    (generate_reverse, 6, 5, r"lengths must satisfy 1 <= min_len <= max_len <= 40; got 6-5"),
    (generate_reverse, 1, 41, r"lengths .* got 1-41"),
    (generate_digits, 0, 3,
     r"digit counts must satisfy 1 <= min_digits <= max_digits <= 8; got 0-3"),
    (generate_digits, 2, 9, r"digit counts .* got 2-9"),
])
def test_size_ranges_outside_the_task_are_refused(generate, low, high, message):
    with pytest.raises(ValueError, match=message):
        generate(10, 5, 0, low, high)
