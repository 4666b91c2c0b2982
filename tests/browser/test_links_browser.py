"""Every view is a link, in Chromium: set a state on Decode, Beam search and Attention,
open the page's URL in a new browser context (a fresh session, as a colleague's laptop
would) and compare what both show; the Copy link button gives that URL; a bad link shows notes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app_driver import (MAIN, TIMEOUT, assert_no_exception, open_fresh, open_page, same_view,
                        screenshot, set_slider, type_source)
from bench.common import settle


def copied_link(page: Page) -> str:
    """Click Copy link, then the code box's copy button; the clipboard's text."""
    page.get_by_role("button", name="Copy link").click()
    body = page.locator('[data-testid="stPopoverBody"]')
    code = body.locator("code").first
    expect(code).to_be_visible(timeout=TIMEOUT)
    shown_link = code.inner_text().strip()
    code.hover()
    body.get_by_role("button", name="Copy to clipboard").click()
    try:  # the copy lands asynchronously: under load the old link can still be there
        page.wait_for_function("want => navigator.clipboard.readText()"
                               ".then(t => t.trim() === want)", arg=shown_link,
                               timeout=TIMEOUT)
    except PlaywrightTimeoutError:
        pass  # the assertion below says what the clipboard holds
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == shown_link
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")  # no focus tooltip on the button
    return copied.strip()


@pytest.fixture
def context_args(browser_context_args) -> dict:
    return {**browser_context_args, "permissions": ["clipboard-read", "clipboard-write"]}


def test_a_decode_link_opens_the_same_view(browser, context_args, app_url, shots):
    page = browser.new_context(**context_args).new_page()
    open_page(page, app_url)
    type_source(page, "Source text", "24 décembre 1998")
    set_slider(page, "Beam width K", 3)
    expect(page.get_by_text("Beam search (K=3, α=0)")).to_be_visible(timeout=TIMEOUT)
    settle(page)
    page.get_by_role("combobox", name="Hypothesis").click()
    page.get_by_role("option", name=re.compile(r"^beam 2: ")).click()
    expect(page).to_have_url(re.compile(r"[?&]hyp=beam\+2(&|$)"), timeout=TIMEOUT)
    settle(page)
    url = page.url
    assert re.search(r"[?&]k=3\b", url) and "src=24+d%C3%A9cembre+1998" in url, url
    assert copied_link(page) == url
    other = open_fresh(browser, context_args, url)
    seen = same_view(page, other, shots, "decode")
    assert "24 décembre 1998" in seen["inputs"] and "3" in seen["sliders"]
    assert "1998-12-24" in seen["text"]


def test_a_beam_link_opens_the_same_step(browser, context_args, app_url, shots):
    page = browser.new_context(**context_args).new_page()
    open_page(page, f"{app_url}/beam")
    type_source(page, "Source text", "Sunday, 20 July 1969")
    set_slider(page, "Beam width K", 4)
    expect(page).to_have_url(re.compile(r"[?&]k=4(&|$)"), timeout=TIMEOUT)  # URL follows
    settle(page)
    set_slider(page, "Step", 3)
    expect(page.get_by_text("Step 3:")).to_be_visible(timeout=TIMEOUT)
    settle(page)
    url = page.url
    assert "/beam?" in url and re.search(r"[?&]step=3\b", url), url
    assert copied_link(page) == url
    other = open_fresh(browser, context_args, url)
    expect(other.get_by_text("Step 3:")).to_be_visible(timeout=TIMEOUT)
    seen = same_view(page, other, shots, "beam")
    assert "Sunday, 20 July 1969" in seen["inputs"]
    assert {"4", "3"} <= set(seen["sliders"])


def test_an_attention_link_opens_the_same_row(browser, context_args, app_url, shots):
    page = browser.new_context(**context_args).new_page()
    open_page(page, f"{app_url}/attention")
    type_source(page, "Source text", "Sunday, 20 July 1969")
    expect(page.get_by_text("1969-07-20").first).to_be_visible(timeout=TIMEOUT)
    settle(page)
    set_slider(page, "Row", 4)  # the heatmap drawn up to row 4
    expect(page).to_have_url(re.compile(r"[?&]step=4(&|$)"), timeout=TIMEOUT)
    settle(page)
    url = page.url
    assert "/attention?" in url and "src=Sunday" in url, url
    assert copied_link(page) == url
    other = open_fresh(browser, context_args, url)
    seen = same_view(page, other, shots, "attention")
    assert "Sunday, 20 July 1969" in seen["inputs"] and "4" in seen["sliders"]


def test_a_bad_link_shows_notes_and_the_defaults(page, app_url, shots):
    open_page(page, f"{app_url}/beam?k=99&step=abc&model=nope&src=" + "1" * 400)
    notes = page.locator(MAIN).get_by_text("was not used")
    expect(notes).to_have_count(4, timeout=TIMEOUT)
    picker = page.get_by_role("combobox", name="Model", exact=True)
    expect(picker).to_have_value("dates-attention", timeout=TIMEOUT)  # the default
    settle(page)
    screenshot(page, shots / "link-bad-notes.png")
    assert_no_exception(page)
