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
