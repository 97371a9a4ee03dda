"""End-to-end: the real drawing page in a real Chromium, driven by Playwright."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.browser import (
    ONE,
    PHONE,
    SEVEN,
    answer_to,
    draw_with_mouse,
    draw_with_touch,
    forget_422s,
    ink_pixels,
    open_page,
    prediction_after,
    slow_answers,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_a_seven_drawn_with_the_mouse_is_recognised_as_soon_as_the_stroke_ends(page):
    sent, answer = answer_to(page, lambda: draw_with_mouse(page, SEVEN))
    assert prediction_after(page, 1) == "7" == str(answer["digit"])
    bars = page.locator(".bar-value").all_inner_texts()
    assert len(bars) == 10 and sum(float(b.rstrip("%")) for b in bars) == pytest.approx(100, abs=1.5)
    assert set(sent) == {"strokes", "model"}  # no picture of them
    assert len(sent["strokes"]) == 1 and all(0 <= v <= 1 for point in sent["strokes"][0] for v in point)


def test_the_preview_shows_the_numbers_the_network_read(page):
    _, answer = answer_to(page, lambda: draw_with_mouse(page, SEVEN))
    prediction_after(page, 1)
    preview = page.get_by_test_id("network-input")
    assert preview.is_visible()
    shown = preview.evaluate(
        """c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)
                    .filter((_, i) => i % 4 === 0)"""
    )
    assert len(shown) == len(answer["input"]) == 784
    assert max(abs(grey - 255 * v) for grey, v in zip(shown, answer["input"], strict=True)) <= 0.5
    assert 0 < sum(answer["input"]) < 784  # some ink, not all


def test_a_one_drawn_by_touch_on_a_phone_is_recognised(browser, site, screenshots):
    page = open_page(browser, site, **PHONE)
    draw_with_touch(page, ONE)
    assert prediction_after(page, 1) == "1"
    no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll
    page.screenshot(path=screenshots / "draw-phone.png", full_page=True)
    assert page.errors == []


def test_undo_removes_the_last_stroke_and_predicts_again(page):
    draw_with_mouse(page, ONE)
    assert prediction_after(page, 1) == "1"
    draw_with_mouse(page, [(0.4, 0.3), (0.5, 0.15)])  # a flag: still a digit
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
    draw_with_mouse(page, SEVEN[:2])  # a seven's bar, a dash: not a digit, answered late
    draw_with_mouse(page, SEVEN[1:])  # its stem makes it a seven, answered at once
    page.wait_for_timeout(2500)
    box = page.get_by_test_id("prediction")
    assert (box.get_attribute("data-seq"), box.get_attribute("data-digit")) == ("1", "7")
    assert box.get_attribute("data-state") != "not_a_digit"  # the late refusal came and went unseen
    forget_422s(page)


def test_while_the_first_answer_is_on_its_way_the_panel_says_it_is_reading(page):
    slow_answers(page)
    draw_with_mouse(page, SEVEN)
    box = page.get_by_test_id("prediction")
    assert box.get_attribute("data-state") == "busy"
    assert "Draw a digit" not in box.inner_text()
    assert prediction_after(page, 1) == "7"
    assert box.get_attribute("data-state") == "sure"


def test_a_slow_answer_to_a_new_stroke_keeps_the_last_one_shown_with_a_note(page):
    draw_with_mouse(page, ONE)
    prediction_after(page, 1)
    note = page.get_by_test_id("busy-note")
    assert not note.is_visible()
    slow_answers(page)
    draw_with_mouse(page, [(0.4, 0.3), (0.5, 0.15)])
    note.wait_for(state="visible", timeout=1000)  # after a moment, not at every stroke
    assert page.get_by_test_id("prediction").get_attribute("data-digit") == "1"
    prediction_after(page, 2)
    assert not note.is_visible()


def photo_of_a_seven(tmp_path):
    photo = Image.new("RGB", (600, 450), (235, 230, 220))  # off-white paper
    ImageDraw.Draw(photo).line([(240, 100), (380, 100), (290, 360)], fill=(30, 30, 60), width=22)
    photo.save(tmp_path / "seven.jpg", quality=85)
    return tmp_path / "seven.jpg"


def test_an_uploaded_photo_is_recognised_and_shown_and_the_drawing_kept(page, tmp_path):
    draw_with_mouse(page, ONE)
    prediction_after(page, 1)
    ink = ink_pixels(page)
    page.get_by_test_id("upload").set_input_files(photo_of_a_seven(tmp_path))
    assert prediction_after(page, 2) == "7"
    photo = page.get_by_test_id("photo")
    assert photo.is_visible()
    width, height = photo.locator("canvas").evaluate("c => [c.width, c.height]")
    assert height > 0 and width / height == pytest.approx(600 / 450, rel=0.05)  # the photo, not the 28x28
    assert "seven.jpg" in page.get_by_test_id("upload-status").inner_text()
    assert ink_pixels(page) == ink  # the drawing is still there
    assert "you wrote" in page.get_by_test_id("label-panel").inner_text()
    # Back to the drawing: a stroke is about the drawing again, photo and file name go.
    draw_with_mouse(page, [(0.4, 0.3), (0.5, 0.15)])
    prediction_after(page, 3)
    assert not photo.is_visible()
    assert page.get_by_test_id("upload-status").inner_text() == ""
    assert page.get_by_test_id("upload").evaluate("input => input.files.length") == 0
    assert "you drew" in page.get_by_test_id("label-panel").inner_text()


def test_a_blank_photo_says_no_digit_was_found_once(page, tmp_path):
    Image.new("RGB", (300, 300), (240, 240, 240)).save(tmp_path / "blank.png")
    page.get_by_test_id("upload").set_input_files(tmp_path / "blank.png")
    box = page.locator('[data-testid="prediction"][data-state="blank"]')
    box.wait_for(timeout=10_000)
    assert box.inner_text().lower().count("no digit found") == 1
    forget_422s(page)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_a_phone_sized_photo_is_sent_smaller_and_read(page, tmp_path, kind):
    # 12 megapixels with the grain of a phone's sensor: as a PNG over the request's 8 MiB, as
    # a WebP over the pixels a WebP is decoded with; either was refused as too large.
    rng = np.random.default_rng(0)
    paper = rng.normal(225, 12, (4000, 3000)).clip(0, 255).astype(np.uint8)
    photo = Image.fromarray(paper).convert("RGB")
    ImageDraw.Draw(photo).line([(900, 900), (2100, 900), (1300, 3100)], fill=(30, 30, 60), width=160)
    path = tmp_path / f"phone.{kind.lower()}"
    photo.save(path, kind)
    with page.expect_response("**/api/predict") as answer:
        page.get_by_test_id("upload").set_input_files(path)
    assert answer.value.status == 200  # not a 413
    assert prediction_after(page, 1) == "7"
    assert page.get_by_test_id("upload-status").inner_text().startswith(f"Read phone.{kind.lower()}")


def test_a_file_that_is_no_image_says_it_cannot_be_read_and_why(page, tmp_path):
    (tmp_path / "notes.png").write_bytes(b"these are notes, not a picture")
    page.get_by_test_id("upload").set_input_files(tmp_path / "notes.png")
    box = page.locator('[data-testid="prediction"][data-state="unreadable"]')
    box.wait_for(timeout=10_000)
    assert "This cannot be read" in box.inner_text() and "Not a PNG, JPEG, WebP or GIF" in box.inner_text()
    assert page.get_by_test_id("upload-status").inner_text() == "Could not read notes.png."
    page.errors[:] = [e for e in page.errors if "status of 400" not in e]  # Chromium's own line about it


def test_the_page_looks_right_on_a_desktop(page, screenshots):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    page.screenshot(path=screenshots / "draw-desktop.png", full_page=True)
    assert page.get_by_test_id("canvas").evaluate("c => getComputedStyle(c).touchAction") == "none"
    ratio = page.evaluate("window.devicePixelRatio")
    box = page.get_by_test_id("canvas").bounding_box()
    assert page.get_by_test_id("canvas").evaluate("c => c.width") == round(box["width"] * ratio)
    assert page.get_by_test_id("canvas").evaluate("c => c.height") == round(box["height"] * ratio)
