"""The page-wide keys, Ctrl+Z (undo a stroke) and Escape (clear), in a real browser: they
work whatever has focus, a button just clicked included, but not while typing text."""

import pytest

from tests.browser import ONE, SEVEN, draw_with_mouse, ink_pixels, prediction_after

pytestmark = pytest.mark.browser


def draw_then_click_a_button(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    draw_with_mouse(page, ONE)
    prediction_after(page, 2)
    page.get_by_test_id("predict").click()  # the button keeps the focus
    prediction_after(page, 3)
    assert page.evaluate("document.activeElement.dataset.testid") == "predict"


def test_ctrl_z_undoes_a_stroke_after_a_button_was_clicked(page):
    draw_then_click_a_button(page)
    both = ink_pixels(page)
    page.keyboard.press("Control+z")
    assert 0 < ink_pixels(page) < both


def test_escape_clears_the_pad_after_a_button_was_clicked(page):
    draw_then_click_a_button(page)
    page.keyboard.press("Escape")
    assert ink_pixels(page) == 0


def test_keys_typed_into_a_text_field_are_left_to_the_field(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    page.evaluate("() => document.body.appendChild(document.createElement('input')).focus()")
    page.keyboard.type("abc")
    page.keyboard.press("Control+z")
    page.keyboard.press("Escape")
    assert ink_pixels(page) > 0


@pytest.mark.parametrize("width", [390, 1280])
def test_the_drawing_page_names_its_keys_where_there_is_a_keyboard(browser, site, screenshots, width):
    from tests.browser import PHONE, open_page

    page = open_page(browser, site, viewport={"width": width, "height": 900})
    hint = page.get_by_test_id("keys-hint")
    assert hint.is_visible()
    assert "Ctrl+Z" in hint.inner_text() and "undoes a stroke" in hint.inner_text()
    assert "Esc clears the pad" in hint.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".pad-card").screenshot(path=screenshots / f"keys-hint-{width}.png")
    page.context.close()
    touch = open_page(browser, site, **PHONE)  # a phone with no keyboard: no word about keys
    assert touch.get_by_test_id("keys-hint").is_hidden()
    touch.context.close()
