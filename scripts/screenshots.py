"""Screenshots of every view in a real browser (Debian's chromium through Playwright).

    python scripts/screenshots.py [OUT_DIR]     # default: artifacts/screenshots

Starts `streamlit run app/main.py` on a free loopback port, visits Decode (the README's
docs/screenshot.png is a copy of decode.png), starts a short training on Train and
captures it live, then About. Needs `apt-get install chromium` and `pip install playwright`
(never `playwright install`: the system browser is used).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def _settle(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=60_000)


def _shot(page, path: Path) -> None:
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(900, int(height))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception on {path}"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = _serve(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")  # Decode is the default page
            _settle(page)
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
            _shot(page, out / "decode.png")
            page.goto(f"http://127.0.0.1:{port}/train")
            _settle(page)
            page.get_by_role("button", name="Start training").click()
            page.wait_for_timeout(12_000)
            _shot(page, out / "train.png")
            page.goto(f"http://127.0.0.1:{port}/about")
            _settle(page)
            _shot(page, out / "about.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    shutil.copy(out / "decode.png", ROOT / "docs" / "screenshot.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "artifacts" / "screenshots")
