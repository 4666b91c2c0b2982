"""Real-browser fixtures: a `streamlit run` server and Debian's Chromium for pytest-playwright.

The session fixture ``app_url`` starts ``python -m streamlit run app/main.py`` on a free
loopback port (``bench.common.start_streamlit``: no file watcher, waits for
``/_stcore/health``) and stops it at the end; its log goes to
``artifacts/browser/server.log``. Chromium is the system one
(``apt-get install chromium``), never a browser downloaded by ``playwright install``.

Without chromium or Playwright the browser tests are skipped with the reason, so a
developer without them can still run ``pytest``; ``.ci/run`` installs both and sets
``SEQ2SEQ_REQUIRE_BROWSER=1``, which turns that skip into a failure.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.common import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop
from required import skip_or_require

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "artifacts" / "browser"
# Limits for the test server: a short heartbeat so abandoned runs end within the suite.
SERVER_ENV = {"SEQ2SEQ_TRAIN_SLOTS": "2", "SEQ2SEQ_HEARTBEAT_TIMEOUT_S": "60"}


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    for module, package in (("playwright", "playwright"),
                            ("pytest_playwright", "pytest-playwright")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    return None


def pytest_collection_modifyitems(config, items):
    skip_or_require(items, missing_browser(), "SEQ2SEQ_REQUIRE_BROWSER",
                    lambda item: HERE in Path(item.path).parents, "browser tests")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    if missing_browser():
        pytest.skip(missing_browser())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    proc, url = start_streamlit(log=ARTIFACTS / "server.log", env=SERVER_ENV)
    try:
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900},
            "accept_downloads": True}


@pytest.fixture
def shots() -> Path:
    """The folder CI keeps for screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
