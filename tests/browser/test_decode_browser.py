"""Decode in a real browser (the shipped dates-attention model, beam 5, the attention
heatmap), the beam tree, and every view rendering without an exception."""

from __future__ import annotations

from playwright.sync_api import expect

from app_driver import (OUTPUTS, TIMEOUT, VIEWS, assert_no_exception, choose, nav, open_page,
                        screenshot, set_slider, settle)


def test_decode_with_beam_5_shows_outputs_and_the_attention_heatmap(page, app_url, shots):
    open_page(page, app_url)
    expect(page.get_by_label("Model", exact=True)).to_have_value("dates-attention")
    source = page.get_by_label("Source text", exact=True)
    source.fill("March 3, 2021")
    source.press("Enter")
    set_slider(page, "Beam width K", 3)
    expect(page.get_by_text("Beam search (K=3, α=0)")).to_be_visible(timeout=TIMEOUT)
    set_slider(page, "Beam width K", 5)
    expect(page.get_by_text("Beam search (K=5, α=0)")).to_be_visible(timeout=TIMEOUT)
    codes = page.locator(OUTPUTS)
    expect(codes).to_have_count(2, timeout=TIMEOUT)
    expect(codes.nth(0)).to_contain_text("2021-03-03")  # greedy
    expect(codes.nth(1)).to_contain_text("2021-03-03")  # beam, K=5
    heatmap = page.locator('[data-testid="stPlotlyChart"] .main-svg').first
    expect(heatmap).to_be_visible(timeout=TIMEOUT)
    ticks = page.locator('[data-testid="stPlotlyChart"] .xtick text')
    expect(ticks.first).to_have_text("0:M", timeout=TIMEOUT)
    screenshot(page, shots / "decode.png")
    nav(page, "About")
    screenshot(page, shots / "about.png")
    assert_no_exception(page)


def test_the_beam_search_view_draws_the_tree_for_beam_5(page, app_url, shots):
    open_page(page, f"{app_url}/beam")
    source = page.get_by_label("Source text", exact=True)
    source.fill("March 3, 2021")
    source.press("Enter")
    set_slider(page, "Beam width K", 5)
    expect(page.locator(".st-key-beam_play").get_by_role("button")).to_be_visible(
        timeout=TIMEOUT)
    tree = page.locator('[data-testid="stPlotlyChart"] .main-svg').first
    expect(tree).to_be_visible(timeout=TIMEOUT)
    best = page.locator('[role="gridcell"]', has_text="2021-03-03").first  # n-best table
    expect(best).to_be_attached(timeout=TIMEOUT)
    screenshot(page, shots / "beam.png")
    for step in (2, 6):  # the tree as it stood after `step` decoder steps
        set_slider(page, "Step", step)
        expect(page.get_by_text(f"Step {step}:")).to_be_visible(timeout=TIMEOUT)
        settle(page)
        screenshot(page, shots / f"beam-step-{step}.png")
    assert_no_exception(page)


def test_another_shipped_model_decodes_with_beam_5(page, app_url, shots):
    open_page(page, app_url)
    choose(page, "Model", "reverse-attention")
    source = page.get_by_label("Source text", exact=True)
    source.fill("sequence")
    source.press("Enter")
    set_slider(page, "Beam width K", 5)
    expect(page.get_by_text("Beam search (K=5, α=0)")).to_be_visible(timeout=TIMEOUT)
    codes = page.locator(OUTPUTS)
    expect(codes.nth(1)).to_contain_text("ecneuqes", timeout=TIMEOUT)  # the card's example
    screenshot(page, shots / "decode-reverse-attention.png")


def test_every_view_renders_in_the_browser(page, app_url, shots):
    open_page(page, app_url)
    for view in VIEWS:
        nav(page, view)
        settle(page)
        name = view.lower().replace(" ", "-")
        screenshot(page, shots / f"view-{name}.png")  # asserts no stException too
