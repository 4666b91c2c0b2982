"""Hostile input in a real browser: payloads as source text, as an uploaded model's
tokens, task, name and metadata are shown as text on every view; broken uploads are
refused in the sidebar and the current model stays."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app_driver import (OUTPUTS, TIMEOUT, VIEWS, assert_no_exception, assert_nothing_injected,
                        nav, open_page, screenshot, upload_checkpoint)
from tests.hostile_files import PAYLOADS, evil_torch_file, hostile_zip


def test_the_injection_check_sees_an_injected_element(page, app_url):
    open_page(page, app_url)
    assert_nothing_injected(page)  # a clean page passes
    for html in ("<style>p{}</style>", "<img src=x onerror='1'>", "<meta name=x>"):
        page.evaluate("html => document.querySelector('[data-testid=\"stMain\"]')"
                      ".insertAdjacentHTML('beforeend', `<div id=probe>${html}</div>`)", html)
        with pytest.raises(AssertionError):
            assert_nothing_injected(page)
        page.evaluate("() => document.getElementById('probe').remove()")
    assert_no_exception(page)


def test_a_long_paste_names_the_token_limit_on_decode_and_beam_search(page, app_url):
    """Regression: Decode's box had max_chars, so the browser dropped a 5,000-character
    paste and the page said "The input is empty"."""
    open_page(page, app_url)
    for view in ("Decode", "Beam search"):
        nav(page, view)
        source = page.get_by_label("Source text", exact=True)
        source.fill("24 décembre 1998, " * 300)  # 5,400 characters, 5,399 once stripped
        source.press("Enter")
        expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text(
            "The input has 5399 tokens; this model reads at most 200", timeout=TIMEOUT)
    assert_no_exception(page)


def test_payloads_as_source_text_are_shown_as_text(page, app_url, shots):
    open_page(page, app_url)
    source = page.get_by_label("Source text", exact=True)
    for payload in PAYLOADS:
        source.fill(payload)
        source.press("Enter")
        expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text(
            "never seen", timeout=TIMEOUT)
        assert_nothing_injected(page)
    screenshot(page, shots / "hostile-source-text.png")


def test_a_hostile_checkpoint_renders_as_text_on_every_view(page, app_url, shots, tmp_path):
    open_page(page, app_url)
    upload_checkpoint(page, "hostile.zip", hostile_zip())
    picker = page.get_by_label("Model", exact=True)
    expect(picker).to_have_value("uploaded 1: img-src-x-onerror-window.__pwned-1",
                                 timeout=TIMEOUT)
    source = page.get_by_label("Source text", exact=True)
    source.fill(PAYLOADS[1])
    source.press("Enter")
    expect(page.get_by_text(f"task {PAYLOADS[0]}", exact=False)).to_be_visible(
        timeout=TIMEOUT)  # the task shown literally
    expect(page.locator(OUTPUTS).first).to_be_visible(timeout=TIMEOUT)
    assert_nothing_injected(page)
    screenshot(page, shots / "hostile-decode.png")
    for view in VIEWS[1:]:
        nav(page, view)
        page.wait_for_timeout(1500)
        assert_nothing_injected(page)
        assert_no_exception(page)
    nav(page, "Beam search")
    screenshot(page, shots / "hostile-beam.png")


def test_broken_uploads_are_refused_and_the_current_model_stays(page, app_url, shots,
                                                                tmp_path):
    open_page(page, app_url)
    picker = page.get_by_label("Model", exact=True)
    expect(picker).to_have_value("dates-attention", timeout=TIMEOUT)  # a busy server
    marker = tmp_path / "ran"
    for name, data, message in [("noise.zip", bytes(range(256)) * 8, "not a .zip archive"),
                                ("model.zip", evil_torch_file(marker), "Unexpected file")]:
        upload_checkpoint(page, name, data)
        error = page.locator('[data-testid="stSidebar"] [data-testid="stAlertContentError"]')
        expect(error).to_contain_text(message, timeout=TIMEOUT)
        expect(error).to_contain_text(f"{name} was not loaded", timeout=TIMEOUT)
        expect(picker).to_have_value("dates-attention", timeout=TIMEOUT)
        assert_nothing_injected(page)
    assert not marker.exists()
    expect(page.locator(OUTPUTS).first).to_contain_text("2021-03-03", timeout=TIMEOUT)
    screenshot(page, shots / "upload-refused.png")
    assert_no_exception(page)
