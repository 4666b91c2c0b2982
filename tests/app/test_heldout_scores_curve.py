"""The Train view's held-out curve draws the task's 0-100 scores (translation: BLEU and
chrF) beside exact match and token accuracy, at every evaluation."""

from seq2seq_core import EvalEvent
from ui import charts


def test_bleu_and_chrf_are_drawn_on_their_own_axis_at_each_evaluation():
    evals = [EvalEvent(100, 0.0, 0.2, (), 1.0, scores=(("bleu", 3.5), ("chrf", 20.0),
                                                        ("exact_match", 0.0))),
             EvalEvent(200, 0.1, 0.4, (), 2.0, scores=(("bleu", 12.0), ("chrf", 35.5),
                                                        ("exact_match", 0.1)))]
    fig = charts.training.heldout_curve(evals)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["BLEU"].y) == [3.5, 12.0] and list(by_name["chrF"].y) == [20.0, 35.5]
    assert by_name["BLEU"].yaxis == "y2" and list(by_name["BLEU"].x) == [100, 200]
    assert fig.layout.yaxis2.range == (0, 100)
    assert "exact match" in by_name  # the shares stay on the left axis


def test_a_task_without_such_scores_has_no_second_axis():
    evals = [EvalEvent(10, 0.5, 0.6, (), 1.0, scores=(("exact_match", 0.5),))]
    fig = charts.training.heldout_curve(evals)
    assert [t.name for t in fig.data] == ["exact match", "token accuracy"]
    assert "yaxis2" not in fig.to_plotly_json()["layout"]


def test_g2p_shares_are_drawn_on_the_left_axis_at_each_evaluation():
    evals = [EvalEvent(100, 0.1, 0.5, (), 1.0, scores=(("word_accuracy", 0.1),
                                                        ("phoneme_error_rate", 0.4))),
             EvalEvent(200, 0.3, 0.7, (), 2.0, scores=(("word_accuracy", 0.3),
                                                        ("phoneme_error_rate", 0.2)))]
    fig = charts.training.heldout_curve(evals)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["phoneme error rate"].y) == [0.4, 0.2]
    assert list(by_name["word accuracy"].y) == [0.1, 0.3]
    assert by_name["phoneme error rate"].yaxis in (None, "y")  # the percent axis
    assert "yaxis2" not in fig.to_plotly_json()["layout"]
