"""Every page fits a phone: nothing wider than the screen, so nothing scrolls sideways or
makes a mobile browser zoom out. Wide content (tables, the matrix) scrolls inside its card."""

import pytest

from tests.browser import open_page
from tests.helpers import make_drawing

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("path", ["/", "/network", "/model", "/model/mlp", "/labelled-drawings"])
def test_the_page_fits_a_phone(browser, site, path, width):
    for digit in range(10):  # the labelled-drawings table at its widest: a column per model
        make_drawing(digit, model="cnn")
        make_drawing(digit, model="mlp", predicted=(digit + 1) % 10)
    page = open_page(
        browser, site + path, viewport={"width": width, "height": 800}, has_touch=True, is_mobile=True
    )
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.errors == []
    page.context.close()


def test_after_drawing_on_a_phone_the_answer_its_bars_and_the_label_buttons_are_on_screen(
    browser, site, screenshots
):
    from tests.browser import PHONE, SEVEN, draw_with_touch, prediction_after

    page = open_page(browser, site, **PHONE)
    draw_with_touch(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    assert page.evaluate("scrollY") == 0
    height = page.viewport_size["height"]
    for selector in ['[data-testid="label-right"]', '[data-testid="label-9"]', ".bars", ".digit"]:
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)
    page.screenshot(path=screenshots / "draw-phone-answered.png")
    assert page.errors == []
    page.context.close()


def test_a_button_tapped_on_a_phone_does_not_stay_highlighted(browser, site):
    from tests.browser import PHONE

    page = open_page(browser, site, **PHONE)
    clear, undo = page.get_by_test_id("clear"), page.get_by_test_id("undo")
    resting = undo.evaluate("b => getComputedStyle(b).backgroundColor")
    clear.tap()
    assert clear.evaluate("b => getComputedStyle(b).backgroundColor") == resting
    page.context.close()
