"""The CNN on /network, in a real Chromium with the shipped model: the page opens the site's
default model, asks for every layer with the strokes, and draws the server's numbers (each
feature map, the dense layer's strongest units, the outputs); a map hovered or tapped shows
what its filter looks for and where it responds; the filters can be opened; on a phone the
details open as a sheet."""

import json

import numpy as np
import pytest
from django.test import Client

from tests.browser import (
    PHONE,
    SEVEN,
    draw_with_mouse,
    draw_with_touch,
    names_start_with_their_text,
    open_page,
    wait_until,
)

pytestmark = pytest.mark.browser
VIEW = '[data-testid="network-view"]'
PANEL = '[data-testid="neuron-panel"]'


def open_cnn(browser, site, **context):
    page = open_page(browser, f"{site}/network", **context)
    page.locator(f'{VIEW}[data-model="cnn"][data-weights="loaded"]').wait_for(timeout=10_000)
    return page


def drawn(page, draw=draw_with_mouse):
    """Draw a seven; return the request the page sent and the server's answer to it, again."""
    with page.expect_request("**/api/predict") as request:
        draw(page, SEVEN)
    page.locator(f'{VIEW}[data-seq="1"]').wait_for(timeout=10_000)
    body = request.value.post_data_json
    answer = Client().post("/api/predict", json.dumps(body), content_type="application/json").json()
    return body, answer["digits"][0]


def painted_map(page, item):
    """The [r, g, b] of every cell of a map's tile, row by row."""
    return page.evaluate(
        """(item) => {
          const c = document.querySelector(`[data-item="${item}"] canvas`);
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          return Array.from({ length: d.length / 4 }, (_, i) => [d[4 * i], d[4 * i + 1], d[4 * i + 2]]);
        }""",
        item,
    )


def heat(page, values, scale):
    """The colours the page paints map values with on a layer of that scale (square-root ramp)."""
    return page.evaluate(
        """async ([values, scale]) => {
          const { heat } = await import('/static/recognizer/js/network-colours.js');
          return values.map((v) => heat(Math.sqrt(Math.max(0, v) / scale)));
        }""",
        [list(map(float, values)), float(scale)],
    )


def test_the_network_page_opens_the_default_cnn_and_draws_the_servers_maps(browser, site, screenshots):
    page = open_cnn(browser, site, viewport={"width": 1280, "height": 900})
    body, digit = drawn(page)
    assert body["model"] == "cnn" and body["activations"] is True
    assert page.locator(VIEW).get_attribute("data-digit") == str(digit["digit"]) == "7"
    layers = {name: np.array(values) for name, values in digit["activations"].items()}
    for kind, k in [("conv1", 0), ("conv1", int(layers["conv1"].max(axis=(1, 2)).argmax())), ("conv2", 5)]:
        maps = layers[kind]
        assert painted_map(page, f"{kind}-{k}") == heat(page, maps[k].ravel(), maps.max()), (kind, k)
    units = page.locator("[data-units] [data-item]")
    top = np.argsort(-layers["dense"], kind="stable")[:8]
    assert [units.nth(i).get_attribute("data-item") for i in range(8)] == [f"dense-{j}" for j in top]
    assert page.locator('[data-item="out-7"]').inner_text().split()[
        -1
    ] == f"{100 * digit['probabilities'][7]:.1f}%".replace("100.0%", "100%")
    page.screenshot(path=screenshots / "network-cnn-desktop.png", full_page=True)
    assert page.errors == []
    page.context.close()


def test_a_map_hovered_shows_what_its_filter_looks_for_and_where_it_responds(browser, site, screenshots):
    page = open_cnn(browser, site, viewport={"width": 1280, "height": 900})
    _, digit = drawn(page)
    maps = np.array(digit["activations"]["conv1"])
    k = int(maps.max(axis=(1, 2)).argmax())
    page.locator(f'[data-item="conv1-{k}"]').hover()
    panel = page.locator(f'{PANEL}[data-neuron="conv1-{k}"]')
    panel.wait_for(timeout=5_000)
    assert panel.get_by_test_id("activation").inner_text() == f"{maps[k].max():.3f}"
    assert panel.get_by_test_id("filter-image").evaluate("c => [c.width, c.height]") == [5, 5]
    assert panel.locator(".where-image").is_visible()
    # The digit at the top of the layers shows the map over it too, drawn at 8 pixels a pixel.
    assert page.locator("[data-cnn-input]").evaluate("c => c.width") == 28 * 8
    page.screenshot(path=screenshots / "network-cnn-map.png", full_page=True)
    page.mouse.move(1, 1)
    page.locator(f'{PANEL}[data-neuron=""]').wait_for(timeout=5_000)
    assert page.locator("[data-cnn-input]").evaluate("c => c.width") == 28
    assert page.errors == []
    page.context.close()


