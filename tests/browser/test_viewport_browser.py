"""Ready for the room, in Chromium at 1280x720: after each view's main action the picture
the view exists for is on screen without scrolling; in presenter mode every text plotly
draws is at least 16 px; the camera button exports an SVG named after the view, model and
input.

Each picture's box (its top, bottom) is written to
``artifacts/browser/viewport-<mode>.json`` and each first screen saved as
``artifacts/browser/viewport-<mode>-<view>.png`` (the viewport only: what a room sees).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from app_driver import (SCREEN_HEIGHT, TIMEOUT, assert_no_exception, box_of, in_view, nav,
                        open_page, train_tiny, type_source, wait_for_step)
from playwright.sync_api import Page, expect

from bench.common import settle

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
WIDTH, HEIGHT = 1280, SCREEN_HEIGHT
MIN_PX = 16  # presenter mode: the smallest chart text a room can read
MAIN = '[data-testid="stMain"]'

# Every text plotly drew, with its computed size, and each chart's hover label size.
FONT_SIZES = """() => {
  const texts = [...document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')]
    .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none'
                 && getComputedStyle(t).visibility !== 'hidden')
    .map(t => ({text: t.textContent.slice(0, 30), px: parseFloat(getComputedStyle(t).fontSize),
                cls: (t.getAttribute('class') || t.parentNode.getAttribute('class') || '')}));
  const hover = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
    .map(gd => gd._fullLayout && gd._fullLayout.hoverlabel.font.size);
  return {texts, hover};
}"""

# Each animation's current-value label and its Play/Pause buttons: boxes that intersect.
CONTROLS_OVERLAP = """() => {
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
                        && b.top < a.bottom;
  const out = [];
  for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    const box = e => e.getBoundingClientRect();
    const labels = [...gd.querySelectorAll('text.slider-label')].map(box);
    const buttons = [...gd.querySelectorAll('g.updatemenu-button')].map(box);
    for (const l of labels) for (const b of buttons) if (hit(l, b)) out.push([l.left, b.right]);
  }
  return out;
}"""


def to_top(page: Page) -> None:
    """Back to the top of the page (Playwright scrolled to whatever it clicked)."""
    page.evaluate(f"document.querySelector('{MAIN}').scrollTo(0, 0)")
    page.wait_for_timeout(300)


OUTPUTS = "outputs"  # Decode: from the "Greedy" heading to the beam output's scores


def box(page: Page, selector: str, nth: int = 0) -> dict | None:
    if selector == OUTPUTS:
        top = box_of(page.get_by_role("heading", name="Greedy", exact=True))
        bottom = box_of(page.get_by_text(re.compile(r"^log-prob .* tokens")).nth(1))
        return top and bottom and {"top": top["top"], "bottom": bottom["bottom"]}
    return box_of(page.locator(selector).nth(nth))


def chart(key: str) -> str:
    return f'.st-key-{key} [data-testid="stPlotlyChart"]'


def charts_drawn(page: Page) -> None:
    """Every chart on the page drawn, and its text: a live panel's rerun can remount a
    chart, whose svg appears a moment before plotly writes its text into it."""
    page.wait_for_function("""() => {
      const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
      return charts.every(c => c.querySelector('.main-svg')) && charts.some(
        c => [...c.querySelectorAll('svg text')].some(t => t.textContent.trim()));
    }""", timeout=TIMEOUT)
    page.wait_for_timeout(500)


# view -> what must show: (name, selector, nth, whole)
PICTURES = {
    "decode": [("greedy and beam outputs", OUTPUTS, 0, True),
               ("attention heatmap (top)", chart("attention_heatmap"), 0, False)],
    "beam": [("Play", ".st-key-beam_play", 0, True),
             ("step slider", ".st-key-beam_step", 0, True),
             ("tree", chart("beam_tree_chart"), 0, True)],
    "attention": [("Play", ".st-key-attention_play", 0, True),
                  ("row slider", ".st-key-attention_step", 0, True),
                  ("heatmap", chart("attention_animation"), 0, True)],
    "hidden-states": [("trajectories", chart("trajectories"), 0, True)],
    "compare": [("accuracy by length", chart("compare_by_length_stored"), 0, True)],
    "train": [("loss and accuracy", chart("train_curves"), 0, True),
              ("sample predictions", ".st-key-train_samples", 0, False)],
    "replay": [("Play", ".st-key-replay_play", 0, True),
               ("snapshot slider", ".st-key-replay_step", 0, True),
               ("replay figure", chart("replay_chart"), 0, True)],
}


def main_actions(page: Page, url: str, view: str) -> None:
    """Open ``view`` and do what a user comes to it for."""
    if view == "decode":
        open_page(page, url)  # Decode is the default page: "/"
        type_source(page, "Source text", "March 3, 2021")
        expect(page.get_by_role("heading", name="Greedy", exact=True)).to_be_visible(
            timeout=TIMEOUT)
    elif view == "beam":
        nav(page, "Beam search")
        type_source(page, "Source text", "March 3, 2021")
        page.locator(".st-key-beam_play").get_by_role("button").click()  # Play
        settle(page)
    elif view == "attention":
        nav(page, "Attention")
        type_source(page, "Source text", "March 3, 2021")
    elif view == "hidden-states":
        nav(page, "Hidden states")
        type_source(page, "Input A", "March 3, 2021")
    elif view == "compare":
        nav(page, "Compare")
        expect(page.locator(chart("compare_by_length_stored"))).to_be_visible(timeout=TIMEOUT)
    elif view == "train":
        nav(page, "Train")
        settings = page.locator(".st-key-train_settings")
        settle(page)
        if not settings.get_by_label("Task", exact=True).is_visible():  # presenter mode
            settings.locator("summary").first.click()  # collapses the settings: open them
        train_tiny(page)
        wait_for_step(page, 30)
        # presenter mode shows one picture at a time, the curves first; the held-out curve
        # (drawn beside them otherwise) once an evaluation has run
        # (.first: while the live panel's fragment redraws, its old chart can linger)
        expect(page.locator(chart("train_curves")).first).to_be_visible(timeout=TIMEOUT)
        if not page.locator(".st-key-train_picture").count():
            expect(page.locator(chart("heldout_curve"))).to_be_visible(timeout=TIMEOUT)
    elif view == "replay":
        nav(page, "Training replay")
        expect(page.locator(chart("replay_chart"))).to_be_visible(timeout=TIMEOUT)


def measure(page: Page, view: str, mode: str, shots: Path) -> dict:
    to_top(page)
    charts_drawn(page)
    page.screenshot(path=str(shots / f"viewport-{mode}-{view}.png"))
    assert_no_exception(page)
    return {name: box(page, sel, nth) for name, sel, nth, _ in PICTURES[view]}


def test_every_views_picture_is_in_a_1280x720_viewport(page, app_url, shots):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    found, missing, small = {}, [], {}
    for view in PICTURES:
        main_actions(page, app_url, view)
        found[view] = measure(page, view, "normal", shots)
        missing += [f"{view}: {name} {found[view][name]}" for name, _, _, whole in
                    PICTURES[view] if not in_view(found[view][name], whole)]
        small[view] = len(small_texts(page)[0])
    (ARTIFACTS / "viewport-normal.json").write_text(json.dumps(
        {"pictures": found, "chart texts under 16 px": small}, indent=1))
    assert not missing, missing
    assert sum(small.values()) > 0  # the presenter test's check sees small text here

    # The Train form collapsed once the run started, and it reopens.
    nav(page, "Train")
    form = page.locator(".st-key-train_settings")
    expect(form.get_by_role("button", name="Start training")).not_to_be_visible()
    form.get_by_text("Settings", exact=False).first.click()
    expect(form.get_by_role("button", name="Start training")).to_be_visible(timeout=TIMEOUT)


def small_texts(page: Page) -> tuple[list[dict], list]:
    sizes = page.evaluate(FONT_SIZES)
    return [t for t in sizes["texts"] if t["px"] < MIN_PX], sizes["hover"]


def test_presenter_mode_draws_every_chart_text_at_16_px_or_more(page, app_url, shots):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    small, counts = {}, {}
    open_page(page, f"{app_url}/?present=1")
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    expect(expand).to_be_visible(timeout=TIMEOUT)  # the sidebar starts collapsed
    page.screenshot(path=str(shots / "viewport-present-first-screen.png"))
    expand.click()  # to navigate, as a user would
    expect(page.locator(".st-key-present_mode input")).to_be_checked(timeout=TIMEOUT)
    def measure(name: str) -> None:
        to_top(page)
        charts_drawn(page)
        page.screenshot(path=str(shots / f"viewport-present-{name}.png"))
        assert_no_exception(page)
        texts, hover = small_texts(page)
        assert not page.evaluate(CONTROLS_OVERLAP), name
        sizes = page.evaluate(FONT_SIZES)
        counts[name] = len(sizes["texts"])
        small[name] = texts + [f"hover {h}" for h in hover if h is None or h < MIN_PX]

    for view in PICTURES:
        main_actions(page, app_url, view) if view != "decode" else type_source(
            page, "Source text", "March 3, 2021")
        measure(view)
        if view == "train":  # its other chart, one picture at a time in presenter mode
            page.locator(".st-key-train_picture").get_by_text("Held-out", exact=True).click()
            expect(page.locator(chart("heldout_curve")).first).to_be_visible(timeout=TIMEOUT)
            measure("train-heldout")
    (ARTIFACTS / "viewport-present.json").write_text(json.dumps(
        {"texts measured": counts, "under 16 px": small}, indent=1))
    assert all(counts.values()), counts  # every view drew chart text
    assert not any(small.values()), small


def test_the_camera_exports_an_svg_named_after_view_model_and_input(page, app_url, tmp_path):
    open_page(page, app_url)
    type_source(page, "Source text", "March 3, 2021")
    heatmap = page.locator(chart("attention_heatmap"))
    heatmap.hover()
    with page.expect_download(timeout=TIMEOUT) as info:
        heatmap.locator('.modebar-btn[data-title^="Download"]').click()
    assert info.value.suggested_filename == "decode-dates-attention-March_3_2021.svg"
    path = Path(info.value.path())
    assert path.read_bytes().lstrip().startswith(b"<svg")

    # The beam tree and the attention animation download as self-contained HTML.
    for view, button, name in (
            ("Beam search", "Export the tree (HTML)",
             "beam-step11-dates-attention-March_3_2021.html"),
            ("Attention", "Export the animation (HTML)",
             "attention-dates-attention-March_3_2021.html")):
        nav(page, view)
        settle(page)
        with page.expect_download(timeout=TIMEOUT) as info:
            page.get_by_role("button", name=button).click()
        assert info.value.suggested_filename == name
        html = Path(info.value.path()).read_text(encoding="utf-8")
        assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js is inside
        if view == "Attention":  # it plays with no server: plotly frames, one per row
            assert "Plotly.addFrames" in html


def test_switching_presenter_mode_on_collapses_the_sidebar(page, app_url, shots):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    open_page(page, app_url)
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    expect(expand).not_to_be_visible()
    page.locator(".st-key-present_mode").get_by_text("Presenter mode").click()
    expect(expand).to_be_visible(timeout=TIMEOUT)  # collapsed: the room sees the view
    page.screenshot(path=str(shots / "viewport-present-switched-on.png"))
    expand.click()  # reopened by hand, it stays open while the presenter navigates
    nav(page, "Beam search")
    settle(page)
    expect(page.locator(".st-key-present_mode input")).to_be_checked()
    expect(expand).not_to_be_visible()
