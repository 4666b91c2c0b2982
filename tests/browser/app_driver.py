"""Playwright helpers for driving the Streamlit app like a user.

Streamlit renders over a websocket after ``goto``: wait for content, not for ``load``.
Selectors use what a user sees (labels, button names) plus Streamlit's ``data-testid``s.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from ui import presenter, tables

from bench.common import settle

EXCEPTION = '[data-testid="stException"]'
MAIN = '[data-testid="stMain"]'
# Decode's greedy and beam outputs: code spans in containers keyed output_greedy, output_beam
OUTPUTS = '[data-testid="stMain"] [class*="st-key-output_"] code'
TIMEOUT = 60_000  # ms: the server shares 2 cores with the browser and a training thread
SCREEN_HEIGHT = 720  # px: the room's screen, 1280x720
SHOWN_PX = 200  # a picture allowed to run past the bottom shows at least this much
VIEWS = ("Decode", "Beam search", "Attention", "Hidden states", "Train", "Training replay",
         "Compare", "About")  # the sidebar navigation, in order


def open_page(page: Page, url: str) -> Page:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    expect(page.locator('[data-testid="stHeading"]').first).to_be_visible(timeout=TIMEOUT)
    return page


def assert_no_exception(page: Page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def nav(page: Page, title: str) -> None:
    """Switch views through the sidebar navigation, as a user does."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title,
                                                            exact=True).click()
    expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=TIMEOUT)


def choose(page: Page, label: str, option: str | re.Pattern) -> None:
    """Pick ``option`` (its exact text, or a pattern) in the select box ``label``."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=isinstance(option, str)).click()


def type_source(page: Page, label: str, text: str) -> None:
    """Type ``text`` into the text box ``label`` and press Enter, as a user does."""
    settle(page)  # a page still rerunning shows its inputs inert
    source = page.get_by_label(label, exact=True)
    source.fill(text)
    source.press("Enter")
    settle(page)


def fill_number(page: Page, label: str, value: int | float) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")  # commit without Enter (Enter would submit a form)
    expect(box).to_have_value(str(value))


def set_slider(page: Page, label: str, value: int) -> None:
    """Move a single-thumb slider with the keyboard until it shows ``value``."""
    slider = page.locator(f'input[type="range"][aria-label="{label}"]')
    for _ in range(64):
        current = int(float(slider.input_value()))
        if current == value:
            return
        slider.press("ArrowRight" if current < value else "ArrowLeft")
    raise AssertionError(f"slider {label!r} did not reach {value}")


def stop_button(page: Page):
    """The Train view's Stop button (the header's "Stop" belongs to Streamlit's status)."""
    return page.locator('[data-testid="stMain"]').get_by_role("button", name="Stop",
                                                              exact=True)


def train_tiny(page: Page, steps: int = 100_000) -> None:
    """Fill the Train form with a tiny reverse model and press Start training."""
    choose(page, "Task", re.compile(r"^reverse\b"))  # "reverse: <its description>"
    expect(page.get_by_text("String lengths")).to_be_visible(timeout=TIMEOUT)
    settle(page)  # the form redraws for the task: fill it afterwards
    fill_number(page, "Embedding size", 8)
    fill_number(page, "Hidden size", 16)
    fill_number(page, "Batch size", 16)
    fill_number(page, "Steps", steps)
    fill_number(page, "Evaluate every (steps)", 10)
    page.get_by_text("More", exact=True).click()
    fill_number(page, "Held-out pairs per evaluation", 20)
    fill_number(page, "Time limit (minutes, 0 = none)", 2)
    page.get_by_role("button", name="Start training").click()
    expect(stop_button(page)).to_be_visible(timeout=TIMEOUT)


def training_step(page: Page) -> int:
    """The step shown by the Train view's progress bar ("running · step 12/100000 · ...")."""
    text = page.locator('[data-testid="stProgress"]').first.inner_text(timeout=TIMEOUT)
    match = re.search(r"step (\d+)/", text)
    assert match, text
    return int(match.group(1))


def wait_for_step(page: Page, above: int, timeout_s: float = 60) -> int:
    for _ in range(int(timeout_s * 2)):
        step = training_step(page)
        if step > above:
            return step
        page.wait_for_timeout(500)
    raise AssertionError(f"training stayed at step {above} for {timeout_s} s")


CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .every(chart => chart.querySelector('.main-svg'))"""


def screenshot(page: Page, path: Path) -> None:
    """The whole main column (Streamlit scrolls inside stMain, so grow the viewport)."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    size = page.viewport_size or {"width": 1400, "height": 900}
    page.set_viewport_size({"width": size["width"], "height": max(900, min(int(height), 6000))})
    page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT)  # plotly draws after the page
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    assert_no_exception(page)


