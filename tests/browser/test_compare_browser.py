"""Compare with nothing to train, and the paused Train view, in a real browser at
1280x720: the time from opening Compare to a drawn comparison for every shipped pair
(written to artifacts/browser/compare-times.json), and screenshots to look at."""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import expect

from app_driver import (TIMEOUT, assert_no_exception, choose, nav, open_page, screenshot,
                        stop_button, train_tiny, training_step)
from bench.common import settle

SIZE = {"width": 1280, "height": 720}
PAIRS = {"reverse": "reverse", "dates": "dates", "g2p": "g2p",
         "translation": "translation-en-fr"}  # reverse first: Compare opens on it
DRAWN = """names => names.every(name => [...document.querySelectorAll(
  '[data-testid="stPlotlyChart"] .main-svg')].some(svg => svg.textContent.includes(name)))"""


def drawn(page, prefix: str) -> None:
    """Wait until a drawn plotly chart names both models of the pair."""
    page.wait_for_function(DRAWN, arg=[f"A: {prefix}-fixed", f"B: {prefix}-attention"],
                           timeout=TIMEOUT)


def first_screen(page, path) -> None:
    """What a user sees at 1280x720 without scrolling (charts drawn, no exception)."""
    page.set_viewport_size(SIZE)
    page.mouse.move(1270, 710)  # no tooltip over the picture
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    assert_no_exception(page)


def test_compare_draws_every_shipped_pair_at_once(page, app_url, shots):
    page.set_viewport_size(SIZE)
    times = {}
    open_page(page, f"{app_url}/about")  # the server's first page imports everything
    start = time.perf_counter()
    nav(page, "Compare")
    drawn(page, PAIRS["reverse"])
    times["reverse"] = time.perf_counter() - start
    for task, prefix in list(PAIRS.items())[1:]:
        choose(page, "Task", task)
        start = time.perf_counter()
        drawn(page, prefix)
        times[task] = time.perf_counter() - start
        settle(page)
        assert_no_exception(page)
        assert page.locator('[data-testid="stAlert"]').filter(
            has_text=re.compile("cannot|error", re.IGNORECASE)).count() == 0
        first_screen(page, shots / f"compare-{task}.png")
    for task, prefix in PAIRS.items():  # again, each from another page: plotly.js and
        nav(page, "About")                 # the models are loaded by now
        choose(page, "Model", f"{prefix}-fixed")  # Compare opens on the sidebar's task
        start = time.perf_counter()
        nav(page, "Compare")
        drawn(page, prefix)
        times[f"{task} again"] = time.perf_counter() - start
    (shots / "compare-times.json").write_text(json.dumps(
        {t: round(s, 2) for t, s in times.items()}, indent=1))
    print("seconds from opening Compare (or picking the task) to the drawn pair:", times)

    choose(page, "Task", "reverse")
    drawn(page, PAIRS["reverse"])
    settle(page)
    first_screen(page, shots / "compare-reverse.png")
    screenshot(page, shots / "compare-reverse-full.png")
    button = page.get_by_role("button", name=re.compile(r"^greedy vs beam, beam right: "))
    expect(button.first).to_be_visible(timeout=TIMEOUT)
    source = re.search(r": (\w+)$", button.first.inner_text()).group(1)
    button.first.click()
    expect(page.get_by_label("Source text", exact=True)).to_have_value(source,
                                                                       timeout=TIMEOUT)
    assert all(times[t] < 10 for t in times), times  # a loaded shared machine: generous


def test_the_paused_train_view(page, app_url, shots):
    page.set_viewport_size(SIZE)
    open_page(page, f"{app_url}/train")
    train_tiny(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator('[data-testid="stProgress"]').first).to_contain_text(
        re.compile(r"^paused · step \d+/"), timeout=TIMEOUT)
    held = training_step(page)
    main.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator('[data-testid="stProgress"]').first).to_contain_text(
        f"paused · step {held + 1}/", timeout=TIMEOUT)
    expect(page.get_by_text(f"The model you will get: step {held + 1}")).to_be_visible(
        timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # a poll later it still holds
    assert training_step(page) == held + 1
    settle(page)
    first_screen(page, shots / "train-paused.png")
    screenshot(page, shots / "train-paused-full.png")
    stop_button(page).click()
    expect(page.get_by_text("Stopped at step")).to_have_count(1, timeout=TIMEOUT)
    assert_no_exception(page)
