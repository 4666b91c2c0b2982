"""Models between processes as checkpoint bytes, never as pickled modules.

A training on a Ray worker hands its models to the app as the bytes of a checkpoint
folder (``checkpoint.save``: safetensors weights, JSON config and vocabularies) in an
uncompressed zip; the app reads them back with ``checkpoint.load``, which never
unpickles anything. Float32 weights round-trip exactly, so the model the app decodes
with is the model that was trained. The provenance (``TrainedModel.info``) travels as
the checkpoint's JSON, unchanged.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from seq2seq_core.checkpoint import FILES, CheckpointError, load, save
from seq2seq_core.server.archive import OPTIONAL
from seq2seq_core.trained import TrainedModel

FOLDER = "model"
MAX_BYTES = 2**31  # 2 GiB: far above any model the server's limits let anyone train


def model_to_bytes(tm: TrainedModel) -> bytes:
    """``tm`` as a zipped checkpoint folder (stored, not deflated: weights barely shrink
    and the copy is on the training's time); on the CPU whatever ``tm``'s device."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="transfer-") as tmp:
        folder = save(Path(tmp) / FOLDER, tm)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{FOLDER}/{path.name}")
    return buffer.getvalue()


def model_from_bytes(data: bytes, device: str = "cpu") -> TrainedModel:
    """The model ``model_to_bytes`` packed, in eval mode on ``device``.

    Raises:
        CheckpointError: not such an archive, a file that is not a checkpoint's, or a
            checkpoint ``checkpoint.load`` refuses.
    """
    if len(data) > MAX_BYTES:
        raise CheckpointError(f"A model of {len(data)} bytes is over {MAX_BYTES}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise CheckpointError("model bytes: not a zipped checkpoint") from None
    with archive, tempfile.TemporaryDirectory(prefix="transfer-") as tmp:
        for info in archive.infolist():
            name = info.filename.rpartition("/")[2]
            if name not in FILES + OPTIONAL:
                raise CheckpointError(f"model bytes: unexpected file {info.filename[:80]!r}")
            (Path(tmp) / name).write_bytes(archive.read(info))
        return load(tmp, device=device)
