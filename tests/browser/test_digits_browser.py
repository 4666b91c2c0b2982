"""An image model in a real browser: compose a strip on the Attention page and capture
the strip with the attention of its first and last digit (look: the orange bars must
stand on the digit named in the title, inside its dashed box)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app_driver import TIMEOUT, click_animation_slider, open_page, screenshot, settle


def strip_chart_step(page: Page, fraction: float) -> str:
    """Click the strip chart's slider at ``fraction`` of its rail; return its title."""
    figure = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="writing")
    click_animation_slider(page, figure, fraction)
    return figure.locator("text.gtitle").first.text_content() or ""


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
    assert strip_chart_step(page, 0.0) == "step 0: writing 4"
    screenshot(page, shots / "digits-attention-step-0.png")
    assert strip_chart_step(page, 0.75) == "step 3: writing 1"
    screenshot(page, shots / "digits-attention-step-3.png")


def test_decode_and_beam_show_the_strip_never_its_pixel_text(page, app_url, shots):
    for view, path in (("decode", ""), ("beam", "beam")):  # Decode is the home page
        open_page(page, f"{app_url}/{path}?model=digits-attention")
        expect(page.get_by_text("What the model sees").first).to_be_visible(timeout=TIMEOUT)
        settle(page)
        screenshot(page, shots / f"digits-{view}.png")
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "img:" not in body, view
