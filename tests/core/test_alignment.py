"""Gold alignments (reverse by position, dates by rendered field) and the alignment score."""

import datetime

import numpy as np
import pytest

import seq2seq_core as core
from seq2seq_core.inside.alignment import (
    alignment_score,
    dates_gold,
    gold_alignment,
    heldout_alignment_score,
    reverse_gold,
    token_scores,
)
from seq2seq_core.inside.trace import trace
from seq2seq_core.tasks.dates import (
    DATE_LOCALES,
    date_field_spans,
    date_patterns,
    render_date,
    render_date_spans,
)


def test_perfect_alignment_scores_one_and_uniform_scores_low():
    gold = reverse_gold("abcde", "edcba")
    assert gold == ((4,), (3,), (2,), (1,), (0,))
    perfect = np.zeros((6, 6))  # 5 characters + EOS on both sides
    for t, (j,) in enumerate(gold):
        perfect[t, j] = 1.0
    perfect[5, 5] = 1.0
    assert alignment_score(perfect, gold) == 1.0
    uniform = np.full((6, 6), 1 / 6)
    assert alignment_score(uniform, gold) == pytest.approx(1 / 6)
    diagonal = np.eye(6)  # a copy-task alignment: right only for the middle character
    assert alignment_score(diagonal, gold) == pytest.approx(1 / 5)


def test_slack_counts_the_positions_just_after_gold():
    gold = reverse_gold("abc", "cba")  # ((2,), (1,), (0,))
    late = np.eye(4)[[3, 2, 1]]  # each row one position after its gold (3 = EOS)
    assert alignment_score(late, gold) == 0.0
    assert alignment_score(late, gold, slack=1) == 1.0
    early = np.eye(4)[[1, 0, 0]]
    assert alignment_score(early, gold, slack=1) == pytest.approx(1 / 3)  # only row 2
    assert token_scores(np.array([[0.1, 0.2, 0.7]]), ((1,),), slack=1) == [pytest.approx(0.9)]


def test_tokens_without_gold_positions_are_not_scored():
    gold = ((0, 1), (), (2,))
    attention = np.array([[0.25, 0.25, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert token_scores(attention, gold) == [0.5, 1.0]
    assert alignment_score(attention, gold) == 0.75
    with pytest.raises(ValueError, match="no target token"):
        alignment_score(attention, ((), ()))


def test_dates_gold_for_a_hand_checked_source():
    # "March 3, 2021": March = 0..4, day "3" = 6, year "2021" = 9..12.
    gold = dates_gold("March 3, 2021", "2021-03-03")
    year, month, day = (9, 10, 11, 12), (0, 1, 2, 3, 4), (6,)
    assert gold == (year, year, year, year, (), month, month, (), day, day)
    assert dates_gold("lunes, 12 de octubre de 1936", "1936-10-12")[8] == (7, 8)
    assert dates_gold("March 3, 2021", "2021-03-04") is None  # not this date
    assert gold_alignment("copy", "ab", "ab") is None
    assert gold_alignment("reverse", "ab", "ab") is None


@pytest.mark.parametrize("locale", DATE_LOCALES)
def test_field_by_field_rendering_equals_babels(locale):
    rng = np.random.default_rng(1)
    for fmt in date_patterns(locale):
        for _ in range(5):
            day = datetime.date(1900, 1, 1) + datetime.timedelta(int(rng.integers(0, 73000)))
            text, spans = render_date_spans(day, locale, fmt)
            assert text == render_date(day, locale, fmt)
            a, b = spans["year"]
            assert text[a:b] == str(day.year)
            a, b = spans["day"]
            assert int(text[a:b]) == day.day
            a, b = spans["month"]
            assert not text[a:b].isdigit() or int(text[a:b]) == day.month
            assert date_field_spans(text, day.isoformat()) == spans


def test_heldout_score_averages_the_forced_attention_on_gold(make_tiny):
    tm = make_tiny()
    tm = core.TrainedModel(tm.model, tm.src_vocab, tm.tgt_vocab, "reverse")
    pairs = [core.Pair("abc", "cba"), core.Pair("hgfed", "defgh")]
    per_token = []
    for p in pairs:
        attention = trace(tm, p.source, p.target).attention  # (T, S)
        gold = [len(p.source) - 1 - t for t in range(len(p.target))]
        per_token += [attention[t, j] + attention[t, j + 1] for t, j in enumerate(gold)]
    assert heldout_alignment_score(tm, pairs) == pytest.approx(np.mean(per_token), abs=1e-6)
    fixed = make_tiny(decoder="fixed")
    fixed = core.TrainedModel(fixed.model, fixed.src_vocab, fixed.tgt_vocab, "reverse")
    assert heldout_alignment_score(fixed, pairs) is None


def test_evaluation_events_carry_the_alignment_score_and_length_buckets():
    task = core.make_task("reverse", n_train=200, n_heldout=40, seed=0, min_len=3, max_len=6)
    cfg = core.TrainConfig(steps=1, eval_size=40)
    trainer = core.Trainer(core.new_model(task, {"emb_dim": 8, "hidden_dim": 16}, 0), task, cfg,
                           heldout_alignment_score)
    trainer.step()
    event = trainer.evaluate()
    assert 0.0 < event.alignment_score < 1.0
    lengths = [len(p.source) for p in task.heldout]
    assert [(k, n) for k, n, _ in event.by_length] == [
        (k, lengths.count(k) + 0) for k in sorted(set(lengths))]  # EOS not counted
    assert sum(n * em for _, n, em in event.by_length) == pytest.approx(
        event.exact_match * len(lengths))
