"""End-to-end: on the drawing page, a dot or a dash is answered "That does not look like a
digit" (not as an error), and the person can still say which digit it was."""

import pytest

from recognizer.models import LabelledDrawing
from tests.browser import (
    PHONE,
    SEVEN,
    draw_with_mouse,
    draw_with_touch,
    forget_422s,
    open_page,
    prediction_after,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
DOT = [(0.5, 0.5), (0.505, 0.5)]  # a tap that moved a hair
DASH = [(0.3, 0.5), (0.7, 0.48)]


def not_a_digit_shown(page):
    box = page.locator('[data-testid="prediction"][data-state="not_a_digit"]')
    box.wait_for(timeout=10_000)
    return box


def test_a_dot_says_it_does_not_look_like_a_digit_and_can_be_labelled(page, screenshots):
    draw_with_mouse(page, DOT)
    box = not_a_digit_shown(page)
    assert "That does not look like a digit" in box.inner_text()
    assert box.get_attribute("data-digit") == ""
    assert page.locator(".bar.top, .bars li.top").count() == 0  # no digit's bar stands out
    assert page.get_by_test_id("label-panel").is_visible()
    assert not page.get_by_test_id("label-right").is_visible()  # nothing read: nothing to confirm
    assert "Was it a digit?" in page.get_by_test_id("label-panel").inner_text()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=screenshots / "not-a-digit-desktop.png", full_page=True)
    page.get_by_test_id("label-7").click()
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    assert page.get_by_test_id("label-status").inner_text().startswith("Saved as a 7.")
    assert LabelledDrawing.objects.get().label == 7
    forget_422s(page)


def test_a_digit_after_a_dash_is_answered_with_its_confirm_button_back(page):
    draw_with_mouse(page, DASH)
    not_a_digit_shown(page)
    page.get_by_test_id("clear").click()
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    assert page.get_by_test_id("label-right").is_visible()
    assert "Wrong? Tap" in page.get_by_test_id("label-panel").inner_text()
    forget_422s(page)


def test_a_dot_on_a_phone_says_so_within_the_screen(browser, site, screenshots):
    page = open_page(browser, site, **PHONE)
    draw_with_touch(page, DOT)
    not_a_digit_shown(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "not-a-digit-phone.png", full_page=True)
    forget_422s(page)
    assert page.errors == []
    page.context.close()


def test_a_dash_refused_then_labelled_counts_as_refused_not_as_right(page, site):
    draw_with_mouse(page, DASH)
    not_a_digit_shown(page)
    page.get_by_test_id("label-1").click()
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    stored = LabelledDrawing.objects.get()
    assert stored.label == 1 and stored.refused and not stored.right
    page.goto(f"{site}/labelled-drawings")
    text = page.locator("main").inner_text()
    assert "1 refused as not a digit, so never answered" in text and "right on" not in text
    assert page.locator('[data-digit="1"]').inner_text().split()[-2:] == ["1", "refused"]
    forget_422s(page)
