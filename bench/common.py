"""What the benches, ``scripts/screenshots.py`` and the browser tests share: a Streamlit
server of the app on a free loopback port, Debian's Chromium, waiting for a page to
settle, and a median timer.

Import it as ``bench.common`` with the repository root on ``sys.path``.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # the system browser, never
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",  # a downloaded one
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int | None = None, *, log: Path | None = None,
                    env: Mapping[str, str] | None = None, extra: Sequence[str] = (),
                    timeout_s: float = 90.0, script: str = "app/main.py",
                    preload: bool = False) -> tuple[subprocess.Popen, str]:
    """``streamlit run app/main.py`` on 127.0.0.1 (headless, no file watcher), returned
    with its base URL once ``/_stcore/health`` answers.

    Args:
        port: the port, or None for a free one.
        log: file for the server's output (default: discarded).
        env: variables added to this process's environment (``SEQ2SEQ_*`` limits).
        extra: further ``streamlit run`` flags, e.g. ``--runner.postScriptGC=true``.
        timeout_s: how long to wait for the health check.
        script: the page script, relative to the repository root.
        preload: start the app through ``app/serve.py`` (imports and the default model
            loaded before the server answers) instead of ``streamlit run``.

    Raises:
        RuntimeError: the server exited or did not answer in time (it is killed).
    """
    port = free_port() if port is None else port
    launch = ["app/serve.py"] if preload else ["-m", "streamlit", "run", script]
    cmd = [sys.executable, *launch, "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *extra]
    out = log.open("w") if log is not None else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    finally:
        if log is not None:
            out.close()
    base = f"http://127.0.0.1:{port}"
    where = f"; see {log}" if log is not None else ""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}{where}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError(f"streamlit did not answer /_stcore/health in {timeout_s:.0f} s{where}")


def stop(proc: subprocess.Popen, timeout_s: float = 15.0) -> None:
    """Terminate the server, and kill it if it has not exited after ``timeout_s``."""
    proc.terminate()
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the Playwright ``page`` shows the app and no script run is in progress
    (Streamlit's status widget is gone)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method), or the one value there is."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def median_ms(fn: Callable[[], object], repeats: int = 20) -> float:
    """Median wall time of ``fn()`` in milliseconds over ``repeats`` calls, after one
    warm-up call (lazy imports, caches)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)