INJECTION_CHECK = r"""(ownCss) => {
  const app = document.querySelector('[data-testid="stApp"]');
  // The app's own stylesheets (presenter mode, wrapped tables) are allowed, character
  // for character; any other style element came from somewhere else.
  const foreign = e => e.tagName !== 'STYLE' || !ownCss.includes(e.textContent.trim());
  const tags = ['style', 'script', 'iframe', 'form', 'meta']
    .filter(t => [...app.querySelectorAll(t)].some(foreign));
  const live = a => a.name.startsWith('on') || (['src', 'href', 'action', 'http-equiv']
    .includes(a.name) && /__pwned|javascript:|about:blank|127\.0\.0\.1:9/.test(a.value));
  const attrs = [...document.querySelectorAll('*')]
    .filter(e => [...e.attributes].some(live)).length;
  return {tags, attrs, pwned: window.__pwned === 1};
}"""


def _stylesheet_bodies(*blocks: str) -> list[str]:
    return [re.sub(r"</?style>", "", block).strip() for block in blocks]


OWN_CSS = _stylesheet_bodies(presenter.PAGE_CSS, presenter.CSS, tables.WRAP_CSS)


def assert_nothing_injected(page: Page) -> None:
    """No style/script/iframe/form/meta element in the app, no event-handler attribute and
    no link or source taken from a payload anywhere, and no payload ran. (Payload text in
    an input's value or a label is text, as it should be.)"""
    found = page.evaluate(INJECTION_CHECK, OWN_CSS)
    assert found == {"tags": [], "attrs": 0, "pwned": False}, found


def upload_checkpoint(page: Page, name: str, data: bytes) -> None:
    """Upload ``data`` as ``name`` through the sidebar's checkpoint uploader (a refused
    file clears the uploader by drawing a new one: wait until the old one has gone)."""
    box = page.locator('[data-testid="stSidebar"] input[type="file"]')
    expect(box).to_have_count(1, timeout=TIMEOUT)
    box.set_input_files(files=[{"name": name, "mimeType": "application/zip", "buffer": data}])


def box_of(found) -> dict | None:
    """The element's (a locator's) top and bottom in px; a live chart is redrawn every
    second, so a detached element is looked up again (up to 10 times)."""
    for _ in range(10):
        if found.count():
            b = found.bounding_box()
            if b is not None:
                return {"top": round(b["y"]), "bottom": round(b["y"] + b["height"])}
        found.page.wait_for_timeout(200)
    return None


def in_view(b: dict | None, whole: bool, shown_px: int = SHOWN_PX) -> bool:
    """The box ``b`` (``box_of``) shows without scrolling on a ``SCREEN_HEIGHT`` screen:
    whole, or (``whole`` False) its top ``shown_px`` px."""
    if b is None or b["top"] < 0:
        return False
    return b["bottom"] <= SCREEN_HEIGHT if whole else b["top"] + shown_px <= SCREEN_HEIGHT


# -- a link opened in a fresh browser context shows the same view --

def shown(page: Page) -> dict:
    """What a view shows: the main column's text (charts' text included) and the values
    of its text boxes and sliders."""
    settle(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT)
    page.wait_for_timeout(500)
    main = page.locator(MAIN)
    return {"text": main.inner_text(),
            "inputs": [i.input_value() for i in main.locator('input[type="text"]').all()],
            "sliders": [s.input_value() for s in main.locator('input[type="range"]').all()]}


def open_fresh(browser: Browser, args: dict, url: str) -> Page:
    """``url`` in a new browser context: no cookies, no session, nothing shared."""
    other = browser.new_context(**args).new_page()
    other.goto(url)
    expect(other.locator('[data-testid="stHeading"]').first).to_be_visible(timeout=TIMEOUT)
    return other


def main_pixels(page: Page, path: Path) -> np.ndarray:
    """A screenshot of the main column (the mouse moved off every tooltip)."""
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.locator(MAIN).screenshot(path=str(path))
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def same_view(first: Page, second: Page, shots: Path, name: str) -> dict:
    """Both pages show the same (the new one may still be drawing: asked again for up
    to 30 s): the same text and widget values, and main columns whose screenshots
    differ in under 1% of their pixels; then a full screenshot of each."""
    a = shown(first)
    for _ in range(30):
        b = shown(second)
        if b == a:
            break
        second.wait_for_timeout(1000)
    pixels = [main_pixels(p, shots / f"link-{name}-{which}-main.png")
              for p, which in ((first, "set"), (second, "opened"))]
    assert pixels[0].shape == pixels[1].shape
    changed = (np.abs(pixels[0] - pixels[1]).max(axis=2) > 16).mean()
    assert changed < 0.01, f"{changed:.2%} of the main column's pixels differ"
    screenshot(first, shots / f"link-{name}-set.png")
    screenshot(second, shots / f"link-{name}-opened.png")
    diff = "\n".join(difflib.unified_diff(a["text"].splitlines(), b["text"].splitlines(),
                                           lineterm="", n=1))
    assert a["text"] == b["text"], diff
    assert a == b
    assert_no_exception(second)
    return a
