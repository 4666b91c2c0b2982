"""Pure chart builders on hand-made search results and training events (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import pytest

from seq2seq_core import BeamNode, BeamTree, EvalEvent, Hypothesis, SearchResult, StepEvent
from seq2seq_core.server.worker import RunSnapshot
from ui import charts

SOURCE = ("a", "b", "a", " ", "<eos>")
ATTENTION = ((0.7, 0.1, 0.1, 0.05, 0.05), (0.0, 0.0, 0.9, 0.1, 0.0), (0.2, 0.2, 0.2, 0.2, 0.2))


def hyp(text: str, score: float, attention=ATTENTION, finished: bool = True) -> Hypothesis:
    tokens = tuple(text) + (("<eos>",) if finished else ())
    return Hypothesis(tokens, tuple(range(4, 4 + len(tokens))), (score / len(tokens),) *
                      len(tokens), text, score, score / 2, finished, 1, attention)


def result(*hyps: Hypothesis, strategy: str = "beam") -> SearchResult:
    root = BeamNode(0, None, 0, 1, "<bos>", 0.0, 0.0, "root", 0, None)
    return SearchResult(strategy, hyps, BeamTree(SOURCE, len(hyps), (root,)))


def test_token_labels_escape_and_stay_unique():
    labels = charts.common.token_labels(("a", " ", "a", "<eos>", "</s>"))
    assert labels == ["0:a", "1:\u2423", "2:a", "3:&lt;eos&gt;", "4:&lt;/s&gt;"]
    assert len(set(labels)) == len(labels)


def test_heatmap_z_is_the_attention_matrix_with_escaped_position_labels():
    fig = charts.decode.attention_heatmap(hyp("ba", -1.0), SOURCE)
    heat = fig.data[0]
    assert [list(row) for row in heat.z] == [list(row) for row in ATTENTION]
    assert list(heat.x) == ["0:a", "1:b", "2:a", "3:\u2423", "4:&lt;eos&gt;"]
    assert list(heat.y) == ["0:b", "1:a", "2:&lt;eos&gt;"]
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)
    assert fig.layout.yaxis.autorange == "reversed"  # first output token on top
    assert "<eos>" not in str(list(heat.x) + list(heat.y))


def test_heatmap_slants_source_labels_only_when_they_would_not_fit_side_by_side():
    assert charts.decode.attention_heatmap(hyp("ba", -1.0), SOURCE).layout.xaxis.tickangle == 0
    pieces = ("▁where", "▁is", "▁the", "▁station", "?", "<eos>")  # 39 label characters
    slanted = charts.decode.attention_heatmap(hyp("ba", -1.0, attention=[[1 / 6] * 6] * 3),
                                              pieces)
    assert slanted.layout.xaxis.tickangle == -60


def test_heatmap_refuses_a_hypothesis_without_attention():
    with pytest.raises(ValueError, match="fixed-context"):
        charts.decode.attention_heatmap(hyp("ba", -1.0, attention=None), SOURCE)


def test_nbest_frame_lists_hypotheses_best_first():
    frame = charts.decode.nbest_table(result(hyp("ba", -0.5), hyp("bb", -2.0, finished=False)))
    assert list(frame.columns) == ["rank", "text", "score", "normalized score", "length",
                                   "finished"]
    assert frame["text"].tolist() == ["ba", "bb"]
    assert frame["score"].tolist() == [-0.5, -2.0]
    assert frame["normalized score"].tolist() == [-0.25, -1.0]
    assert frame["length"].tolist() == [3, 2]
    assert frame["finished"].tolist() == [True, False]


def test_hypothesis_options_put_greedy_first_then_beam_ranks():
    greedy, beam = result(hyp("ab", -1.0), strategy="greedy"), result(hyp("ba", -0.5),
                                                                      hyp("bb", -2.0))
    options = charts.decode.hypothesis_options(greedy, beam)
    assert list(options) == ["greedy", "beam 1", "beam 2"]
    assert [h.text for h in options.values()] == ["ab", "ba", "bb"]


@pytest.mark.parametrize("n, limit", [(0, 500), (10, 500), (500, 500), (501, 500),
                                      (4000, 500), (12345, 500), (10, 4)])
def test_downsampling_keeps_at_most_the_limit_and_the_last_point(n, limit):
    idx = charts.common.downsample_indices(n, limit)
    assert len(idx) <= limit and idx == sorted(set(idx))
    if n:
        assert idx[0] == 0 and idx[-1] == n - 1
    if n <= limit:
        assert idx == list(range(n))


def steps(n: int) -> list[StepEvent]:
    return [StepEvent(i, 3.0 / i, min(1.0, i / n), 1.0, 64, i * 0.01) for i in range(1, n + 1)]


def test_training_curves_are_downsampled_and_end_at_the_last_step():
    fig = charts.training.training_curves(steps(4000))
    loss, accuracy = fig.data
    assert len(loss.x) <= charts.common.MAX_POINTS and len(accuracy.y) <= charts.common.MAX_POINTS
    assert loss.x[-1] == 4000 and loss.y[-1] == pytest.approx(3.0 / 4000)
    assert accuracy.y[-1] == 1.0


def evals() -> list[EvalEvent]:
    return [EvalEvent(10, 0.25, 0.5, (("abc", "cba", "cbb"),), 1.0, samples_correct=(False,)),
            EvalEvent(20, 0.75, 0.9, (("abc", "cba", "cba"), ("xy", "yx", "yy")), 2.0,
                      samples_correct=(True, False))]


def test_heldout_curve_and_samples_frame():
    fig = charts.training.heldout_curve(evals())
    assert list(fig.data[0].x) == [10, 20] and list(fig.data[0].y) == [0.25, 0.75]
    frame = charts.training.samples_frame(evals()[-1])
    assert frame.to_dict("records") == [
        {"source": "abc", "reference": "cba", "prediction": "cba", "correct": True},
        {"source": "xy", "reference": "yx", "prediction": "yy", "correct": False}]


def test_runs_frame_lists_every_run():
    done = RunSnapshot("done", 20, 20, tuple(steps(20)), tuple(evals()), None, 99.0)
    live = RunSnapshot("running", 5, 20, tuple(steps(5)), (), None, 1.5)
    frame = charts.training.runs_frame([("my run 1", done), ("my run 2", live)])
    assert frame["run"].tolist() == ["my run 1", "my run 2"]
    assert frame["status"].tolist() == ["done", "running"]
    assert frame["step"].tolist() == ["20/20", "5/20"]
    assert frame["held-out exact match"][0] == 0.75 and pd.isna(frame["held-out exact match"][1])
    assert frame["seconds"].tolist() == [99.0, 1.5]
