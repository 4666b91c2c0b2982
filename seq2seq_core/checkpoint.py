"""Checkpoints: a folder of safetensors weights plus JSON config and vocabularies.

    model.safetensors   the state dict (tensors only: loading never executes code)
    config.json         {"format", "format_version", "model": ModelConfig, "task", "info"}
    src_vocab.json      source Vocab
    tgt_vocab.json      target Vocab
    src_subword.model   the sentencepiece model of a subword source vocabulary (only then)
    tgt_subword.model   likewise for the target side

``load`` checks every file and the config/vocabulary agreement before it builds a
model, and raises ``CheckpointError`` naming the file and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from seq2seq_core.config import ModelConfig, from_dict, to_dict
from seq2seq_core.model import build_model
from seq2seq_core.subword import SubwordModel
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import Vocab

FORMAT = "seq2seq-explorer-checkpoint"
FORMAT_VERSION = 1
FILES = ("model.safetensors", "config.json", "src_vocab.json", "tgt_vocab.json")


class CheckpointError(ValueError):
    """A checkpoint folder cannot be loaded; the message names the file and the problem."""


WEIGHT_DTYPES = {"float32": torch.float32, "float16": torch.float16}


def save(directory: str | Path, tm: TrainedModel, weights_dtype: str = "float32") -> Path:
    """Write ``tm`` into ``directory`` (created if needed); returns the folder path.

    Args:
        weights_dtype: "float32" (exact round trip) or "float16", which halves
            model.safetensors; ``load`` casts float16 weights back to float32, so the
            loaded model equals ``round_weights(model, "float16")``.

    Raises:
        ValueError: an unknown ``weights_dtype``.
    """
    if weights_dtype not in WEIGHT_DTYPES:
        raise ValueError(f"weights_dtype must be one of {', '.join(WEIGHT_DTYPES)}, "
                         f"not {weights_dtype!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    dtype = WEIGHT_DTYPES[weights_dtype]
    state = {k: v.detach().cpu().to(dtype).contiguous()
             for k, v in tm.model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"), metadata={"format": FORMAT})
    config = {"format": FORMAT, "format_version": FORMAT_VERSION,
              "model": to_dict(tm.model.cfg), "task": tm.task, "info": tm.info}
    (out / "config.json").write_text(json.dumps(config, indent=2, default=str),
                                     encoding="utf-8")
    for side, vocab in (("src", tm.src_vocab), ("tgt", tm.tgt_vocab)):
        vocab.save(str(out / f"{side}_vocab.json"))
        if vocab.subword is not None:
            (out / f"{side}_subword.model").write_bytes(vocab.subword.proto)
    return out


@torch.no_grad()
def round_weights(model: torch.nn.Module, weights_dtype: str) -> None:
    """Round ``model``'s float32 weights in place to what ``save(..., weights_dtype)``
    stores, so a model can be evaluated as it will be shipped."""
    for tensor in model.state_dict().values():
        tensor.copy_(tensor.to(WEIGHT_DTYPES[weights_dtype]))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path.name} is not valid JSON ({err}); the file is "
                              "corrupt or truncated: save the model again") from None
    except RecursionError:  # "[[[[..." nested deeper than any config
        raise CheckpointError(f"{path.name} is nested too deeply to be a checkpoint "
                              "file") from None


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


def _read_subword(path: Path, raw: Any) -> SubwordModel | None:
    """The sentencepiece model a subword vocabulary needs, read and validated."""
    if not isinstance(raw, dict) or raw.get("level") != "subword":
        return None
    if not path.is_file():
        raise CheckpointError(f"{path.parent.name} lacks {path.name}, the sentencepiece "
                              "model its subword vocabulary needs")
    try:
        return SubwordModel(path.read_bytes())
    except ValueError as err:
        raise CheckpointError(f"{path.name}: {err}; the file is corrupt or truncated") from None


def _read_vocab(path: Path, expected_size: int, side: str) -> Vocab:
    raw = _read_json(path)
    subword = _read_subword(path.with_name(path.name.replace("_vocab.json", "_subword.model")),
                            raw)
    try:
        vocab = Vocab.from_json(raw, subword)
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
        if state[name].dtype not in WEIGHT_DTYPES.values():
            raise CheckpointError(f"model.safetensors: {name} is {state[name].dtype}; "
                                  "weights must be float32 or float16")
        if state[name].shape != tensor.shape:
            raise CheckpointError(
                f"model.safetensors: {name} has shape {tuple(state[name].shape)} but the "
                f"config needs {tuple(tensor.shape)}: weights and config.json do not match")
    return state


def load(directory: str | Path, device: str = "cpu",
         check: Callable[[ModelConfig], None] | None = None) -> TrainedModel:
    """Load a checkpoint folder into a model in eval mode.

    Args:
        check: called with the model config before any weight is allocated (for
            example ``Limits.check_model``, for untrusted uploads); it raises to refuse.

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
    if check is not None:
        check(cfg)
    src_vocab = _read_vocab(folder / "src_vocab.json", cfg.src_vocab_size, "source")
    tgt_vocab = _read_vocab(folder / "tgt_vocab.json", cfg.tgt_vocab_size, "target")
    model = build_model(cfg)
    state = _read_weights(folder / "model.safetensors", model.state_dict())
    model.load_state_dict(state)
    info = raw.get("info") if isinstance(raw.get("info"), dict) else {}
    return TrainedModel(model.to(device).eval(), src_vocab, tgt_vocab,
                        str(raw.get("task", "")), info)