def test_the_filters_can_be_shown_and_opened(browser, site):
    page = open_cnn(browser, site, viewport={"width": 1280, "height": 900})
    drawn(page)
    page.locator('[data-layer-show="conv1"] [data-show="filters"]').click()
    assert page.locator('[data-item="conv1-3"] canvas').evaluate("c => [c.width, c.height]") == [5, 5]
    page.locator('[data-layer-show="conv2"] [data-show="filters"]').click()
    width, height = page.locator('[data-item="conv2-3"] canvas').evaluate("c => [c.width, c.height]")
    assert width > 5 and height > 5  # one 5x5 slice per map of layer 1, side by side
    page.locator('[data-item="conv2-3"]').click()
    panel = page.locator(f'{PANEL}[data-neuron="conv2-3"]')
    assert "It weighs these maps of layer 1 most" in panel.inner_text()
    panel.locator("button", has_text="#").first.click()  # one of those maps: layer 1's filter
    assert page.locator(PANEL).get_attribute("data-neuron").startswith("conv1-")
    page.keyboard.press("Escape")
    assert page.locator(PANEL).get_attribute("data-neuron") == ""
    assert page.errors == []
    page.context.close()


def test_a_dense_unit_and_an_output_show_what_they_weigh(browser, site):
    page = open_cnn(browser, site, viewport={"width": 1280, "height": 900})
    _, digit = drawn(page)
    dense = np.array(digit["activations"]["dense"])
    j = int(dense.argmax())
    page.locator(f'[data-item="dense-{j}"]').click()
    panel = page.locator(f'{PANEL}[data-neuron="dense-{j}"]')
    assert panel.get_by_test_id("activation").inner_text() == f"{dense[j]:.3f}"
    assert panel.locator(".votes li").count() == 10
    assert names_start_with_their_text(page.locator("button.out-row")) == []
    page.locator('[data-item="out-7"]').click()
    panel = page.locator(f'{PANEL}[data-neuron="out-7"]')
    assert "Units pushing 7 up most" in panel.inner_text()
    panel.locator("button", has_text="unit #").first.click()
    assert page.locator(PANEL).get_attribute("data-neuron").startswith("dense-")
    assert page.errors == []
    page.context.close()


def test_on_a_phone_the_layers_stack_and_a_tapped_map_opens_as_a_sheet(browser, site, screenshots):
    page = open_cnn(browser, site, **PHONE)
    drawn(page, draw_with_touch)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tiles = [page.locator(f'[data-item="conv1-{k}"]').bounding_box() for k in (0, 7)]
    assert tiles[0]["width"] >= 36  # eight maps a row: each large enough to tap
    assert tiles[1]["y"] == tiles[0]["y"] and tiles[1]["x"] + tiles[1]["width"] <= 390
    page.screenshot(path=screenshots / "network-cnn-phone.png", full_page=True)
    page.locator('[data-item="conv1-9"]').tap()
    panel = page.locator(f'{PANEL}[data-neuron="conv1-9"]')
    panel.wait_for(timeout=5_000)
    assert panel.evaluate("p => getComputedStyle(p).position") == "fixed"  # a sheet over the page
    assert panel.locator(".where-image").is_visible()
    tile = page.locator('[data-item="conv1-9"]').bounding_box()
    assert tile["y"] + tile["height"] <= panel.bounding_box()["y"]  # the map tapped stays in sight
    page.screenshot(path=screenshots / "network-cnn-phone-map.png")
    page.get_by_role("button", name="Close the neuron details").tap()
    page.locator(f'{PANEL}[data-neuron=""]').wait_for(timeout=5_000)
    page.locator('[data-item="conv2-60"]').scroll_into_view_if_needed()
    page.evaluate(
        "window.scrollBy(0, document.querySelector('[data-item=\"conv2-60\"]').getBoundingClientRect().bottom - innerHeight + 4)"
    )
    page.locator('[data-item="conv2-60"]').tap()  # at the foot of the screen, where the sheet opens
    panel = page.locator(f'{PANEL}[data-neuron="conv2-60"]')
    panel.wait_for(timeout=5_000)
    wait_until(
        page,
        "document.querySelector('[data-item=\"conv2-60\"]').getBoundingClientRect().bottom < 0.55 * innerHeight",
    )
    assert page.errors == []
    page.context.close()
