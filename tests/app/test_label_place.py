"""Point labels kept apart (app/ui/charts/label_place.py), checked on the boxes."""

from __future__ import annotations

import numpy as np
import pytest
from ui.charts import label_place as lp

PLOT = (400.0, 300.0)


def boxes(xy, labels, positions, font=16.0, marker=7.0):
    return [lp.label_box(x, y, p, lp.CHAR_EM * font * len(t), lp.LINE_EM * font, marker / 2 + 2)
            for (x, y), t, p in zip(xy, labels, positions)]


def overlap(a, b):
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def test_points_far_apart_keep_the_first_position():
    xy = np.array([[50.0, 50.0], [200.0, 150.0], [350.0, 250.0 - 30]])
    assert lp.label_positions(xy, ["0:a", "1:b", "2:c"], 16, PLOT) == ["top center"] * 3


def test_a_cluster_of_points_gets_labels_that_do_not_overprint():
    xy = np.array([[200.0, 150.0], [206.0, 152.0], [198.0, 158.0], [210.0, 146.0]])
    labels = ["10:0", "11:2", "12:1", "13:<eos>"]
    positions = lp.label_positions(xy, labels, 16, PLOT)
    placed = boxes(xy, labels, positions)
    assert len(set(positions)) == 4
    assert all(overlap(a, b) == 0 for i, a in enumerate(placed) for b in placed[i + 1:])
    # all at the first position, they would overprint
    first = boxes(xy, labels, ["top center"] * 4)
    assert overlap(first[0], first[1]) > 0


def test_a_label_at_the_plot_edge_turns_inwards_and_obstacles_are_avoided():
    assert lp.label_positions(np.array([[200.0, 295.0]]), ["0:M"], 16, PLOT) == ["bottom center"]
    assert lp.label_positions(np.array([[395.0, 150.0]]), ["0:long label"], 16, PLOT)[0] \
        .endswith(("center", "left"))
    star = (190.0, 155.0, 210.0, 175.0)  # above the point
    assert lp.label_positions(np.array([[200.0, 150.0]]), ["7:x"], 16, PLOT,
                              obstacles=[star]) == ["bottom center"]


def test_a_dense_path_drops_the_labels_that_cannot_go_clear_of_the_others():
    rng = np.random.default_rng(0)
    xy = rng.uniform([150, 100], [250, 200], size=(40, 2))  # 40 points in a 100 px square
    labels = [f"{i}:c{i}" for i in range(40)]
    kept = lp.label_positions(xy, labels, 16, PLOT, drop=True)
    shown = [(p, t, pos) for p, t, pos in zip(xy, labels, kept) if pos is not None]
    assert kept[0] is not None and 0 < len(shown) < 40
    placed = boxes([p for p, _, _ in shown], [t for _, t, _ in shown], [q for _, _, q in shown])
    assert all(overlap(a, b) == 0 for i, a in enumerate(placed) for b in placed[i + 1:])
    assert None not in lp.label_positions(xy, labels, 16, PLOT)  # without drop: all placed


def test_crossing_is_the_length_of_segment_inside_the_box():
    box = (0.0, 0.0, 10.0, 10.0)
    segments = [(5, -5, 5, 15),  # straight through
                (-5, -5, 15, 15),  # corner to corner
                (2, 2, 4, 6),  # wholly inside
                (5, 5, 5, 50),  # from inside out through the top
                (11, -5, 11, 15),  # beside it
                (-5, 12, 15, 12),  # above it, parallel to an edge
                (12, 0, 20, 8),  # short of it
                (15, 5, -5, 5)]  # through, drawn right to left
    expected = [10.0, np.hypot(10, 10), np.hypot(2, 4), 5.0, 0.0, 0.0, 0.0, 20.0 - 10.0]
    np.testing.assert_allclose(lp.crossing(box, segments), expected)
    for seg, length in zip(segments, expected):  # one at a time, the same
        np.testing.assert_allclose(lp.crossing(box, [seg]), [length])
    # edges count (a line along a label's edge touches its text); a point has no length
    np.testing.assert_allclose(lp.crossing(box, [(0, -5, 0, 15), (-5, 10, 15, 10),
                                                 (3, 3, 3, 3)]), [10.0, 20.0 - 10.0, 0.0])
    assert lp.crossing(box, []).shape == (0,)
    with np.errstate(all="raise"):  # not finite: no length, no warning, the others kept
        found = lp.crossing(box, [(5, -5, 5, np.nan), (np.inf, 5, 5, 5), (5, -5, 5, 15)])
    np.testing.assert_allclose(found, [0.0, 0.0, 10.0])
    with pytest.raises(ValueError, match="M, 4"):
        lp.crossing(box, np.zeros((2, 6)))


