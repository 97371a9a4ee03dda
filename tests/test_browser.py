"""End-to-end: the real drawing page in a real Chromium, driven by Playwright."""

import pytest
from PIL import Image, ImageDraw

from tests.browser import (
    ONE,
    SEVEN,
    canvas_box,
    draw_with_mouse,
    draw_with_touch,
    ink_pixels,
    open_page,
    prediction_after,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_a_seven_drawn_with_the_mouse_is_recognised_as_soon_as_the_stroke_ends(page):
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    bars = page.locator(".bar-value").all_inner_texts()
    assert len(bars) == 10 and sum(float(b.rstrip("%")) for b in bars) == pytest.approx(100, abs=1.5)
    assert page.locator("[data-processed]").get_attribute("src").startswith("data:image/png;base64,")
    assert page.locator("[data-processed]").is_visible()


def test_a_one_drawn_by_touch_on_a_phone_is_recognised(browser, site, screenshots):
    page = open_page(
        browser,
        site,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=3,
    )
    draw_with_touch(page, ONE)
    assert prediction_after(page, 1) == "1"
    no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll
    page.screenshot(path=screenshots / "draw-phone.png", full_page=True)
    assert page.errors == []


def test_undo_removes_the_last_stroke_and_predicts_again(page):
    draw_with_mouse(page, ONE)
    assert prediction_after(page, 1) == "1"
    draw_with_mouse(page, [(0.2, 0.5), (0.8, 0.5)])
    prediction_after(page, 2)
    page.get_by_test_id("undo").click()
    assert prediction_after(page, 3) == "1"
    page.get_by_test_id("undo").click()
    assert page.get_by_test_id("prediction").get_attribute("data-digit") == ""
    assert page.get_by_test_id("prediction").inner_text().startswith("?")
    assert ink_pixels(page) == 0


def test_clear_wipes_the_drawing_and_asks_for_a_digit(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    page.get_by_test_id("clear").click()
    assert ink_pixels(page) == 0
    assert "Draw a digit" in page.get_by_test_id("prediction").inner_text()
    assert page.get_by_test_id("prediction").get_attribute("data-digit") == ""


def test_resizing_the_window_redraws_the_strokes_instead_of_wiping_them(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    before = ink_pixels(page)
    page.set_viewport_size({"width": 500, "height": 800})
    wait_until(page, "document.querySelector('[data-testid=canvas]').width < 400")
    after = ink_pixels(page)
    assert after > 0.3 * before


def test_a_slow_answer_never_overwrites_a_newer_one(page):
    delayed = {"first": True}

    def slow_first(route):
        if delayed.pop("first", False):
            page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/api/predict", slow_first)
    draw_with_mouse(page, [(0.2, 0.5), (0.8, 0.5)])  # a dash, answered late
    draw_with_mouse(page, ONE)  # turns it into a cross, answered at once
    page.wait_for_timeout(2500)
    assert page.get_by_test_id("prediction").get_attribute("data-seq") == "1"


def test_an_uploaded_photo_is_recognised(page, tmp_path):
    photo = Image.new("RGB", (600, 450), (235, 230, 220))  # off-white paper
    ImageDraw.Draw(photo).line([(240, 100), (380, 100), (290, 360)], fill=(30, 30, 60), width=22)
    photo.save(tmp_path / "seven.jpg", quality=85)
    page.get_by_test_id("upload").set_input_files(tmp_path / "seven.jpg")
    assert prediction_after(page, 1) == "7"


def test_the_page_looks_right_on_a_desktop(page, screenshots):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    page.screenshot(path=screenshots / "draw-desktop.png", full_page=True)
    assert page.get_by_test_id("canvas").evaluate("c => getComputedStyle(c).touchAction") == "none"
    ratio = page.evaluate("window.devicePixelRatio")
    box = canvas_box(page)
    assert page.get_by_test_id("canvas").evaluate("c => c.width") == round(box[2] * ratio)
