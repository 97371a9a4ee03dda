"""A drawing in progress is not scolded: a four, a five or a seven written in two strokes,
whose first stroke alone is no digit, never gets the loud "That does not look like a digit"
on the drawing page or the network page; it says so quietly until the pen has stayed up a
moment. A drawing that stays refused is then refused loudly, with the ten digits to label it."""

import json

import pytest
from django.test import Client

from tests.browser import draw_with_mouse, forget_422s, open_page, prediction_after
from tests.helpers import PREDICT

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PAUSE_MS = 1200  # static/recognizer/js/patience.js
TWO_STROKES = {  # (first stroke, second stroke), in units of the pad's height
    "4": ([(0.35, 0.45), (0.35, 0.55), (0.75, 0.55)], [(0.6, 0.25), (0.6, 0.85)]),  # a short left arm: a hook alone
    "5": ([(0.35, 0.2), (0.65, 0.2)], [(0.35, 0.2), (0.33, 0.45), (0.55, 0.45), (0.65, 0.65), (0.5, 0.82), (0.32, 0.77)]),
    "7": ([(0.3, 0.2), (0.7, 0.2)], [(0.7, 0.2), (0.45, 0.8)]),
}  # fmt: skip
DASH = [(0.3, 0.5), (0.7, 0.48)]

# Every state the answer shows, with its time, and the time of every pen up.
RECORD = """() => {
  window.seen = [];
  window.penUps = [];
  const box = document.querySelector('[data-testid="prediction"], [data-status]');
  new MutationObserver(() => window.seen.push([performance.now(), box.dataset.state]))
    .observe(box, { attributes: true, attributeFilter: ["data-state"] });
  document.querySelector('[data-testid="canvas"]')
    .addEventListener("pointerup", () => window.penUps.push(performance.now()), true);
}"""
STATE = {
    "/": ('[data-testid="prediction"]', "not_a_digit_yet", "not_a_digit"),
    "/network": ("[data-status]", "not_a_digit_yet", "not_a_digit"),
}


def as_sent(points, steps=10):
    """A stroke as draw_with_mouse sends it: `steps` points along each segment."""
    sent = [list(points[0])]
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        sent += [[xa + (xb - xa) * i / steps, ya + (yb - ya) * i / steps] for i in range(1, steps + 1)]
    return sent


def refused_alone(stroke) -> bool:
    body = json.dumps({"strokes": [as_sent(stroke)]})
    return Client().post(PREDICT, body, content_type="application/json").json().get("code") == "not_a_digit"


def draw_and_wait_for_the_answer(page, stroke):
    with page.expect_response("**/api/predict"):
        draw_with_mouse(page, stroke)


@pytest.mark.parametrize("path", ["/", "/network"])
@pytest.mark.parametrize("digit", TWO_STROKES)
def test_a_digit_written_in_two_strokes_is_never_called_not_a_digit(browser, site, path, digit):
    first, second = TWO_STROKES[digit]
    assert refused_alone(first)  # else this test would prove nothing
    page = open_page(browser, site + path, viewport={"width": 1280, "height": 900})
    page.evaluate(RECORD)
    selector, quiet, loud = STATE[path]
    draw_and_wait_for_the_answer(page, first)
    page.locator(f'{selector}[data-state="{quiet}"]').wait_for(timeout=2_000)
    if path == "/":
        assert page.get_by_test_id("label-panel").is_hidden()  # no "which digit was it?" yet
    draw_and_wait_for_the_answer(page, second)
    if path == "/":
        assert prediction_after(page, 1) == digit
    else:
        page.locator(f'[data-testid="network-view"][data-seq="1"][data-digit="{digit}"]').wait_for(
            timeout=10_000
        )
    page.wait_for_timeout(PAUSE_MS + 300)  # long enough for a verdict held back to have come out
    states = [state for _, state in page.evaluate("window.seen")]
    assert quiet in states and loud not in states, states
    forget_422s(page)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("path", ["/", "/network"])
def test_a_dash_that_stays_a_dash_is_refused_loudly_once_the_pen_has_stayed_up(browser, site, path):
    page = open_page(browser, site + path, viewport={"width": 1280, "height": 900})
    page.evaluate(RECORD)
    selector, quiet, loud = STATE[path]
    draw_and_wait_for_the_answer(page, DASH)
    page.locator(f'{selector}[data-state="{loud}"]').wait_for(timeout=PAUSE_MS + 5_000)
    seen, (pen_up,) = page.evaluate("[window.seen, window.penUps]")
    loud_at = next(t for t, state in seen if state == loud)
    assert quiet in [state for _, state in seen]
    assert loud_at - pen_up >= PAUSE_MS - 50  # it waited for the pen
    assert "That does not look like a digit" in page.locator(selector).inner_text()
    if path == "/":
        assert page.get_by_test_id("label-panel").is_visible()
    forget_422s(page)
    assert page.errors == []
    page.context.close()
