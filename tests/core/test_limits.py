"""Server limits: read from the environment, refused by name, each one enforced."""

from __future__ import annotations

import pytest

from seq2seq_core import DecodeConfig, ModelConfig, TrainConfig, build_model
from seq2seq_core.server.limits import LimitError, Limits, count_parameters


def test_defaults_and_environment_overrides():
    assert Limits.from_env({}) == Limits()
    lim = Limits.from_env({"SEQ2SEQ_TRAIN_SLOTS": "4", "SEQ2SEQ_MAX_TRAIN_SECONDS": "90",
                           "SEQ2SEQ_MAX_BEAM_SIZE": "8", "UNRELATED": "x"})
    assert (lim.train_slots, lim.max_train_seconds, lim.max_beam_size) == (4, 90.0, 8)
    pairs = Limits.from_env({"SEQ2SEQ_MAX_PAIRS_UPLOAD_BYTES": "5000",
                             "SEQ2SEQ_MAX_PAIRS_UPLOAD_ROWS": "300"}).pairs_upload()
    assert (pairs.max_bytes, pairs.max_rows) == (5000, 300)


@pytest.mark.parametrize("name, value", [("SEQ2SEQ_TRAIN_SLOTS", "two"),
                                         ("SEQ2SEQ_MAX_UPLOAD_BYTES", "1.5"),
                                         ("SEQ2SEQ_HEARTBEAT_TIMEOUT_S", "soon")])
def test_a_malformed_setting_is_named(name, value):
    with pytest.raises(ValueError, match=name):
        Limits.from_env({name: value})


@pytest.mark.parametrize("fields", [{"train_slots": 0}, {"max_beam_size": -1},
                                    {"max_input_tokens": True}])
def test_impossible_limits_are_refused(fields):
    with pytest.raises(ValueError, match="limit"):
        Limits(**fields)


def test_beam_width_and_output_length_limits():
    lim = Limits(max_beam_size=4, max_output_len=30)
    lim.check_decode(DecodeConfig(beam_size=4, max_len=30))
    with pytest.raises(LimitError, match="Beam width 5 .* limit of 4"):
        lim.check_decode(DecodeConfig(beam_size=5))
    with pytest.raises(LimitError, match="Max output length 31 .* limit of 30"):
        lim.check_decode(DecodeConfig(beam_size=1, max_len=31))


def test_parameters_are_counted_without_allocating():
    cfg = ModelConfig(50, 60, emb_dim=16, hidden_dim=24, decoder="attention",
                      bidirectional=True, cell="lstm")
    real = sum(p.numel() for p in build_model(cfg).parameters())
    assert count_parameters(cfg) == real
    huge = ModelConfig(1_000_000, 1_000_000, emb_dim=4096, hidden_dim=4096, num_layers=4)
    assert count_parameters(huge) > 10**10  # counted on the meta device, no memory taken


def test_model_size_and_vocabulary_limits():
    small = ModelConfig(50, 60, emb_dim=8, hidden_dim=16)
    Limits(max_model_parameters=count_parameters(small)).check_model(small)
    with pytest.raises(LimitError, match="parameters; this server allows at most 100"):
        Limits(max_model_parameters=100).check_model(small)
    with pytest.raises(LimitError, match="target vocabulary has 60 tokens"):
        Limits(max_vocab_tokens=55).check_model(small)


def test_training_steps_and_time_limits():
    lim = Limits(max_train_steps=1000, max_train_seconds=120)
    assert lim.clamp_training(TrainConfig(steps=1000, max_seconds=60)).max_seconds == 60
    assert lim.clamp_training(TrainConfig(steps=10, max_seconds=0)).max_seconds == 120
    assert lim.clamp_training(TrainConfig(steps=10, max_seconds=999)).max_seconds == 120
    assert Limits(max_train_seconds=0).clamp_training(TrainConfig()).max_seconds == 0
    with pytest.raises(LimitError, match="1,001 steps is over this server's limit of 1,000"):
        lim.clamp_training(TrainConfig(steps=1001))
