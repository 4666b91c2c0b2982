"""Fixtures for the Ray backend's tests: one local cluster for the whole session.

The cluster is ``ray.init(num_cpus=2)`` in this process, on 127.0.0.1 only (Ray's own
switch ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` keeps every port on loopback; set here,
before anything imports Ray, it reaches ``ray start`` subprocesses too), with no
dashboard, and the core shipped as the job's ``py_modules`` as the app ships it. Tests
that need it are skipped when Ray is not installed (``pip install -r
requirements-ray.txt``), unless ``SEQ2SEQ_REQUIRE_RAY=1`` (CI), which fails them instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # loopback only (see above)
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report, even attempted

from required import skip_or_require  # noqa: E402
from server_helpers import NAMESPACE  # noqa: E402

HERE = Path(__file__).resolve().parent
RAY_TESTS = ("test_ray_",)


def ray_missing() -> str | None:
    if importlib.util.find_spec("ray") is None:
        return "Ray is not installed (pip install -r requirements-ray.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    skip_or_require(items, ray_missing(), "SEQ2SEQ_REQUIRE_RAY",
                    lambda item: (Path(item.path).parent == HERE
                                  and Path(item.path).name.startswith(RAY_TESTS)),
                    "the Ray tests")


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator:
    """The ``ray`` module, connected to a fresh 2-CPU local cluster (``address="local"``:
    never one that ``ray start`` left on this machine)."""
    import ray

    from seq2seq_core.server.ray_backend import job_runtime_env

    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # short: Ray puts sockets there
    ray.init(address="local", num_cpus=2, include_dashboard=False, namespace=NAMESPACE,
             _node_ip_address="127.0.0.1", _temp_dir=temp, log_to_driver=False,
             runtime_env=job_runtime_env())
    yield ray
    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)
