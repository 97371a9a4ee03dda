"""The drawing travels intact between the drawing page and /network: a digit drawn on the
desktop's wide pad, or a digit of a number, shows whole on /network at desktop and phone
sizes (no pad shape clips it), with the same answer from the same model; the model picked
on either page is the one the other answers with."""

import json

import numpy as np
import pytest

from nn.ink.raster import PEN_WIDTH, curve
from tests.browser import PHONE, draw_with_mouse, open_page, prediction_after
from tests.helpers import written

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
RIGHT_SEVEN = [(1.3, 0.2), (1.75, 0.2), (1.5, 0.85)]  # on the right half of the 2:1 pad: x past 1

# The pad's pixels by colour: the ink (#111827), the faint strokes of other digits
# (#c3c9d4); the shaded part out of reach (#eef1f6) and the white pad are neither.
INK = """() => {
  const c = document.querySelector('[data-testid="canvas"]');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const boxes = { ink: null, faint: null };
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 128) continue;
    const kind = d[i] < 100 ? 'ink' : d[i] > 170 && d[i] < 220 ? 'faint' : null;
    if (!kind) continue;
    const x = (i / 4) % c.width, y = Math.floor(i / 4 / c.width);
    const b = boxes[kind] || (boxes[kind] = [x, y, x, y]);
    boxes[kind] = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
  }
  return { width: c.width, height: c.height, ...boxes };
}"""


def stroke_box(strokes):
    """The box of the strokes' ink as the page draws it: smoothed (nn.ink.raster.curve), a pen wide."""
    points = np.concatenate([curve(np.array(s, float)) for s in strokes])
    return (*points.min(axis=0) - PEN_WIDTH / 2, *points.max(axis=0) + PEN_WIDTH / 2)


def assert_shown_whole(page, strokes, kind="ink"):
    """The ink of `strokes` is on the pad whole, in its own shape: not cut at an edge."""
    pad = page.evaluate(INK)
    left, top, right, bottom = pad[kind]
    assert left > 1 and right < pad["width"] - 2 and top > 0 and bottom < pad["height"] - 1, pad
    x0, y0, x1, y1 = stroke_box(strokes)
    assert (right - left) / (bottom - top) == pytest.approx((x1 - x0) / (y1 - y0), rel=0.12), pad
    return pad


def answered(page, act):
    with page.expect_response("**/api/predict") as response:
        act()
    return response.value.json()


def same_answer(a, b, index=0):
    da, db = a["digits"][index], b["digits"][index]
    assert a["model"] == b["model"] and da["digit"] == db["digit"]
    np.testing.assert_allclose(da["probabilities"], db["probabilities"], atol=1e-6)


def network_shown(page, digit):
    page.locator(f'[data-testid="network-view"][data-seq="1"][data-digit="{digit}"]').wait_for(timeout=10_000)


def carried(browser, site, strokes, path, **context):
    """A new tab at `path` holding `strokes`, as if drawn on the other page: (page, answer)."""
    page = open_page(browser, site, **context)
    page.evaluate("(s) => sessionStorage.setItem('digits.strokes', s)", json.dumps(strokes))
    return page, answered(page, lambda: page.goto(site + path))


def test_a_digit_drawn_on_the_wide_pad_shows_whole_on_the_network_page_with_the_same_answer(
    browser, site, screenshots
):
    page = open_page(browser, site, **DESKTOP)
    drawn = answered(page, lambda: draw_with_mouse(page, RIGHT_SEVEN))
    digit = prediction_after(page, 1)
    strokes = json.loads(page.evaluate("sessionStorage.getItem('digits.strokes')"))
    assert max(x for s in strokes for x, _ in s) > 1.5  # past a square pad's edge
    shown = answered(page, lambda: page.get_by_role("link", name="Network").click())
    network_shown(page, digit)
    same_answer(drawn, shown)
    assert_shown_whole(page, strokes)
    page.screenshot(path=screenshots / "travels-desktop.png", full_page=True)
    for path in ("/network", "/"):  # on a phone's square pads too
        phone, answer = carried(browser, site, strokes, path, **PHONE)
        same_answer(drawn, answer)
        assert_shown_whole(phone, strokes)
        phone.screenshot(path=screenshots / f"travels-phone{path.replace('/', '-')}.png", full_page=True)
        assert phone.errors == []
        phone.context.close()
    assert page.errors == []
    page.context.close()


