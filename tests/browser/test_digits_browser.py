"""An image model in a real browser: compose a strip on the Attention page and capture
the strip with the attention of its first and last digit (look: the orange bars must
stand on the digit named in the title, inside its dashed box)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app_driver import TIMEOUT, box_of, in_view, open_page, screenshot, set_slider, settle


def strip_chart_step(page: Page, row: int) -> str:
    """Move the row slider to ``row``; return the strip chart's title once it names it."""
    set_slider(page, "Row", row)
    figure = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="writing")
    title = figure.locator("text.gtitle").first
    expect(title).to_have_text(re.compile(rf"^step {row}: "), timeout=TIMEOUT)
    settle(page)
    return title.text_content() or ""


def test_the_strip_attention_of_a_composed_strip(page, app_url, shots):
    open_page(page, f"{app_url}/attention?model=digits-attention")
    expect(page.get_by_text("What the model sees").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("Compose digits", exact=True).click()
    digits = page.get_by_label("Digits (1-8)", exact=True)
    digits.fill("4071")
    digits.press("Enter")
    page.get_by_role("button", name="Compose").click()
    expect(page.get_by_text("strip of 4071").first).to_be_visible(timeout=TIMEOUT)
    settle(page)
    assert strip_chart_step(page, 0) == "step 0: writing 4"
    screenshot(page, shots / "digits-attention-step-0.png")
    assert strip_chart_step(page, 3) == "step 3: writing 1"
    screenshot(page, shots / "digits-attention-step-3.png")


def test_decode_and_beam_show_the_strip_never_its_pixel_text(page, app_url, shots):
    for view, path in (("decode", ""), ("beam", "beam")):  # Decode is the home page
        open_page(page, f"{app_url}/{path}?model=digits-attention")
        expect(page.get_by_text("What the model sees").first).to_be_visible(timeout=TIMEOUT)
        settle(page)
        screenshot(page, shots / f"digits-{view}.png")
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "img:" not in body, view


# Strokes of a 2 and a 3, left to right, in fractions of the canvas (x, y).
TWO = [(0.05, 0.3), (0.1, 0.15), (0.15, 0.3), (0.05, 0.85), (0.16, 0.85)]
THREE = [(0.22, 0.2), (0.3, 0.18), (0.25, 0.5), (0.31, 0.7), (0.22, 0.85)]


def draw(page: Page, canvas, stroke: list[tuple[float, float]]) -> None:
    """Draw one stroke with the mouse through the points (fractions of the canvas box)."""
    box = canvas.bounding_box()
    assert box is not None
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in stroke]
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=12)
    page.mouse.up()


def test_digits_drawn_on_the_canvas_are_read(page, app_url, shots):
    """The canvas works offline (its front end ships in the package): two digits drawn
    with the mouse become the strip the model reads, and the model writes them."""
    open_page(page, f"{app_url}/?model=digits-attention")
    expect(page.get_by_text("What the model sees").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("Draw digits", exact=True).click()
    canvas = page.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=TIMEOUT)
    for stroke in (TWO, THREE):
        draw(page, canvas, stroke)
        settle(page)
    greedy = page.locator('[data-testid="stMain"]').get_by_text("Greedy", exact=True)
    expect(greedy.locator("xpath=following::code[1]")).to_have_text("23", timeout=TIMEOUT)
    settle(page)
    screenshot(page, shots / "digits-drawn.png")


def test_hidden_states_of_a_digits_model_shows_the_plot_first(page, app_url, shots):
    """At 1280x720 the trajectories of two strips are on the first screen in normal mode:
    the two strip pickers with their pictures (about 300 px) are folded above them."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{app_url}/hidden-states?model=digits-attention")
    plot = page.locator('.st-key-trajectories [data-testid="stPlotlyChart"] .main-svg').first
    expect(plot).to_be_visible(timeout=TIMEOUT)
    settle(page)
    screenshot(page, shots / "digits-hidden-states-1280x720.png")
    found = box_of(plot)
    assert in_view(found, whole=True), found
    folded = page.get_by_text("Inputs A and B: the two strips")
    expect(folded).to_be_visible()
    folded.click()  # the pickers are there, one click away
    expect(page.get_by_text("What the model sees").first).to_be_visible(timeout=TIMEOUT)


def test_decode_and_beam_of_a_digits_model_keep_their_results_on_screen(page, app_url, shots):
    """At 1280x720 in normal mode the strip's picture sits beside its picker, under the
    search settings, so Decode's two outputs and the start of its heatmap, and Beam
    search's Play with the first 150 px of the tree (its first rows, with the pruned
    candidates hidden and the legend beside it), are on the first screen (under the
    picker they were pushed below it)."""
    page.set_viewport_size({"width": 1280, "height": 720})

    def box(selector: str) -> dict | None:
        found = page.locator(selector).first
        expect(found).to_be_visible(timeout=TIMEOUT)
        return box_of(found)

    for path, picture, shown_px, name, result in (  # a picture's start, a result whole
            ("/?model=digits-attention",
             '.st-key-attention_heatmap [data-testid="stPlotlyChart"] .main-svg', 60,
             "decode", '[data-testid="stMain"] [class*="st-key-output_beam"] code'),
            ("/beam?model=digits-attention",
             '.st-key-beam_tree_chart [data-testid="stPlotlyChart"] .main-svg', 150,
             "beam", ".st-key-beam_play")):
        open_page(page, f"{app_url}{path}")
        start = box(picture)
        settle(page)
        screenshot(page, shots / f"digits-{name}-1280x720.png")
        whole = box(result)
        assert in_view(whole, whole=True), (name, whole)
        assert in_view(start, whole=False, shown_px=shown_px), (name, start)
