"""Training in a real browser: it survives clicks and view switches, stops, downloads,
loads back; two users are isolated; a reload finds the run again."""

from __future__ import annotations

import io
import re
import urllib.parse
import zipfile

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from app_driver import (OUTPUTS, TIMEOUT, assert_no_exception, nav, open_page, screenshot,
                        set_slider, stop_button, train_tiny, training_step,
                        upload_checkpoint, wait_for_step)

FILES = {"model.safetensors", "config.json", "src_vocab.json", "tgt_vocab.json"}


def test_training_survives_clicks_then_stops_downloads_and_loads_back(page, app_url, shots,
                                                                     tmp_path):
    open_page(page, f"{app_url}/train")
    train_tiny(page)
    step = wait_for_step(page, 0)
    screenshot(page, shots / "train-running.png")
    nav(page, "Decode")  # click around while the worker trains
    set_slider(page, "Beam width K", 3)
    expect(page.get_by_text("Beam search (K=3, α=0)")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Sunday, 20 July 1969").click()
    expect(page.get_by_label("Source text", exact=True)).to_have_value("Sunday, 20 July 1969")
    nav(page, "About")
    nav(page, "Train")
    step = wait_for_step(page, step)  # still training after all that
    stop_button(page).click()
    expect(stop_button(page)).to_have_count(0, timeout=TIMEOUT)
    expect(page.get_by_text("Stopped at step")).to_have_count(1, timeout=TIMEOUT)
    stopped_at = training_step(page)
    assert stopped_at >= step
    screenshot(page, shots / "train-stopped.png")

    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="Download checkpoint (.zip)").click()
    download = tmp_path / info.value.suggested_filename
    info.value.save_as(download)
    with zipfile.ZipFile(io.BytesIO(download.read_bytes())) as archive:
        folder, = {name.split("/")[0] for name in archive.namelist()}
        assert {name.split("/")[1] for name in archive.namelist()} == FILES
    assert folder == download.stem and folder.startswith("seq2seq-run1-reverse-step")

    upload_checkpoint(page, download.name, download.read_bytes())  # and load it back
    picker = page.get_by_label("Model", exact=True)
    expect(picker).to_have_value(f"uploaded 1: {folder}", timeout=TIMEOUT)
    nav(page, "Decode")
    expect(page.get_by_text(f"uploaded 1: {folder}").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_label("Source text", exact=True)).to_have_value("hello")  # reverse
    expect(page.locator(OUTPUTS)).to_have_count(2, timeout=TIMEOUT)
    screenshot(page, shots / "decode-uploaded.png")
    assert_no_exception(page)


def run_ids(page) -> list[str]:
    """The run ids the app keeps in the page URL."""
    query = urllib.parse.urlparse(page.url).query
    return urllib.parse.parse_qs(query).get("run", [])


def run_options(page) -> list[str]:
    """The entries of the Train view's Run select box."""
    for _ in range(10):  # a full rerun (the run's first model) can close the list
        page.get_by_label("Run", exact=True).click()
        try:
            page.get_by_role("option").first.wait_for(timeout=5000)
        except PlaywrightTimeout:
            continue
        options = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        return options
    raise AssertionError("the Run select box did not open")


def test_two_users_training_at_once_see_only_their_own_runs(new_context, app_url, shots):
    pages = [open_page(new_context().new_page(), f"{app_url}/train") for _ in range(2)]
    for page in pages:
        train_tiny(page)
    steps = [wait_for_step(page, 0) for page in pages]
    ids = [run_ids(page) for page in pages]
    assert len(ids[0]) == len(ids[1]) == 1 and ids[0] != ids[1]
    for page in pages:
        assert run_options(page) == ["my run 1: GRU-16 attention (additive), reverse"]
    screenshot(pages[1], shots / "train-second-user.png")
    stop_button(pages[0]).click()
    expect(pages[0].get_by_text("Stopped at step")).to_have_count(1, timeout=TIMEOUT)
    wait_for_step(pages[1], steps[1])  # the other user's run goes on
    expect(stop_button(pages[1])).to_be_visible()
    stop_button(pages[1]).click()
    expect(pages[1].get_by_text("Stopped at step")).to_have_count(1, timeout=TIMEOUT)
    for page in pages:
        assert_no_exception(page)


def test_a_reload_during_training_finds_the_run_again(page, app_url, shots):
    open_page(page, f"{app_url}/train")
    train_tiny(page)
    step = wait_for_step(page, 0)
    [run_id] = run_ids(page)
    nav(page, "Decode")  # the id stays in the URL on every view
    expect(page).to_have_url(re.compile(f"run={run_id}"), timeout=TIMEOUT)
    nav(page, "Train")
    page.reload()
    open_page(page, page.url)
    expect(page.get_by_role("heading", name="Train").first).to_be_visible(timeout=TIMEOUT)
    assert run_ids(page) == [run_id]
    assert run_options(page) == ["my run 1: GRU-16 attention (additive), reverse"]
    assert wait_for_step(page, step) > step  # the same run, still training
    screenshot(page, shots / "train-after-reload.png")
    stop_button(page).click()
    expect(page.get_by_text("Stopped at step")).to_have_count(1, timeout=TIMEOUT)
    assert_no_exception(page)
