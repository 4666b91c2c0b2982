"""Tables fit (issue 11): at 1280x720 Compare's greedy-vs-beam table shows every column,
its long reversed strings broken inside the cells rather than scrolled out of sight."""

from __future__ import annotations

from app_driver import TIMEOUT, assert_no_exception, open_page
from playwright.sync_api import expect

from bench.common import settle


def test_compare_greedy_vs_beam_table_shows_every_column_at_1280x720(page, app_url, shots):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{app_url}/compare")
    table = page.locator('[data-testid="stTable"]').filter(has_text="B beam").first
    expect(table).to_be_visible(timeout=TIMEOUT)
    settle(page)
    table.scroll_into_view_if_needed()
    widths = table.evaluate("e => [e.querySelector('table').scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1], f"the table is {widths[0]} px wide in {widths[1]} px"
    headers = table.locator("th").all_inner_texts()
    assert {"source", "A greedy", "A beam", "B greedy", "B beam"} <= set(headers)
    page.screenshot(path=str(shots / "compare-table-1280.png"))
    assert_no_exception(page)