def test_a_drawing_shrinks_to_fit_when_the_window_does_and_grows_back(page):
    draw_with_mouse(page, RIGHT_SEVEN)
    prediction_after(page, 1)
    strokes = json.loads(page.evaluate("sessionStorage.getItem('digits.strokes')"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert_shown_whole(page, strokes)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    pad = assert_shown_whole(page, strokes)
    assert pad["ink"][3] - pad["ink"][1] > 0.6 * pad["height"]  # full size again, not still shrunk


def test_a_digit_of_a_number_opens_on_the_network_page_whole_with_the_others_faint(
    browser, site, screenshots
):
    page = open_page(browser, site, **DESKTOP)
    points, groups = written("4726", height=0.5)
    for stroke in points:
        drawn = answered(page, lambda s=stroke: draw_with_mouse(page, s))
    assert drawn["number"] == "4726"
    strokes = json.loads(page.evaluate("sessionStorage.getItem('digits.strokes')"))  # as drawn
    seq = int(page.get_by_test_id("prediction").get_attribute("data-seq"))
    page.get_by_test_id("digit-card-2").click()
    prediction_after(page, seq + 1)
    shown = answered(page, lambda: page.locator("[data-digit-neurons]").click())
    network_shown(page, drawn["digits"][2]["digit"])
    assert page.url.endswith("/network?digit=2")
    same_answer(drawn, shown, 2)
    assert page.get_by_test_id("net-digit-2").get_attribute("aria-pressed") == "true"
    chosen = [strokes[i] for i in groups[2]]
    others = [s for i, s in enumerate(strokes) if i not in groups[2]]
    assert_shown_whole(page, chosen, "ink")  # the 2 in ink
    assert_shown_whole(page, others, "faint")  # 4, 7 and 6 faint around it: the number whole
    page.screenshot(path=screenshots / "travels-number-desktop.png", full_page=True)
    phone, answer = carried(browser, site, strokes, "/network?digit=2", **PHONE)
    network_shown(phone, drawn["digits"][2]["digit"])
    same_answer(drawn, answer, 2)
    assert_shown_whole(phone, chosen, "ink")
    assert_shown_whole(phone, others, "faint")
    phone.get_by_test_id("net-digit-0").tap()  # another digit: its layers, no new request
    phone.locator(
        f'[data-testid="network-view"][data-seq="2"][data-digit="{drawn["digits"][0]["digit"]}"]'
    ).wait_for()
    assert_shown_whole(phone, [strokes[i] for i in groups[0]], "ink")
    phone.screenshot(path=screenshots / "travels-number-phone.png", full_page=True)
    assert page.errors == [] and phone.errors == []
    page.context.close()
    phone.context.close()


def test_the_model_picked_on_one_page_is_the_one_the_other_answers_with(page, site):
    page.get_by_test_id("model").select_option("mlp")
    draw_with_mouse(page, RIGHT_SEVEN)
    prediction_after(page, 1)
    shown = answered(page, lambda: page.get_by_role("link", name="Network").click())
    assert (
        shown["model"] == "mlp" and page.get_by_test_id("network-view").get_attribute("data-model") == "mlp"
    )
    assert page.get_by_test_id("model").input_value() == "mlp"
    # The reloaded network page answers the drawing first: wait for that answer, so that the
    # answer awaited next is the drawing page's, not one still on its way to the page left.
    with page.expect_response("**/api/predict"), page.expect_navigation():
        page.get_by_test_id("model").select_option("cnn")
    page.get_by_test_id("network-view").and_(page.locator('[data-model="cnn"]')).wait_for()
    drawn = answered(page, lambda: page.get_by_role("link", name="Draw", exact=True).click())
    assert drawn["model"] == "cnn" and page.get_by_test_id("model").input_value() == "cnn"
