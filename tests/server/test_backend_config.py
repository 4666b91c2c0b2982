"""The backend switch without a cluster: settings read from the environment, Ray never
imported unless asked for, models moved as checkpoint bytes, and the error an
unreachable cluster gives the app (a ``ServerBusy``, which its views already show)."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest
import torch
from server_helpers import run_python

from seq2seq_core.server import (ClusterUnreachable, RayConfig, RunRegistry, ServerBusy,
                                 backend_from_env)
from seq2seq_core.server.transfer import model_from_bytes, model_to_bytes


def test_without_the_address_there_is_no_backend():
    assert RayConfig.from_env({}) is None
    assert RayConfig.from_env({"SEQ2SEQ_RAY_ADDRESS": "  "}) is None
    assert backend_from_env({"SEQ2SEQ_RAY_FALLBACK": "local"}) is None
    assert RunRegistry().backend is None


def test_settings_are_read_and_bad_ones_named():
    cfg = RayConfig.from_env({"SEQ2SEQ_RAY_ADDRESS": "ray://127.0.0.1:10001",
                              "SEQ2SEQ_RAY_FALLBACK": "LOCAL", "SEQ2SEQ_RAY_LINGER_S": "5",
                              "SEQ2SEQ_RAY_NAMESPACE": "room-3"})
    assert cfg == RayConfig("ray://127.0.0.1:10001", True, "room-3", 5.0)
    assert RayConfig.from_env({"SEQ2SEQ_RAY_ADDRESS": "auto"}).fallback_local is False
    with pytest.raises(ValueError, match="SEQ2SEQ_RAY_FALLBACK"):
        RayConfig.from_env({"SEQ2SEQ_RAY_ADDRESS": "auto", "SEQ2SEQ_RAY_FALLBACK": "threads"})
    with pytest.raises(ValueError, match="SEQ2SEQ_RAY_LINGER_S"):
        RayConfig.from_env({"SEQ2SEQ_RAY_ADDRESS": "auto", "SEQ2SEQ_RAY_LINGER_S": "soon"})


def test_an_unreachable_cluster_is_shown_where_a_busy_server_is():
    assert issubclass(ClusterUnreachable, ServerBusy)


def test_the_core_and_the_app_services_never_import_ray_by_default():
    code = """
import os, sys
os.environ.pop("SEQ2SEQ_RAY_ADDRESS", None)
sys.path.insert(0, "app")
import seq2seq_core, seq2seq_core.server, seq2seq_core.cli
from ui.services import training, models, server
from seq2seq_core.server import default_registry
registry = default_registry()
assert registry.backend is None, registry.backend
assert "ray" not in sys.modules, sorted(m for m in sys.modules if m.startswith("ray"))[:5]
print("ok")
"""
    done = run_python(code, env={"SEQ2SEQ_RAY_ADDRESS": ""})
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]


def test_models_travel_as_checkpoint_bytes_without_pickle(make_tiny):
    tm = make_tiny(seed=3)
    tm.info.update(steps=40, heldout_exact_match=0.5)
    data = model_to_bytes(tm)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = sorted(n.split("/")[-1] for n in archive.namelist())
        assert names == ["config.json", "model.safetensors", "src_vocab.json",
                         "tgt_vocab.json"]
        assert json.loads(archive.read("model/config.json"))["info"]["steps"] == 40
    back = model_from_bytes(data)
    assert back.info == tm.info and back.task == tm.task and not back.model.training
    for (name, a), (_, b) in zip(tm.model.state_dict().items(),
                                 back.model.state_dict().items(), strict=True):
        assert torch.equal(a, b), name


def test_foreign_bytes_are_refused(make_tiny):
    from seq2seq_core.checkpoint import CheckpointError

    with pytest.raises(CheckpointError, match="not a zipped checkpoint"):
        model_from_bytes(b"\x80\x04pickle")
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model/payload.pkl", b"\x80\x04")
    with pytest.raises(CheckpointError, match="unexpected file"):
        model_from_bytes(buffer.getvalue())
