"""Checkpoint archives: a zipped checkpoint folder, read safely from untrusted bytes.

The app's Download gives ``<name>/model.safetensors, config.json, ...`` in a ``.zip``;
``load_zip`` reads such bytes back. It never unpickles anything and never extracts by
the archive's own paths: it checks the size, the number and names of the files and
their unpacked sizes, writes only the known file names into a fresh temporary folder,
and hands that to ``checkpoint.load`` with ``Limits.check_model`` run before any weight
is allocated. Every refusal is a ``CheckpointError`` that says what is wrong.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from seq2seq_core.checkpoint import FILES, CheckpointError, load
from seq2seq_core.server.limits import LimitError, Limits
from seq2seq_core.trained import TrainedModel

OPTIONAL = ("CARD.md", "src_subword.model", "tgt_subword.model")
PICKLE_HINT = ("Pickled PyTorch files (.pt, .pth, .bin) are refused because loading them "
               "can run code; upload the .zip that Download checkpoint gives.")
INFO_NUMBERS = ("steps", "train_seconds", "heldout_exact_match", "heldout_token_accuracy")
INFO_OBJECTS = ("train_config", "task_options", "example")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


def _mb(n: int) -> str:
    """Example: _mb(3 * 2**20) -> "3.0 MB"; _mb(1000) -> "1 kB"."""
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, round(n / 1024))} kB"


def read_members(data: bytes, limits: Limits) -> tuple[str, dict[str, bytes]]:
    """The archive's folder name and its checkpoint files by name.

    Raises:
        CheckpointError: too big, not a zip, too many or unexpected files, files in
            more than one folder, or damaged.
    """
    if len(data) > limits.max_upload_bytes:
        raise CheckpointError(f"The file is {_mb(len(data))}; this server accepts checkpoints "
                              f"up to {_mb(limits.max_upload_bytes)}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise CheckpointError("This is not a .zip archive (or it is truncated). "
                              + PICKLE_HINT) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_upload_files:
            raise CheckpointError(f"The archive holds {len(infos)} files; a checkpoint has at "
                                  f"most {limits.max_upload_files}.")
        folders, names = set(), {}
        for info in infos:
            folder, _, name = info.filename.rpartition("/")
            if name not in FILES + OPTIONAL or name in names:
                shown = info.filename[:80]
                raise CheckpointError(f"Unexpected file {shown!r} in the archive: a checkpoint "
                                      f"holds only {', '.join(FILES)}. {PICKLE_HINT}")
            folders.add(folder)
            names[name] = info
        if len(folders) > 1:
            raise CheckpointError("The archive's files lie in more than one folder; a "
                                  "checkpoint is one folder.")
        budget = 2 * limits.max_upload_bytes  # unpacked: at most twice the upload limit
        if sum(i.file_size for i in names.values()) > budget:
            raise CheckpointError(f"The archive unpacks to more than {_mb(budget)}.")
        files = {}
        try:
            for name, info in names.items():
                with archive.open(info) as member:
                    files[name] = member.read(budget + 1)  # sizes in headers can lie
                budget -= len(files[name])
                if budget < 0:
                    raise CheckpointError(f"The archive unpacks to more than "
                                          f"{_mb(2 * limits.max_upload_bytes)}.")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                RuntimeError) as err:  # bad CRC, bad data, unknown compression, encryption
            raise CheckpointError(f"The archive is damaged or encrypted ({err}).") from None
    folder = folders.pop() if folders else ""
    return folder.rsplit("/", 1)[-1], files


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def clean_info(info: dict[str, Any]) -> dict[str, Any]:
    """Provenance an untrusted checkpoint may show: the types the app expects, or nothing.

    Numbers stay numbers (``steps``, held-out scores), objects stay flat objects of plain
    values (``train_config``, ``example``), ``heldout_scores`` keeps
    {strategy: {metric name: number}}; anything else of the wrong type is dropped.
    Strings are kept as they are: the app shows them as text.
    """
    out: dict[str, Any] = {}
    for key, value in info.items():
        if key in INFO_NUMBERS:
            if _number(value):
                out[key] = value
        elif key == "heldout_scores":
            if isinstance(value, dict):
                out[key] = {str(strategy): {m: v for m, v in scores.items()
                                            if NAME.fullmatch(str(m)) and _number(v)}
                            for strategy, scores in value.items() if isinstance(scores, dict)}
        elif key in INFO_OBJECTS:
            if isinstance(value, dict):
                out[key] = {k: v for k, v in value.items() if _scalar(v)}
        elif _scalar(value):
            out[key] = value
        elif isinstance(value, dict):
            out[key] = {k: v for k, v in value.items() if _scalar(v)}
    train = out.get("train_config", {})
    if not isinstance(train.get("seed", 0), int):
        del train["seed"]
    return out


def load_zip(data: bytes, limits: Limits | None = None) -> tuple[str, TrainedModel]:
    """(folder name, model) from the bytes of a zipped checkpoint folder.

    Raises:
        CheckpointError: anything wrong with the archive or the checkpoint in it,
            including a model over the server's size limits.
    """
    limits = limits or Limits()
    folder, files = read_members(data, limits)
    missing = [name for name in FILES if name not in files]
    if missing:
        raise CheckpointError(f"The archive lacks {', '.join(missing)}; a checkpoint holds "
                              f"{', '.join(FILES)}.")
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
        try:
            tm = load(tmp, check=limits.check_model)
        except LimitError as err:
            raise CheckpointError(str(err)) from None
    name = re.sub(r"[^\w.\-]+", "-", folder)[:60].strip("-.") or "checkpoint"
    return name, TrainedModel(tm.model, tm.src_vocab, tm.tgt_vocab, tm.task,
                              clean_info(tm.info))
