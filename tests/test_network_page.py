"""The "Inside the network" page: the page and its weights over HTTP, then end-to-end in Chromium."""

import re
import struct

import numpy as np
import pytest
from django.test import Client
from PIL import Image, ImageDraw

from tests.browser import (
    SEVEN,
    draw_with_mouse,
    draw_with_touch,
    ink_pixels,
    open_page,
    prediction_after,
    wait_until,
)

SIZES = (784, 250, 10)
WEIGHTS_BYTES = 16 + 4 * (784 * 250 + 250 + 250 * 10 + 10)


def weights_url(html: str) -> str:
    match = re.search(r'data-weights-url="(/api/network/weights/[\w-]+\.bin)"', html)
    assert match, "the page does not link the weights"
    return match.group(1)


# --- over HTTP (Django's test client, the random model from conftest) -------------------


def test_the_network_page_links_the_versioned_weights():
    response = Client().get("/network")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="network-view"' in html
    assert "network-main.js" in html and "network.css" in html
    assert "<script>" not in html and "style=" not in html  # nothing inline: ready for a strict CSP
    weights_url(html)


def test_the_weights_are_a_dgw1_binary_cached_for_good():
    client = Client()
    response = client.get(weights_url(client.get("/network").content.decode()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert "immutable" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"DGW1")
    assert len(body) == WEIGHTS_BYTES
    assert struct.unpack("<3I", body[4:16]) == SIZES


def test_weights_of_another_version_are_not_found():
    assert Client().get("/api/network/weights/0123456789abcdef.bin").status_code == 404


def test_without_a_model_the_page_says_so(settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    settings.DIGITS_MODEL = tmp_path / "missing.pkl"
    response = Client().get("/network")
    assert response.status_code == 503
    html = response.content.decode()
    assert "model is not loaded" in html
    assert "network-main.js" not in html


# --- in a real Chromium (the shipped model) ---------------------------------------------

NETWORK_VIEW = '[data-testid="network-view"]'


def open_network(browser, site, **context):
    page = open_page(browser, f"{site}/network", **context)
    page.locator(NETWORK_VIEW).wait_for()
    return page


def shown(page, seq):
    """Wait until the seq-th set of activations is shown; return the top digit."""
    view = page.locator(f'{NETWORK_VIEW}[data-seq="{seq}"]')
    view.wait_for(timeout=10_000)
    return view.get_attribute("data-digit")


def hidden_neuron_point(page, j):
    """Where hidden neuron j sits on the screen, from the page's own layout."""
    page.locator("[data-stage]").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """async (j) => {
          const layout = await import('/static/recognizer/js/network-layout.js');
          const r = document.querySelector('[data-stage]').getBoundingClientRect();
          const [cx, cy] = layout.hiddenCentre(layout.computeLayout(r.width, r.height, [784, 250, 10]), j);
          return [r.left + cx, r.top + cy];
        }""",
        j,
    )
    return x, y


def wait_for_weights(page):
    wait_until(page, "document.querySelector('[data-status]').textContent.includes('Draw a digit')")


@pytest.mark.browser
def test_the_page_loads_empty_and_shows_the_structure(page, site):
    page.goto(f"{site}/network")
    wait_for_weights(page)
    view = page.locator(NETWORK_VIEW)
    assert view.get_attribute("data-seq") == "0" and view.get_attribute("data-digit") == ""
    assert "Draw a digit to see the neurons fire" in page.get_by_test_id("neuron-panel").inner_text()
    ratio = page.evaluate("window.devicePixelRatio")
    stage = page.locator("[data-layer='base']")
    assert stage.evaluate("c => c.width") == round(stage.bounding_box()["width"] * ratio)


@pytest.mark.browser
def test_drawing_a_digit_shows_the_activations(page, site):
    page.goto(f"{site}/network")
    draw_with_mouse(page, SEVEN)
    assert shown(page, 1) == "7"
    assert "It's a 7" in page.locator("[data-status]").inner_text()


@pytest.mark.browser
def test_hovering_a_hidden_neuron_shows_what_it_looks_for(page, site):
    page.goto(f"{site}/network")
    draw_with_mouse(page, SEVEN)
    shown(page, 1)
    page.mouse.move(*hidden_neuron_point(page, 123))
    panel = page.locator('[data-testid="neuron-panel"][data-neuron="123"]')
    panel.wait_for(timeout=5_000)
    image = panel.get_by_test_id("weight-image")
    assert image.is_visible()
    assert image.evaluate("c => [c.width, c.height]") == [28, 28]
    assert "activation" in panel.inner_text()
    page.mouse.move(1, 1)  # leaving the diagram lets go of a hovered neuron
    page.locator('[data-testid="neuron-panel"][data-neuron=""]').wait_for(timeout=5_000)


@pytest.mark.browser
def test_an_output_lists_the_neurons_pushing_it_and_one_can_be_picked(page, site):
    page.goto(f"{site}/network")
    draw_with_mouse(page, SEVEN)
    shown(page, 1)
    diagram = page.locator("[data-layer='base']")
    diagram.focus()
    page.keyboard.press("7")
    panel = page.get_by_test_id("neuron-panel")
    assert panel.get_attribute("data-neuron") == "out-7"
    assert "Pushing 7 up most" in panel.inner_text()
    first = panel.locator("[data-neuron-button]").first
    index = first.get_attribute("data-neuron-button")
    first.click()
    assert panel.get_attribute("data-neuron") == index


@pytest.mark.browser
def test_the_keyboard_moves_between_neurons(page, site):
    page.goto(f"{site}/network")
    wait_for_weights(page)
    page.locator("[data-layer='base']").focus()
    panel = page.get_by_test_id("neuron-panel")
    page.keyboard.press("Home")
    assert panel.get_attribute("data-neuron") == "0"
    page.keyboard.press("ArrowRight")
    assert panel.get_attribute("data-neuron") == "1"
    page.keyboard.press("ArrowDown")
    assert panel.get_attribute("data-neuron") == "11"  # ten hidden neurons a row on a wide diagram
    assert "Draw a digit to see the neurons fire" in panel.inner_text()
    page.keyboard.press("Escape")
    assert panel.get_attribute("data-neuron") == ""


def ambiguous_input() -> np.ndarray:
    """MNIST-form pixels half a "7" and half a "1": the network is unsure, so every small
    difference between two forward passes shows in the probabilities."""
    image = Image.new("L", (28, 28))
    draw = ImageDraw.Draw(image)
    draw.line([(6, 7), (21, 7), (12, 23)], fill=128, width=3)
    draw.line([(14, 5), (14, 23)], fill=128, width=3)
    return np.asarray(image, dtype=np.float32) / 255


@pytest.mark.browser
def test_the_pages_forward_pass_matches_the_servers(page, site):
    from nn import MODEL_DIR
    from nn.model_file import load_model

    pixels = ambiguous_input()
    server = load_model(MODEL_DIR / "mlp.pkl").network.predict_proba(pixels.reshape(1, -1))[0]
    assert server.max() < 0.97, "the input must leave the network unsure"
    page.goto(f"{site}/network")
    in_page = page.evaluate(
        """async (pixels) => {
          const {loadWeights} = await import('/static/recognizer/js/network-weights.js');
          const {forward} = await import('/static/recognizer/js/network-math.js');
          const url = document.querySelector('[data-testid="network-view"]').dataset.weightsUrl;
          return Array.from(forward(await loadWeights(url, [784, 250, 10]), pixels).p);
        }""",
        pixels.ravel().tolist(),
    )
    assert np.abs(np.array(in_page) - server).max() < 1e-5


@pytest.mark.browser
def test_the_network_page_asks_the_server_to_prepare_the_drawing_for_the_784_250_10(page, site):
    requests = []
    page.on("request", lambda r: r.url.endswith("/api/predict") and requests.append(r.post_data_json))
    page.goto(f"{site}/network")
    draw_with_mouse(page, SEVEN)
    page.locator('[data-testid="network-view"][data-seq="1"]').wait_for(timeout=10_000)
    assert requests and requests[-1]["model"] == "mlp"


@pytest.mark.browser
def test_a_drawing_made_on_the_drawing_page_is_carried_over(page, site):
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    page.get_by_role("link", name="Network").click()
    assert shown(page, 1) == "7"
    assert ink_pixels(page) > 0
    page.go_back()  # and back on the drawing page it is still there, predicted again
    page.locator('[data-testid="prediction"][data-seq="1"][data-digit="7"]').wait_for(timeout=10_000)
    page.get_by_test_id("clear").click()
    page.goto(f"{site}/network")
    wait_for_weights(page)
    assert page.locator(NETWORK_VIEW).get_attribute("data-seq") == "0"
    assert ink_pixels(page) == 0


@pytest.mark.browser
def test_the_page_looks_right_on_a_desktop(browser, site, screenshots):
    page = open_network(browser, site, viewport={"width": 1200, "height": 900})
    draw_with_mouse(page, SEVEN)
    shown(page, 1)
    page.mouse.move(*hidden_neuron_point(page, 123))
    page.locator('[data-testid="neuron-panel"][data-neuron="123"]').wait_for(timeout=5_000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "network-desktop.png", full_page=True)
    assert page.errors == []
    page.context.close()


@pytest.mark.browser
def test_on_a_phone_the_layout_stacks_and_a_tap_opens_a_neuron(browser, site, screenshots):
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    page = open_network(browser, site, device_scale_factor=3, **phone)
    draw_with_touch(page, SEVEN)
    assert shown(page, 1) == "7"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    pad = page.get_by_test_id("canvas").bounding_box()
    stage = page.locator("[data-stage]").bounding_box()
    assert stage["y"] > pad["y"] + pad["height"]  # stacked, not side by side
    page.screenshot(path=screenshots / "network-phone.png", full_page=True)
    page.touchscreen.tap(*hidden_neuron_point(page, 60))
    panel = page.locator('[data-testid="neuron-panel"][data-neuron="60"]')
    panel.wait_for(timeout=5_000)
    assert panel.get_by_test_id("weight-image").is_visible()
    assert panel.evaluate("p => p.getBoundingClientRect().top < innerHeight")  # opened on screen
    # The panel opens as a sheet at the bottom; the diagram scrolls up above it.
    wait_until(page, "Math.abs(document.querySelector('[data-stage]').getBoundingClientRect().top) < 2")
    page.screenshot(path=screenshots / "network-phone-neuron.png")
    page.get_by_role("button", name="Close the neuron details").tap()
    page.locator('[data-testid="neuron-panel"][data-neuron=""]').wait_for(timeout=5_000)
    assert page.errors == []
    page.context.close()
