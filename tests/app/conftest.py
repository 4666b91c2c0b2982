"""App test fixtures: a pretrained folder the app reads through SEQ2SEQ_PRETRAINED_DIR.

The folder holds copies of the shipped ``dates-attention`` and ``dates-fixed`` when they
exist, else tiny untrained stand-ins with the same names, so app tests never skip.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import seq2seq_core as core
from ui import services

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "main.py")
SHIPPED = {"dates-attention": "attention", "dates-fixed": "fixed"}


def tiny_dates_model(decoder: str) -> core.TrainedModel:
    """An untrained dates model whose vocabulary covers the task's examples."""
    task = core.make_task("dates", n_train=300, n_heldout=10, seed=0)
    src = core.Vocab.build([p.source for p in task.train] + list(core.TASKS["dates"].examples))
    tgt = core.Vocab.build([p.target for p in task.train])
    cfg = core.ModelConfig(len(src), len(tgt), emb_dim=8, hidden_dim=16, decoder=decoder)
    return core.TrainedModel(core.build_model(cfg, seed=0).eval(), src, tgt, "dates",
                             {"steps": 0})


@pytest.fixture(scope="session")
def shipped_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pretrained")
    for name, decoder in SHIPPED.items():
        real = ROOT / "pretrained" / name
        if (real / "config.json").is_file():
            shutil.copytree(real, out / name)
        else:
            core.save(out / name, tiny_dates_model(decoder))
            (out / name / "CARD.md").write_text(f"# {name}\n\nTiny stand-in for tests.\n")
    return out


@pytest.fixture
def pretrained(monkeypatch, shipped_dir) -> Path:
    """Point the app at ``shipped_dir`` for one test."""
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(shipped_dir))
    return shipped_dir
