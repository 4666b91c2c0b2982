"""The matrix's kinds of model as the app reads them: shipped checkpoints in a folder.

A kind's model is saved with the task options that made its data in
``info["task_options"]`` (a corpus given as bytes is written beside it as
``<lang>-eng/<lang>.txt`` and named by ``data_dir``), so the app regenerates the kind's own
held-out set. Used by the view matrix (AppTest) and the browser matrix (Chromium).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path

import seq2seq_core as core

CONFTEST = Path(__file__).resolve().parent / "conftest.py"


def corpus_folder(kind, folder: Path) -> Path | None:
    """A folder under ``folder`` holding the kind's corpus (None: it reads no corpus)."""
    data = kind.task_options.get("data")
    if data is None:
        return None
    lang = kind.task_options.get("lang", "fra")
    out = folder / "corpus" / kind.name
    (out / f"{lang}-eng").mkdir(parents=True, exist_ok=True)
    (out / f"{lang}-eng" / f"{lang}.txt").write_bytes(data)
    return out


def app_options(kind, folder: Path) -> dict:
    """The kind's task options as a checkpoint stores them (JSON: a folder, not bytes)."""
    options = {k: v for k, v in kind.task_options.items() if k not in ("data", "data_name")}
    corpus = corpus_folder(kind, folder)
    return options if corpus is None else {**options, "data_dir": str(corpus)}


def save_app_model(kind, folder: Path, name: str | None = None) -> str:
    """Save the kind's model (once) as the shipped model ``name`` (default: the kind's
    name) under ``folder/models``, the folder to give the app as SEQ2SEQ_PRETRAINED_DIR;
    returns its picker key."""
    name = name or kind.name
    out = folder / "models" / name
    if not (out / "config.json").is_file():
        info = {**kind.tm.info, "task_options": app_options(kind, folder)}
        core.save(out, dataclasses.replace(kind.tm, info=info))
    return f"shipped:{name}"


def matrix_conftest(config):
    """The matrix's conftest module: the one pytest loaded (so the kinds are built once
    per process), else imported from its file."""
    for plugin in config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) == str(CONFTEST):
            return plugin
    if "matrix_conftest" not in sys.modules:
        spec = importlib.util.spec_from_file_location("matrix_conftest", CONFTEST)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["matrix_conftest"]
