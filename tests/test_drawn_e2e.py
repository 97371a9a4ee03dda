"""Drawn digits through the real page: MNIST test digits turned into pen strokes
(bench/drawn.py) and replayed with the mouse; the page's automatic answer is read back."""

import pytest

from bench.drawn import VARIATIONS, place, strokes_of
from tests.browser import draw_with_mouse, forget_422s

pytestmark = pytest.mark.browser
DIGITS = 20


@pytest.fixture(scope="module")
def drawn(mnist_data):
    data = mnist_data
    plain = VARIATIONS[0]
    return [
        (place(strokes_of(image), plain), int(label))
        for image, label in zip(data.test_images[:DIGITS], data.test_labels[:DIGITS], strict=True)
    ]


def test_digits_drawn_stroke_by_stroke_on_the_page_are_recognised(page, drawn):
    answers = []
    for strokes, label in drawn:
        page.get_by_test_id("clear").click()
        for stroke in strokes:
            draw_with_mouse(page, stroke, steps=1)  # the traced strokes are dense already
        # Every stroke end asks; once the newest request is answered, the page is idle.
        page.locator(".app:not([aria-busy])").wait_for(timeout=10_000)
        answers.append((label, int(page.get_by_test_id("prediction").get_attribute("data-digit"))))
    forget_422s(page)  # a digit's first strokes alone may be refused as not a digit
    right = sum(label == said for label, said in answers)
    assert right >= DIGITS - 1, f"recognised {right} of {DIGITS}: {answers}"
