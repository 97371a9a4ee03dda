"""Helpers for the end-to-end tests: a real Chromium driven by Playwright, and strokes
replayed with the mouse, or with touch through the DevTools protocol, so the page sees the
same Pointer Events a person's hand would make."""

import os
import shutil
import time

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
ONE = [(0.5, 0.15), (0.5, 0.85)]
CROSSBAR = [(0.35, 0.52), (0.7, 0.52)]  # across SEVEN's stem: a crossed seven, one more stroke


def launch_browser():
    """Yield a headless Chromium; skip where there is none, but fail on CI."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (set CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 3,
}


def open_page(browser, url, **context):
    """A new page at `url` that records console errors and uncaught exceptions in page.errors."""
    page = browser.new_context(**context).new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


def slow_answers(page, ms=1500):
    """Every predict request is held `ms` before it goes to the server."""

    def slow(route):
        page.wait_for_timeout(ms)
        route.continue_()

    page.route("**/api/predict", slow)


def forget_422s(page):
    """Drop Chromium's own console line for each 422 answer (blank, or not a digit: answers
    the page shows, not errors); anything else the page logged stays."""
    page.errors[:] = [e for e in page.errors if "status of 422" not in e]


def canvas_box(page):
    """The pad's corner and its unit, its height: a wide pad's x runs past 1."""
    box = page.get_by_test_id("canvas").bounding_box()
    return box["x"], box["y"], box["height"]


def draw_with_mouse(page, points, steps=10):
    """One stroke through `points` (canvas units, 0..1), `steps` pointer moves per segment."""
    x0, y0, side = canvas_box(page)
    page.mouse.move(x0 + points[0][0] * side, y0 + points[0][1] * side)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x * side, y0 + y * side, steps=steps)
    page.mouse.up()


def draw_with_touch(page, points):
    x0, y0, side = canvas_box(page)
    cdp = page.context.new_cdp_session(page)

    def touch(kind, x, y):
        point = [{"x": x0 + x * side, "y": y0 + y * side}] if kind != "touchEnd" else []
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": point})

    touch("touchStart", *points[0])
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        for i in range(1, 11):
            touch("touchMove", xa + (xb - xa) * i / 10, ya + (yb - ya) * i / 10)
    touch("touchEnd", 0, 0)


def answer_to(page, act):
    """Do `act()` (e.g. draw) and return the predict request's JSON body and the answer's JSON."""
    with page.expect_response("**/api/predict") as response:
        act()
    return response.value.request.post_data_json, response.value.json()


def prediction_after(page, seq):
    """Wait until the seq-th prediction is shown; return its digit."""
    box = page.locator(f'[data-testid="prediction"][data-seq="{seq}"]')
    box.wait_for(timeout=10_000)
    return box.get_attribute("data-digit")


def ink_pixels(page):
    return page.evaluate(
        """() => {
          const c = document.querySelector('[data-testid="canvas"]');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }"""
    )


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true. (page.wait_for_function compiles its
    predicate with eval, which the site's Content-Security-Policy rightly refuses.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def canvas_alpha(page, selector='[data-testid="canvas"]'):
    """The canvas's alpha channel, one value per canvas pixel, row by row."""
    return page.evaluate(
        """(selector) => {
          const c = document.querySelector(selector);
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          return Array.from({length: d.length / 4}, (_, i) => d[4 * i + 3]);
        }""",
        selector,
    )


# Counts what the page draws and which "change" events its objects dispatch, from before
# its scripts run: window.drawCalls.clearRect (a full redraw starts with one),
# .quadraticCurveTo (the curves traced) and .change. Tests reset them with
# resetDrawCalls().
COUNT_DRAW_CALLS = """
(() => {
  const calls = { clearRect: 0, quadraticCurveTo: 0, change: 0 };
  window.drawCalls = calls;
  window.resetDrawCalls = () => Object.keys(calls).forEach((k) => (calls[k] = 0));
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["clearRect", "quadraticCurveTo"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      calls[name]++;
      return original.apply(this, args);
    };
  }
  const dispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (event) {
    if (event.type === "change" && !(this instanceof Node)) calls.change++;
    return dispatch.call(this, event);
  };
})();
"""


# Times from pen up (the pointerup's own time stamp), in ms, for each prediction shown:
# window.answerTimes.shown when the answer is in the page, .painted when the frame that
# shows it has been painted.
TIME_ANSWERS = """() => {
  const times = (window.answerTimes = { shown: [], painted: [] });
  let up = 0;
  const canvas = document.querySelector('[data-testid="canvas"]');
  canvas.addEventListener("pointerup", (e) => (up = e.timeStamp), true);
  const box = document.querySelector('[data-testid="prediction"]');
  new MutationObserver(() => {
    const start = up;
    times.shown.push(performance.now() - start);
    // The frame that shows the answer runs its animation callbacks, then paints; a task
    // queued from that callback runs after the paint.
    requestAnimationFrame(() => setTimeout(() => times.painted.push(performance.now() - start)));
  }).observe(box, { attributes: true, attributeFilter: ["data-seq"] });
}"""


def names_start_with_their_text(locator) -> list[str]:
    """The buttons among `locator` whose accessible name does not start with the text they
    show (WCAG 2.5.3: voice control says what it sees), as "shown | name"."""
    found = locator.evaluate_all(
        "bs => bs.map(b => [b.innerText.replace(/\\s+/g, ' ').trim(), b.getAttribute('aria-label') || ''])"
    )
    return [f"{shown} | {name}" for shown, name in found if not name.startswith(shown)]
