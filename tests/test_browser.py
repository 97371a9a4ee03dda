"""End-to-end: the real drawing page in a real Chromium, driven by Playwright.

Strokes are replayed with the mouse, and with touch through the DevTools protocol, so
the page sees the same Pointer Events a person's hand would make.
"""

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from nn import DEFAULT_MODEL_PATH

pytestmark = pytest.mark.browser
# Playwright's sync API keeps an event loop running in this thread; Django's test
# fixtures are sync-only and refuse to run beside it unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / ".cache" / "screenshots")
)
SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]
ONE = [(0.5, 0.15), (0.5, 0.85)]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (set CHROMIUM)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings):
    """The live site, serving the shipped model."""
    settings.DIGITS_MODEL = DEFAULT_MODEL_PATH
    return live_server.url


def open_page(browser, url, **context):
    page = browser.new_context(**context).new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


@pytest.fixture
def page(browser, site):
    page = open_page(browser, site, viewport={"width": 1100, "height": 800})
    yield page
    assert page.errors == [], "the page logged errors"
    page.context.close()


def canvas_box(page):
    box = page.get_by_test_id("canvas").bounding_box()
    return box["x"], box["y"], box["width"]


def draw_with_mouse(page, points):
    x0, y0, side = canvas_box(page)
    page.mouse.move(x0 + points[0][0] * side, y0 + points[0][1] * side)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x * side, y0 + y * side, steps=10)
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


def test_a_seven_drawn_with_the_mouse_is_recognised_as_soon_as_the_stroke_ends(page):
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    bars = page.locator(".bar-value").all_inner_texts()
    assert len(bars) == 10 and sum(float(b.rstrip("%")) for b in bars) == pytest.approx(100, abs=1.5)
    assert page.locator("[data-processed]").get_attribute("src").startswith("data:image/png;base64,")
    assert page.locator("[data-processed]").is_visible()


def test_a_one_drawn_by_touch_on_a_phone_is_recognised(browser, site):
    page = open_page(
        browser,
        site,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=3,
    )
    draw_with_touch(page, ONE)
    assert prediction_after(page, 1) == "1"
    no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "draw-phone.png", full_page=True)
    assert page.errors == []


def test_undo_removes_the_last_stroke_and_predicts_again(page):
    draw_with_mouse(page, ONE)
    assert prediction_after(page, 1) == "1"
    draw_with_mouse(page, [(0.2, 0.5), (0.8, 0.5)])
    prediction_after(page, 2)
    page.get_by_test_id("undo").click()
    assert prediction_after(page, 3) == "1"
    page.get_by_test_id("undo").click()
    assert page.get_by_test_id("prediction").get_attribute("data-digit") == ""
    assert page.get_by_test_id("prediction").inner_text().startswith("?")
    assert ink_pixels(page) == 0


def test_clear_wipes_the_drawing_and_asks_for_a_digit(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    page.get_by_test_id("clear").click()
    assert ink_pixels(page) == 0
    assert "Draw a digit" in page.get_by_test_id("prediction").inner_text()
    assert page.get_by_test_id("prediction").get_attribute("data-digit") == ""


def test_resizing_the_window_redraws_the_strokes_instead_of_wiping_them(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    before = ink_pixels(page)
    page.set_viewport_size({"width": 500, "height": 800})
    page.wait_for_function("document.querySelector('[data-testid=canvas]').width < 400")
    after = ink_pixels(page)
    assert after > 0.3 * before


def test_a_slow_answer_never_overwrites_a_newer_one(page):
    delayed = {"first": True}

    def slow_first(route):
        if delayed.pop("first", False):
            page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/api/predict", slow_first)
    draw_with_mouse(page, [(0.2, 0.5), (0.8, 0.5)])  # a dash, answered late
    draw_with_mouse(page, ONE)  # turns it into a cross, answered at once
    page.wait_for_timeout(2500)
    assert page.get_by_test_id("prediction").get_attribute("data-seq") == "1"


def test_an_uploaded_photo_is_recognised(page, tmp_path):
    photo = Image.new("RGB", (600, 450), (235, 230, 220))  # off-white paper
    ImageDraw.Draw(photo).line([(240, 100), (380, 100), (290, 360)], fill=(30, 30, 60), width=22)
    photo.save(tmp_path / "seven.jpg", quality=85)
    page.get_by_test_id("upload").set_input_files(tmp_path / "seven.jpg")
    assert prediction_after(page, 1) == "7"


def test_the_page_looks_right_on_a_desktop(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "draw-desktop.png", full_page=True)
    assert page.get_by_test_id("canvas").evaluate("c => getComputedStyle(c).touchAction") == "none"
    ratio = page.evaluate("window.devicePixelRatio")
    box = canvas_box(page)
    assert page.get_by_test_id("canvas").evaluate("c => c.width") == round(box[2] * ratio)
