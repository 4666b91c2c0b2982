"""Screenshots of every view in a real browser (Debian's chromium through Playwright).

    python scripts/screenshots.py [OUT_DIR]     # default: artifacts/screenshots

Starts `streamlit run app/main.py` on a free loopback port, visits Decode (the README's
docs/screenshot.png is a copy of decode.png), starts a short training on Train and
captures it live, then About. Then the inside views: Attention (the animation at two
decoder steps, and the fixed-context contrast), Hidden states (2-D and 3-D), Compare
(a short fixed-vs-attention run) and Training replay (at two training steps); Beam search
(the tree at three steps, a forced pruned node, the width sweep). Needs `apt-get install
chromium` and `pip install playwright` (never `playwright install`: the system browser is
used).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import CHROMIUM, CHROMIUM_ARGS, settle, start_streamlit, stop  # noqa: E402

def _shot(page, path: Path) -> None:
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(900, int(height))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception on {path}"


def _slider_to(page, chart: int, fraction: float) -> None:
    """Click the plotly slider of the ``chart``-th plotly chart at ``fraction`` of its rail."""
    rail = page.locator('[data-testid="stPlotlyChart"]').nth(chart).locator(
        ".slider-rail-touch-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)
    page.wait_for_timeout(800)


def _nav(page, title: str) -> None:
    """Switch page in the sidebar (keeps the session, unlike a new URL)."""
    page.get_by_role("link", name=title, exact=True).click()
    settle(page)
    page.wait_for_timeout(1000)


def _inside_views(page, url: str, out: Path) -> None:
    page.goto(f"{url}/attention")
    settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    _shot(page, out / "attention.png")  # starts on the last step
    _st_slider(page, "Row", 3)  # the heatmap's player
    _slider_to(page, 1, 0.3)  # the alignment lines' own animation
    _shot(page, out / "attention_step3.png")
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="dates-fixed").click()
    settle(page)
    _shot(page, out / "attention_fixed.png")
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="dates-attention").click()
    settle(page)
    _nav(page, "Hidden states")
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    _shot(page, out / "hidden_states.png")
    page.get_by_text("3-D", exact=True).click()
    settle(page)
    _shot(page, out / "hidden_states_3d.png")
    _nav(page, "Compare")
    page.get_by_label("Steps (each)").fill("300")
    page.get_by_label("Evaluate every (steps)").fill("50")
    page.get_by_label("Held-out pairs per evaluation").fill("150")
    page.get_by_role("button", name="Train both").click()
    page.wait_for_timeout(45_000)
    _shot(page, out / "compare.png")
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop both").click()
    settle(page)
    _replay_views(page, url, out)


def _replay_views(page, url: str, out: Path) -> None:
    """Train an attention model on reverse 5-15 (600 steps, an evaluation every 50),
    then replay "attention" through its snapshots: the last, the first and the fourth."""
    page.goto(f"{url}/train")  # a fresh page: no stale form fields of the last view
    settle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Task").click()
    page.get_by_role("option", name="reverse").click()
    settle(page)
    page.get_by_label("Hidden size").fill("64")
    page.get_by_label("Learning rate").fill("0.0100")
    page.get_by_label("Steps", exact=True).fill("600")
    page.get_by_label("Evaluate every (steps)").fill("50")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text("Finished 600 steps.").wait_for(timeout=300_000)
    _nav(page, "Training replay")
    box = page.get_by_label("Probe input")
    box.fill("attention")
    box.press("Enter")
    settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    _shot(page, out / "replay.png")  # the newest snapshot
    _st_slider(page, "Snapshot", 0)
    _shot(page, out / "replay_first.png")
    _st_slider(page, "Snapshot", 3)  # evaluations every 50 steps: after 200
    _shot(page, out / "replay_step200.png")


def _st_slider(page, label: str, value: int) -> None:
    """Set a Streamlit slider with the keyboard (``fill`` moves its <input type=range>
    without telling Streamlit); each key press is one rerun."""
    thumb = page.get_by_label(label, exact=True).locator('input[type="range"]')
    thumb.focus()
    for _ in range(abs(value - int(float(thumb.input_value())))):
        thumb.press("ArrowRight" if value > int(float(thumb.input_value())) else "ArrowLeft")
        settle(page)


def _beam_view(page, url: str, out: Path) -> None:
    """Beam search: a long Spanish date at K=12, the tree at three steps, a forced pruned
    node, and the beam-width sweep over 50 held-out pairs."""
    page.goto(f"{url}/beam")
    settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    _beam_shots(page, out, "lunes, 12 de octubre de 1936", 12, "beam")


def _beam_shots(page, out: Path, source: str, width: int, name: str) -> None:
    """The open Beam search view for ``source`` at beam width ``width``: NAME.png (whole
    tree), NAME_step3/7.png, NAME_forced.png (a pruned node forced), NAME_sweep.png."""
    _st_slider(page, "Beam width K", width)
    box = page.get_by_label("Source text")
    box.fill(source)
    box.press("Enter")
    settle(page)
    _shot(page, out / f"{name}.png")
    for step in (3, 7):
        _st_slider(page, "Step", step)
        _shot(page, out / f"{name}_step{step}.png")
    page.get_by_label("Node to force (or click one in the tree)").click()
    page.keyboard.type("step 4 · pruned")  # filters the long list
    page.get_by_role("option", name="step 4 · pruned").first.click()
    settle(page)
    _shot(page, out / f"{name}_forced.png")
    page.get_by_label("Held-out pairs").fill("50")
    page.get_by_role("button", name="Run the sweep").click()
    page.get_by_text("Sweep done").wait_for(timeout=120_000)
    settle(page)
    _shot(page, out / f"{name}_sweep.png")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    server, base = start_streamlit()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{base}/")  # Decode is the default page
            settle(page)
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
            _shot(page, out / "decode.png")
            page.goto(f"{base}/train")
            settle(page)
            page.get_by_role("button", name="Start training").click()
            page.wait_for_timeout(12_000)
            _shot(page, out / "train.png")
            page.get_by_test_id("stMainBlockContainer").get_by_role(
                "button", name="Stop", exact=True).click()  # free the training slot
            settle(page)
            page.goto(f"{base}/about")
            settle(page)
            _shot(page, out / "about.png")
            _beam_view(page, base, out)
            _inside_views(page, base, out)
            browser.close()
    finally:
        stop(server, 10)
    shutil.copy(out / "decode.png", ROOT / "docs" / "screenshot.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "artifacts" / "screenshots")