def test_a_label_goes_where_no_line_runs_through_it():
    point = np.array([[200.0, 150.0]])
    assert lp.label_positions(point, ["3:a"], 16, PLOT) == ["top center"]  # no line
    up = [(200.0, 150.0, 200.0, 250.0)]  # the path leaves the point straight up
    assert lp.label_positions(point, ["3:a"], 16, PLOT, lines=up) == ["bottom center"]
    both = [(200.0, 150.0, 200.0, 250.0), (200.0, 150.0, 200.0, 50.0)]  # up and down
    position = lp.label_positions(point, ["3:a"], 16, PLOT, lines=both)[0]
    box = lp.label_box(200.0, 150.0, position, lp.CHAR_EM * 16 * 3, lp.LINE_EM * 16, 7 / 2 + 2)
    assert not lp.crossing(box, both).any(), position


def test_lines_never_cost_a_label_its_place_when_drop_is_on():
    """With ``drop``, a position clear of the placed labels and inside the plot wins over
    one with less line under it: a path line through every clear position must not drop
    labels that fit, and no kept label is cut by the plot's edge."""
    rng = np.random.default_rng(1)
    for _ in range(20):
        xy = np.cumsum(rng.normal(0, 18, size=(30, 2)), axis=0) + [200, 150]
        labels = [f"{i}:c" for i in range(30)]
        path = [(*a, *b) for a, b in zip(xy[:-1], xy[1:])]
        with_lines = lp.label_positions(xy, labels, 16, PLOT, drop=True, lines=path)
        without = lp.label_positions(xy, labels, 16, PLOT, drop=True)
        placed = [lp.label_box(x, y, p, lp.CHAR_EM * 16 * len(t), lp.LINE_EM * 16, 7 / 2 + 2)
                  for (x, y), t, p in zip(xy, labels, with_lines) if p is not None]
        assert all(overlap(a, b) == 0 for i, a in enumerate(placed) for b in placed[i + 1:])
        assert all(inside(box) for box in placed)  # none cut by the plot's edge
        # every label dropped with the lines had no place clear of those placed before it
        # and inside the plot
        for i, position in enumerate(with_lines):
            if position is None:
                before = placed_before(xy, labels, with_lines, i)
                assert all(any(overlap(box, b) for b in before) or not inside(box)
                           for box in candidate_boxes(xy[i], labels[i]))
        assert sum(p is None for p in with_lines) <= sum(p is None for p in without) + 3


def inside(box):
    return box[0] >= 0 and box[1] >= 0 and box[2] <= PLOT[0] and box[3] <= PLOT[1]


def candidate_boxes(point, label):
    return [lp.label_box(point[0], point[1], p, lp.CHAR_EM * 16 * len(label), lp.LINE_EM * 16,
                         7 / 2 + 2) for p in lp.POSITIONS]


def placed_before(xy, labels, positions, i):
    return [lp.label_box(x, y, p, lp.CHAR_EM * 16 * len(t), lp.LINE_EM * 16, 7 / 2 + 2)
            for (x, y), t, p in list(zip(xy, labels, positions))[:i] if p is not None]
