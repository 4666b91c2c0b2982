"""Checkpoints round-trip exactly and refuse broken folders with a message naming the fault."""

import json
import pickle
import shutil

import pytest
import torch

from seq2seq_core import CheckpointError, load, save
from seq2seq_core.checkpoint import round_weights


@pytest.fixture
def saved(tmp_path, make_tiny):
    tm = make_tiny(0, decoder="attention", cell="lstm", bidirectional=True)
    return tm, save(tmp_path / "ckpt", tm)


def _logits(tm):
    src = torch.tensor([[4, 5, 6, 2]])
    return tm.model(src, src != 0, torch.tensor([[1, 4, 5]]))[0]


def test_round_trip_gives_identical_logits(saved):
    tm, folder = saved
    loaded = load(folder)
    assert torch.equal(_logits(tm), _logits(loaded))
    assert loaded.model.cfg == tm.model.cfg
    assert loaded.src_vocab == tm.src_vocab and loaded.tgt_vocab == tm.tgt_vocab
    assert not loaded.model.training


def test_float16_storage_halves_the_file_and_loads_the_rounded_weights(tmp_path, saved):
    tm, folder = saved
    half = save(tmp_path / "half", tm, weights_dtype="float16")
    full_bytes = (folder / "model.safetensors").stat().st_size
    half_bytes = (half / "model.safetensors").stat().st_size
    assert half_bytes < 0.6 * full_bytes
    loaded = load(half)
    for name, tensor in tm.model.state_dict().items():
        got = loaded.model.state_dict()[name]
        assert got.dtype == torch.float32
        assert torch.equal(got, tensor.to(torch.float16).to(torch.float32)), name
    rounded = load(folder)
    round_weights(rounded.model, "float16")
    assert torch.equal(_logits(rounded), _logits(loaded))


def test_unknown_weights_dtype_is_refused(tmp_path, saved):
    tm, _ = saved
    with pytest.raises(ValueError, match="weights_dtype must be one of float32, float16"):
        save(tmp_path / "x", tm, weights_dtype="int8")


def test_integer_weights_are_refused(saved):
    _, folder = saved
    from safetensors.torch import load_file, save_file
    state = load_file(str(folder / "model.safetensors"))
    name = next(iter(state))
    state[name] = state[name].to(torch.int32)
    save_file(state, str(folder / "model.safetensors"))
    with pytest.raises(CheckpointError, match="must be float32 or float16"):
        load(folder)


def test_missing_file_is_named(saved):
    _, folder = saved
    (folder / "tgt_vocab.json").unlink()
    with pytest.raises(CheckpointError, match="tgt_vocab.json"):
        load(folder)


def test_truncated_weights(saved):
    _, folder = saved
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        load(folder)


def test_random_bytes_as_weights(saved):
    _, folder = saved
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * 10)
    with pytest.raises(CheckpointError, match="model.safetensors"):
        load(folder)


def test_truncated_config(saved):
    _, folder = saved
    text = (folder / "config.json").read_text()
    (folder / "config.json").write_text(text[:40])
    with pytest.raises(CheckpointError, match="config.json is not valid JSON"):
        load(folder)


def test_mismatched_shapes_are_named(saved, tmp_path, make_tiny):
    _, folder = saved
    other = save(tmp_path / "other", make_tiny(0, decoder="attention", cell="lstm",
                                              bidirectional=True, hidden_dim=7))
    shutil.copy(other / "model.safetensors", folder / "model.safetensors")
    with pytest.raises(CheckpointError, match=r"shape .* but the config needs"):
        load(folder)


def test_other_architecture_weights_are_refused(saved, tmp_path, make_tiny):
    _, folder = saved
    other = save(tmp_path / "gru", make_tiny(0, decoder="fixed"))
    shutil.copy(other / "model.safetensors", folder / "model.safetensors")
    with pytest.raises(CheckpointError, match="does not match config.json"):
        load(folder)


def test_vocabulary_from_another_model(saved, tmp_path):
    _, folder = saved
    vocab = json.loads((folder / "src_vocab.json").read_text())
    vocab["tokens"].append("zz")
    (folder / "src_vocab.json").write_text(json.dumps(vocab))
    with pytest.raises(CheckpointError, match="different models"):
        load(folder)


def test_invalid_config_value(saved):
    _, folder = saved
    config = json.loads((folder / "config.json").read_text())
    config["model"]["cell"] = "transformer"
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="cell must be one of"):
        load(folder)


class _Boom:
    def __reduce__(self):
        return (exec, ("import pathlib; pathlib.Path('PWNED').write_text('x')",))


def test_a_pickle_is_never_executed(saved, tmp_path, monkeypatch):
    _, folder = saved
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    (folder / "model.safetensors").write_bytes(pickle.dumps(_Boom()))
    with pytest.raises(CheckpointError):
        load(folder)
    assert not (tmp_path / "PWNED").exists()


def test_not_a_folder(tmp_path):
    with pytest.raises(CheckpointError, match="not a folder"):
        load(tmp_path / "nothing")
