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
