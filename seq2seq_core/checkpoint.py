"""Checkpoints: a folder of safetensors weights plus JSON config and vocabularies.

    model.safetensors   the state dict (tensors only: loading never executes code)
    config.json         {"format", "format_version", "model": ModelConfig, "task", "info"}
    src_vocab.json      source Vocab
    tgt_vocab.json      target Vocab

``load`` checks every file and the config/vocabulary agreement before it builds a
model, and raises ``CheckpointError`` naming the file and what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from seq2seq_core.config import ModelConfig, from_dict, to_dict
from seq2seq_core.model import build_model
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import Vocab

FORMAT = "seq2seq-explorer-checkpoint"
FORMAT_VERSION = 1
FILES = ("model.safetensors", "config.json", "src_vocab.json", "tgt_vocab.json")


class CheckpointError(ValueError):
    """A checkpoint folder cannot be loaded; the message names the file and the problem."""


def save(directory: str | Path, tm: TrainedModel) -> Path:
    """Write ``tm`` into ``directory`` (created if needed); returns the folder path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in tm.model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"), metadata={"format": FORMAT})
    config = {"format": FORMAT, "format_version": FORMAT_VERSION,
              "model": to_dict(tm.model.cfg), "task": tm.task, "info": tm.info}
    (out / "config.json").write_text(json.dumps(config, indent=2, default=str),
                                     encoding="utf-8")
    tm.src_vocab.save(str(out / "src_vocab.json"))
    tm.tgt_vocab.save(str(out / "tgt_vocab.json"))
    return out


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path.name} is not valid JSON ({err}); the file is "
                              "corrupt or truncated: save the model again") from None


def _read_config(directory: Path) -> tuple[ModelConfig, dict[str, Any]]:
    raw = _read_json(directory / "config.json")
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CheckpointError(f"config.json is not a {FORMAT} config")
    if raw.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"config.json has format_version {raw.get('format_version')!r};"
                              f" this version reads {FORMAT_VERSION}")
    try:
        cfg = from_dict(ModelConfig, raw.get("model"))
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"config.json: invalid model config: {err}") from None
    return cfg, raw


def _read_vocab(path: Path, expected_size: int, side: str) -> Vocab:
    try:
        vocab = Vocab.from_json(_read_json(path))
    except ValueError as err:
        raise CheckpointError(f"{path.name}: {err}") from None
    if len(vocab) != expected_size:
        raise CheckpointError(f"{path.name} has {len(vocab)} tokens but config.json says the "
                              f"{side} vocabulary has {expected_size}: the files come from "
                              "different models")
    return vocab


def _read_weights(path: Path, expected: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"model.safetensors cannot be read ({err}); the file is "
                              "corrupt or truncated") from None
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    if missing or extra:
        raise CheckpointError(f"model.safetensors does not match config.json: missing "
                              f"{missing[:5]}, unexpected {extra[:5]}")
    for name, tensor in expected.items():
        if state[name].shape != tensor.shape:
            raise CheckpointError(
                f"model.safetensors: {name} has shape {tuple(state[name].shape)} but the "
                f"config needs {tuple(tensor.shape)}: weights and config.json do not match")
    return state


def load(directory: str | Path, device: str = "cpu") -> TrainedModel:
    """Load a checkpoint folder into a model in eval mode.

    Raises:
        CheckpointError: a file is missing, unreadable, truncated or inconsistent
            (vocabulary sizes or tensor shapes that disagree with config.json).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise CheckpointError(f"{folder} is not a folder; a checkpoint is a folder holding "
                              f"{', '.join(FILES)}")
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise CheckpointError(f"{folder} lacks {', '.join(missing)}")
    cfg, raw = _read_config(folder)
    src_vocab = _read_vocab(folder / "src_vocab.json", cfg.src_vocab_size, "source")
    tgt_vocab = _read_vocab(folder / "tgt_vocab.json", cfg.tgt_vocab_size, "target")
    model = build_model(cfg)
    state = _read_weights(folder / "model.safetensors", model.state_dict())
    model.load_state_dict(state)
    info = raw.get("info") if isinstance(raw.get("info"), dict) else {}
    return TrainedModel(model.to(device).eval(), src_vocab, tgt_vocab,
                        str(raw.get("task", "")), info)
