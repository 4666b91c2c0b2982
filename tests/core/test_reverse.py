"""The reverse task: reversed targets, length range, disjoint held-out split."""

import pytest

from seq2seq_core import make_task


def test_reverse_pairs():
    task = make_task("reverse", n_train=500, n_heldout=50, seed=2, min_len=5, max_len=15)
    assert len(task.train) == 500 and len(task.heldout) == 50
    for pair in task.train + task.heldout:
        assert pair.target == pair.source[::-1] and 5 <= len(pair.source) <= 15
    assert not {p.source for p in task.train} & {p.source for p in task.heldout}
    lengths = {len(p.source) for p in task.train}
    assert lengths == set(range(5, 16))


def test_reverse_is_seeded():
    a = make_task("reverse", n_train=50, n_heldout=5, seed=1)
    b = make_task("reverse", n_train=50, n_heldout=5, seed=1)
    c = make_task("reverse", n_train=50, n_heldout=5, seed=2)
    assert a == b and a != c


@pytest.mark.parametrize("options", [dict(min_len=0), dict(max_len=41),
                                     dict(min_len=9, max_len=8), dict(n_train=0),
                                     dict(colour="red")])
def test_bad_options(options):
    with pytest.raises(ValueError):
        make_task("reverse", **options)


def test_unknown_task():
    with pytest.raises(ValueError, match="dates, reverse"):
        make_task("sorting")
