"""The styles MNIST lacks, written on the real page with the mouse and read by each shipped
model: a one with a long flag, an open four, a seven crossed low with a long bar and a
curved stem, a zero slashed through (the forms that real writers' collections held the
most errors on)."""

import pytest

from tests.browser import draw_with_mouse, forget_422s

pytestmark = pytest.mark.browser


# Strokes in the pad's units (its height is 1), drawn in this order.
STYLES = {
    "a one with a long flag": (1, [[[0.40, 0.42], [0.47, 0.28], [0.56, 0.14], [0.56, 0.5], [0.56, 0.86]]]),
    "an open four": (
        4,
        [[[0.46, 0.14], [0.41, 0.35], [0.36, 0.58], [0.7, 0.58]], [[0.62, 0.3], [0.61, 0.88]]],
    ),
    "a seven crossed low with a long bar": (
        7,
        [
            [[0.36, 0.18], [0.52, 0.17], [0.7, 0.16], [0.62, 0.36], [0.55, 0.55], [0.51, 0.72], [0.5, 0.88]],
            [[0.38, 0.63], [0.55, 0.62], [0.74, 0.6]],
        ],
    ),
    "a zero slashed through": (
        0,
        [
            [[0.55, 0.16], [0.68, 0.26], [0.71, 0.5], [0.68, 0.74], [0.55, 0.84], [0.42, 0.74], [0.39, 0.5]]
            + [[0.42, 0.26], [0.55, 0.16]],
            [[0.34, 0.9], [0.55, 0.5], [0.76, 0.1]],
        ],
    ),
}


@pytest.mark.parametrize("model", ["cnn", "mlp"])
@pytest.mark.parametrize("name", STYLES)
def test_each_style_written_on_the_page_is_read_right_by_each_model(page, screenshots, model, name):
    digit, strokes = STYLES[name]
    page.get_by_test_id("model").select_option(model)
    for stroke in strokes:
        draw_with_mouse(page, stroke)
    page.locator(".app:not([aria-busy])").wait_for(timeout=10_000)
    forget_422s(page)  # a digit's first stroke alone may be refused as not a digit
    page.screenshot(path=screenshots / f"style-{model}-{digit}.png")
    assert page.get_by_test_id("prediction").get_attribute("data-digit") == str(digit)
