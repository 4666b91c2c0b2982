"""The inside views' animations in a real browser, each captured at two steps: the
attention heatmap filling in (its row slider and Play), and a live comparison followed
by its training replay."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from app_driver import (TIMEOUT, assert_no_exception, fill_number, nav, open_fresh, open_page,
                        same_view, screenshot, set_slider, settle, type_source)


def snapshot_to(page: Page, k: int) -> str:
    """Move the replay's snapshot slider to ``k``; the replay's title once it changed."""
    title = page.locator(".st-key-replay_chart text.gtitle").first
    before = title.text_content() or ""
    set_slider(page, "Snapshot", k)
    settle(page)
    page.wait_for_function("([sel, old]) => { const t = document.querySelector(sel);"
                           " return t && t.textContent !== old; }",
                           arg=[".st-key-replay_chart text.gtitle", before], timeout=TIMEOUT)
    return title.text_content() or ""


ROWS_DRAWN = """() => {
  const gd = document.querySelector('.st-key-attention_animation .js-plotly-plot');
  return gd && gd.data ? gd.data[0].z.filter(r => r.every(v => v !== null)).length : -1;
}"""


def row_to(page: Page, row: int) -> int:
    """Move the Attention view's row slider to ``row``; the heatmap rows then drawn."""
    set_slider(page, "Row", row)
    expect(page).to_have_url(re.compile(rf"[?&]step={row}(&|$)"), timeout=TIMEOUT)
    settle(page)
    page.wait_for_function(f"() => ({ROWS_DRAWN})() === {row + 1}", timeout=TIMEOUT)
    return page.evaluate(ROWS_DRAWN)


def test_the_attention_heatmap_at_its_first_and_last_row(page, app_url, shots):
    open_page(page, f"{app_url}/attention")
    type_source(page, "Source text", "March 3, 2021")
    expect(page.get_by_text("2021-03-03").first).to_be_visible(timeout=TIMEOUT)
    settle(page)
    assert page.evaluate(ROWS_DRAWN) == 11  # a new input: every row drawn
    assert row_to(page, 0) == 1  # row 0:2 alone, and ?step=0 in the URL
    screenshot(page, shots / "attention-step-1.png")
    assert row_to(page, 10) == 11  # the last row, 10:<eos>
    screenshot(page, shots / "attention-step-11.png")
    page.locator(".st-key-attention_play").get_by_role("button").click()  # Play from 0
    page.wait_for_function(f"() => ({ROWS_DRAWN})() === 3", timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]step=(2|3|4)(&|$)"), timeout=TIMEOUT)
    page.wait_for_function(f"() => ({ROWS_DRAWN})() === 11", timeout=TIMEOUT)  # then stops
    expect(page.locator(".st-key-attention_play").get_by_role("button")).to_have_text(
        "Play", timeout=TIMEOUT)
    assert_no_exception(page)


def test_compare_trains_both_then_the_replay_steps_through_snapshots(
        page, app_url, shots, browser, browser_context_args):
    open_page(page, f"{app_url}/compare")
    page.get_by_text("Train both, live", exact=True).click()
    expect(page.get_by_role("button", name="Train both")).to_be_visible(timeout=TIMEOUT)
    fill_number(page, "Hidden size", 32)
    fill_number(page, "Steps (each)", 120)
    fill_number(page, "Evaluate every (steps)", 30)
    fill_number(page, "Held-out pairs per evaluation", 60)
    page.get_by_role("button", name="Train both").click()
    progress = page.locator('[data-testid="stProgress"]').first
    expect(progress).to_contain_text(re.compile(r"A \w+ \d+/120"), timeout=TIMEOUT)
    expect(progress).to_contain_text(re.compile(r"A done 120/120 · B done 120/120"),
                                     timeout=180_000)
    greedy_beam = page.get_by_text("Greedy vs beam (K=5) on the same held-out inputs")
    expect(greedy_beam.first).to_be_visible(timeout=TIMEOUT)
    settle(page)  # the run that ends the polling redraws the page once more
    expect(greedy_beam).to_have_count(1, timeout=TIMEOUT)
    screenshot(page, shots / "compare-trained.png")

    nav(page, "Training replay")
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=TIMEOUT)
    settle(page)
    slider = page.locator('input[type="range"][aria-label="Snapshot"]')
    newest = int(float(slider.input_value()))
    assert newest >= 2  # evaluations at 30, 60, 90 and 120 steps
    first = snapshot_to(page, 0)
    screenshot(page, shots / "replay-first.png")
    after = re.search(r"after (\d+) steps", first)
    assert after, first  # the link names the snapshot by its training step
    expect(page).to_have_url(re.compile(rf"[?&]snapshot={after.group(1)}(&|$)"),
                             timeout=TIMEOUT)
    # the link, opened in a fresh browser (a colleague's laptop), shows the same snapshot
    other = open_fresh(browser, browser_context_args, page.url)
    try:
        seen = same_view(page, other, shots, "replay")
        assert f"after {after.group(1)} steps" in seen["text"]
    finally:
        other.context.close()
    last = snapshot_to(page, newest)
    screenshot(page, shots / "replay-last.png")
    steps = [int(m.group(1)) for m in (re.search(r"after (\d+) steps", t) for t in (first, last))
             if m]
    assert len(steps) == 2 and steps[0] < steps[1], (first, last)
    with page.expect_download(timeout=TIMEOUT) as info:  # the export plays with no server
        page.get_by_role("button", name="Export replay (HTML)").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Plotly.addFrames" in html and len(html) > 1_000_000

    nav(page, "Compare")  # presenter mode: one part of the live comparison at a time
    expect(greedy_beam).to_have_count(1, timeout=TIMEOUT)
    page.locator(".st-key-present_mode").get_by_text("Presenter mode").click()
    charts = page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]')
    expect(charts).to_have_count(1, timeout=TIMEOUT)  # by length, alone
    expect(greedy_beam).to_have_count(0)
    expect(charts.first).to_contain_text("by source length", timeout=TIMEOUT)
    page.locator(".st-key-compare_picture").get_by_text("Curves", exact=True).click()
    expect(charts.first).to_contain_text("step", timeout=TIMEOUT)
    expect(charts.first).not_to_contain_text("by source length", timeout=TIMEOUT)
    expect(charts).to_have_count(1)
    screenshot(page, shots / "compare-trained-presenter-curves.png")
    page.locator(".st-key-compare_picture").get_by_text("Tables", exact=True).click()
    expect(greedy_beam).to_have_count(1, timeout=TIMEOUT)
    expect(charts).to_have_count(0)
    assert_no_exception(page)
