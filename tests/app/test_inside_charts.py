"""Pure builders of the inside views, on hand-made traces, snapshots and evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from seq2seq_core import EvalEvent
from seq2seq_core.inside.projection import PCABasis
from seq2seq_core.inside.replay import ReplayFrame
from seq2seq_core.inside.trace import StateSelection, Trace
from ui.charts import attention as inside_charts
from ui.charts import compare as compare_charts
from ui.charts import trajectory as trajectory_charts

SRC = ("a", "b", "a", "<eos>")  # a repeated token, and a tag plotly would swallow
OUT = ("a", "b", "a", "<eos>")


def hand_trace(attention: np.ndarray | None = None, contexts: np.ndarray | None = None,
               enc: np.ndarray | None = None) -> Trace:
    """A 4-token source, 4-token output, H = 2, one layer and direction."""
    enc = np.arange(8, dtype=np.float32).reshape(1, 1, 4, 2) if enc is None else enc
    return Trace(SRC, OUT, (4, 5, 4, 2), False, np.log(np.full(4, 0.5, np.float32)),
                 enc, None, np.zeros((1, 2), np.float32),
                 np.ones((1, 4, 2), np.float32), None, attention,
                 np.array([6.0, 7.0], np.float32), contexts, "aba")


REVERSED = np.eye(4)[[2, 1, 0, 3]].astype(np.float32)  # output t looks at source 2 - t


def test_the_heatmap_up_to_a_row_draws_that_many_rows():
    for row, drawn in ((0, 1), (2, 3), (3, 4), (None, 4), (-5, 1), (99, 4)):
        z = inside_charts.attention_upto(hand_trace(REVERSED), row).data[0].z
        assert [list(r) for r in z[:drawn]] == [list(r) for r in REVERSED[:drawn]]
        assert all(v is None for r in z[drawn:] for v in r)
    fig = inside_charts.attention_upto(hand_trace(REVERSED), 1)
    assert not fig.frames and not fig.layout.sliders  # the view's player steps it
    with pytest.raises(ValueError, match="no attention"):
        inside_charts.attention_upto(hand_trace())


def test_attention_animation_fills_one_row_per_frame():
    fig = inside_charts.attention_animation(hand_trace(REVERSED))
    heat = fig.data[0]
    assert list(heat.x) == ["0:a", "1:b", "2:a", "3:&lt;eos&gt;"]  # unique and escaped
    assert list(heat.y) == list(heat.x)
    np.testing.assert_array_equal(np.array(heat.z, dtype=float), REVERSED)
    assert [f.name for f in fig.frames] == ["1", "2", "3", "4"]
    for k, frame in enumerate(fig.frames, start=1):
        z = frame.data[0].z
        assert all(row == list(REVERSED[t]) for t, row in enumerate(z[:k]))
        assert all(v is None for row in z[k:] for v in row)
    slider = fig.layout.sliders[0]
    assert slider.active == 3 and [list(s.args[0]) for s in slider.steps] == [
        ["1"], ["2"], ["3"], ["4"]]
    assert [s.label for s in slider.steps] == list(heat.y)  # the slider names the rows
    assert slider.currentvalue.prefix == "row "
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]
    with pytest.raises(ValueError, match="no attention"):
        inside_charts.attention_animation(hand_trace())


def _segments(trace) -> list[tuple[float, float]]:
    xs = [x for x in trace.x]
    return [(xs[i], xs[i + 1]) for i in range(0, len(xs), 3)]


def test_alignment_lines_join_each_output_to_what_it_attends_with_weight_width():
    attention = np.array([[0, 0, 1, 0], [0, 0.5, 0.5, 0], [0.02, 0, 0, 0.98],
                          [0, 0, 0, 1]], np.float32)
    fig = inside_charts.alignment_lines(hand_trace(attention))
    bins = fig.data[:inside_charts.LINE_BINS]
    # Output positions spread over the source's width: 0, 1, 2, 3 here (4 and 4 tokens).
    assert _segments(bins[9]) == [(2.0, 0.0), (3.0, 2.0), (3.0, 3.0)]  # weights 1, .98, 1
    assert _segments(bins[5]) == [(1.0, 1.0), (2.0, 1.0)]  # the two 0.5 links
    assert sum(len(b.x) for b in bins) == 3 * 5  # the 0.02 link is not drawn
    assert bins[9].line.width == pytest.approx(9.5) and bins[5].line.width == pytest.approx(5.5)
    assert list(fig.layout.xaxis2.ticktext) == ["0:a", "1:b", "2:a", "3:&lt;eos&gt;"]
    assert not fig.frames  # the view's row player steps it, not plotly


def test_alignment_lines_up_to_a_row_draw_that_rows_links_and_keep_every_token():
    attention = np.array([[0, 0, 1, 0], [0, 0.5, 0.5, 0], [0.02, 0, 0, 0.98],
                          [0, 0, 0, 1]], np.float32)
    tr = hand_trace(attention)
    full = inside_charts.alignment_lines(tr)
    for row, links in ((0, 1), (1, 3), (2, 4), (3, 5), (9, 5), (-4, 1)):  # clamped
        fig = inside_charts.alignment_lines(tr, row)
        bins = fig.data[:inside_charts.LINE_BINS]
        assert sum(len(b.x) for b in bins) == 3 * links, row
        assert fig.layout.xaxis.ticktext == full.layout.xaxis.ticktext  # every output
        assert list(fig.data[-1].x) == list(full.data[-1].x)
    first = inside_charts.alignment_lines(tr, 0).data  # row 0: only output 0's link
    assert _segments(first[9]) == [(2.0, 0.0)]


def test_context_rows_show_c_at_every_step_for_a_fixed_context_model():
    c = np.tile(np.array([1.0, -2.0], np.float32), (4, 1))
    fixed = hand_trace(contexts=c)
    fig = inside_charts.context_rows(fixed)
    assert np.array_equal(np.array(fig.data[0].z), c) and inside_charts.context_spread(fixed) == 0
    moving = hand_trace(REVERSED, contexts=np.array([[0, 0], [1, 0], [0, 3], [0, 0]], np.float32))
    assert inside_charts.context_spread(moving) == 3.0
    sutskever = inside_charts.context_rows(hand_trace())
    assert list(sutskever.data[0].y) == ["c → s_0 only"]
    assert np.array_equal(np.array(sutskever.data[0].z), [[6.0, 7.0]])


def test_trajectory_panels_are_the_basis_applied_by_hand_with_the_final_state_marked():
    basis = PCABasis(np.array([1.0, 1.0], np.float32), np.array([[0, 1], [1, 0]], np.float32),
                     np.array([0.8, 0.2], np.float32), 10)
    tr = hand_trace()
    sel = StateSelection()
    panels = trajectory_charts.trajectory_panels([tr, tr], ["A: x", "B: <y>"], basis, sel)
    states = tr.encoder_states[0, 0]  # (4, 2): [0, 1], [2, 3], ...
    expected = np.stack([states[:, 1] - 1, states[:, 0] - 1], axis=1)
    np.testing.assert_allclose(panels[0].points, expected)
    assert panels[0].final == 3
    fig = trajectory_charts.trajectory_figure(panels, 2, basis.explained_variance_ratio)
    path, star = fig.data[0], fig.data[1]
    assert list(path.text) == ["0:a", "1:b", "2:a", "3:&lt;eos&gt;"]
    assert path.textfont.shadow == "auto"  # a halo in the background's colour: over a line
    assert (star.x[0], star.y[0]) == (expected[3, 0], expected[3, 1])
    assert fig.layout.annotations[1].text == "B: &lt;y&gt;"
    assert fig.layout.xaxis.range == fig.layout.xaxis2.range  # shared axes
    assert fig.layout.xaxis.title.text == "PC1 (80% of variance)"
    dec = trajectory_charts.trajectory_panels([tr], ["A"], basis, StateSelection("decoder"))
    assert dec[0].final is None and dec[0].tokens == OUT
    with pytest.raises(ValueError, match="3 coordinates"):
        trajectory_charts.trajectory_figure(panels, 3)


def test_replay_figure_has_one_frame_per_snapshot_on_fixed_axes():
    frames = [ReplayFrame(step, hand_trace(REVERSED), np.array(pts, np.float32))
              for step, pts in ((10, [[0, 0], [1, 1], [2, 0], [3, 3]]),
                                (20, [[-1, 0], [0, 5], [1, 0], [2, 2]]))]
    fig = trajectory_charts.replay_figure(frames, StateSelection())
    assert [f.name for f in fig.frames] == ["10", "20"]
    assert fig.layout.sliders[0].active == 1
    assert "after 20 steps" in fig.layout.title.text
    x_range, y_range = fig.layout.xaxis2.range, fig.layout.yaxis2.range
    assert x_range[0] < -1 and x_range[1] > 3 and y_range[0] < 0 and y_range[1] > 5
    assert list(fig.frames[0].layout.yaxis.ticktext) == ["0:a", "1:b", "2:a", "3:&lt;eos&gt;"]
    assert list(fig.frames[0].layout.yaxis.range) == [3.5, -0.5]  # row 0 on top
    second = fig.frames[1].data
    assert list(second[1].x) == [-1, 0, 1, 2] and (second[2].x[0], second[2].y[0]) == (2, 2)


def test_replay_at_draws_one_snapshot_on_the_axes_of_all():
    frames = [ReplayFrame(step, hand_trace(REVERSED), np.array(pts, np.float32))
              for step, pts in ((10, [[0, 0], [1, 1], [2, 0], [3, 3]]),
                                (20, [[-1, 0], [0, 5], [1, 0], [2, 2]]))]
    whole = trajectory_charts.replay_figure(frames, StateSelection())
    for at, want in ((0, 0), (1, 1), (None, 1), (-3, 0), (7, 1)):
        fig = trajectory_charts.replay_at(frames, StateSelection(), at=at)
        assert not fig.frames and not fig.layout.sliders  # the view's player steps it
        assert f"after {frames[want].step} steps" in fig.layout.title.text
        assert list(fig.data[1].x) == list(frames[want].points[:, 0])
        assert fig.layout.xaxis2.range == whole.layout.xaxis2.range  # fixed: every snapshot
        assert fig.layout.yaxis2.range == whole.layout.yaxis2.range
    with pytest.raises(ValueError, match="no snapshots"):
        trajectory_charts.replay_at([], StateSelection())


def test_length_buckets_pool_pairs_by_weight():
    got = compare_charts.length_buckets([(5, 2, 1.0), (7, 2, 0.5), (12, 1, 0.0)], width=5)
    assert got == [("5-7", 4, 0.75), ("12", 1, 0.0)]
    event = EvalEvent(100, 0.5, 0.7, (), 1.0, 0.9, ((5, 3, 1.0), (40, 1, 0.0)))
    fig = compare_charts.accuracy_by_length([("A: fixed", event)], width=5)
    assert list(fig.data[0].x) == ["5", "40"] and list(fig.data[0].y) == [1.0, 0.0]


def test_greedy_beam_frame_marks_the_correct_outputs():
    frame = compare_charts.greedy_beam_frame(["abc"], ["cba"],
                                             {"A": [(("cba", True), ("cab", False))]})
    assert frame.to_dict("records") == [{"source": "abc", "reference": "cba",
                                         "A greedy": "cba ✓", "A beam": "cab"}]


def test_replay_row_labels_are_thinned_for_a_long_output():
    out = tuple("o" * 49) + ("<eos>",)  # an untrained model's run-on output
    long = Trace(SRC, out, (4,) * 50, False, np.zeros(50, np.float32),
                 np.zeros((1, 1, 4, 2), np.float32), None, np.zeros((1, 2), np.float32),
                 np.ones((1, 50, 2), np.float32), None,
                 np.full((50, 4), 0.25, np.float32), np.zeros(2, np.float32), None, "o" * 49)
    frame = ReplayFrame(10, long, np.zeros((4, 2), np.float32))
    axis = trajectory_charts.replay_figure([frame], StateSelection()).frames[0].layout.yaxis
    assert list(axis.tickvals) == list(range(0, 50, 3))  # at most 20 labels
    assert axis.ticktext[0] == "0:o" and axis.ticktext[-1] == "48:o"
    assert list(axis.range) == [49.5, -0.5]  # every row still drawn


def test_a_dense_trajectory_labels_the_points_that_fit_and_hovers_every_one():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(51, 2)) * 0.3  # 51 states in a small cloud, as a strip's
    panel = trajectory_charts.TrajectoryPanel("A", points, tuple(f"c{i}" for i in range(51)),
                                              None)
    (path,) = trajectory_charts.trajectory_figure([panel]).data
    drawn = [t for t in path.text if t]
    assert 0 < len(drawn) < 51 and path.text[0]  # the first always, the crowd thinned
    assert list(path.hovertext) == [f"{i}:c{i}" for i in range(51)]  # every label on hover
