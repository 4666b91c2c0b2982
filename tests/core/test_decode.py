"""Input validation at the boundary, and evaluation metrics."""

import pytest

from seq2seq_core import DecodeConfig, InputError, Pair, decode_text, evaluate
from seq2seq_core.evaluate import token_accuracy
from seq2seq_core.vocab import EOS_ID


@pytest.mark.parametrize("text, message", [("", "empty"), ("   \n", "empty"),
                                           ("a" * 201, "at most 200"),
                                           ("ab☃c", "'☃'"), ("☃☃", "never seen")])
def test_bad_input_gets_a_clear_error(make_tiny, text, message):
    with pytest.raises(InputError, match=message):
        decode_text(make_tiny(), text, DecodeConfig())


def test_input_is_normalised(make_tiny):
    tm = make_tiny()
    padded = decode_text(tm, "\u00a0 abc \n", DecodeConfig(strategy="greedy", max_len=5))
    plain = decode_text(tm, "abc", DecodeConfig(strategy="greedy", max_len=5))
    assert padded.best.token_ids == plain.best.token_ids
    assert padded.tree.source_tokens == ("a", "b", "c", "<eos>")


def test_training_mode_is_refused(make_tiny):
    tm = make_tiny()
    tm.model.train()
    with pytest.raises(RuntimeError, match="eval mode"):
        decode_text(tm, "abc", DecodeConfig())


def test_token_accuracy_by_hand():
    assert token_accuracy([5, 6], [5, 7]) == pytest.approx(2 / 3)
    assert token_accuracy([5, 7], [5, 7]) == 1.0
    assert token_accuracy([], [5]) == 0.0  # [EOS] vs [5, EOS]


def test_evaluate_counts_exact_matches(make_tiny):
    tm = make_tiny()
    cfg = DecodeConfig(strategy="greedy", max_len=6)
    outputs = [decode_text(tm, s, cfg).best for s in ("abc", "de")]
    texts = [h.text for h in outputs]
    pairs = [Pair("abc", texts[0]), Pair("de", texts[1] + "a")]
    report = evaluate(tm, pairs, cfg)
    assert report.exact_match == 0.5
    assert report.by_length == {3: (1, 1.0), 2: (1, 0.0)}
    assert report.predictions == tuple(texts)
    beam = evaluate(tm, pairs, DecodeConfig(strategy="beam", beam_size=1, max_len=6))
    assert beam.predictions == report.predictions
    assert all(EOS_ID not in tm.tgt_vocab.encode(p) for p in report.predictions)
