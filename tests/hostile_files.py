"""Hostile and broken uploads, built on the fly: checkpoint zips, pickles that run code,
HTML/script payloads as text, vocabulary tokens and checkpoint metadata."""

from __future__ import annotations

import io
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import torch

import seq2seq_core as core
from seq2seq_core.vocab import SPECIALS, Vocab

# Each payload would inject an element or run script if it were interpreted as HTML or
# markdown; shown as text, none of them does.
PAYLOADS = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 1">',
    "<style>body { display: none }</style>",
    '<iframe src="about:blank"></iframe>',
    '<form action="/x"><input name="a"></form>',
    '<meta http-equiv="refresh" content="0; url=about:blank">',
    "**bold** [link](javascript:alert(1)) ![img](http://127.0.0.1:9/x.png) `tick",
)
INJECTED = ("style", "script", "iframe", "form", "meta")


class _RunsCode:
    """Unpickling this runs ``touch <marker>``: the classic malicious checkpoint."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def evil_pickle(marker: Path) -> bytes:
    return pickle.dumps({"weight": _RunsCode(marker)})


def evil_torch_file(marker: Path) -> bytes:
    """A ``torch.save`` file (itself a zip) whose unpickling runs code."""
    buffer = io.BytesIO()
    torch.save({"weight": _RunsCode(marker)}, buffer)
    return buffer.getvalue()


def checkpoint_files(tm: core.TrainedModel) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = core.save(Path(tmp) / "ckpt", tm)
        return {p.name: p.read_bytes() for p in folder.iterdir()}


def zip_files(files: dict[str, bytes], folder: str = "ckpt") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}" if folder else name, data)
    return buffer.getvalue()


def tiny_model(src: Vocab, tgt: Vocab, task: str = "toy", info: dict | None = None,
               **fields) -> core.TrainedModel:
    cfg = core.ModelConfig(len(src), len(tgt), **{"emb_dim": 8, "hidden_dim": 12, **fields})
    return core.TrainedModel(core.build_model(cfg, seed=0).eval(), src, tgt, task, info or {})


def hostile_model() -> core.TrainedModel:
    """A model whose source vocabulary reads every payload, whose target tokens are the
    payloads themselves (so decoding emits them) and whose task and metadata are too."""
    chars = sorted({c for p in PAYLOADS for c in p})
    src = Vocab(SPECIALS + tuple(chars), "char")
    tgt = Vocab(SPECIALS + PAYLOADS, "char")
    info = {"steps": PAYLOADS[0], "heldout_exact_match": PAYLOADS[1], "note": PAYLOADS[2],
            "train_config": {"seed": PAYLOADS[3], "note": PAYLOADS[4]},
            "example": {"source": PAYLOADS[5], "target": PAYLOADS[6]},
            "heldout_scores": {"greedy": {PAYLOADS[0]: 1.0, "bleu": PAYLOADS[1]}},
            "task_options": PAYLOADS[2]}
    return tiny_model(src, tgt, task=PAYLOADS[0], info=info)


HOSTILE_FOLDER = '<img src=x onerror="window.__pwned = 1">'


def hostile_zip() -> bytes:
    return zip_files(checkpoint_files(hostile_model()), HOSTILE_FOLDER)
