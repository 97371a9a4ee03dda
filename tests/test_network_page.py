"""The "Inside the network" page: the page and its weights over HTTP, then the 784-250-10's
view end-to-end in Chromium (tests/test_cnn_view.py has the CNN's)."""

import io
import json

import numpy as np
import pytest
from django.test import Client

from nn.ink.sampling import SIDE
from nn.networks.cnn import KERNEL, ConvNet
from nn.networks.model_file import Model, describe
from recognizer import inspection, model_store
from tests.browser import (
    SEVEN,
    draw_with_mouse,
    draw_with_touch,
    ink_pixels,
    open_page,
    prediction_after,
    wait_until,
)

ARRAYS = {"mlp": ("W1", "b1", "W2", "b2"), "cnn": ("K1", "c1", "K2", "c2", "b3", "W4", "b4")}


def served_models(client=None) -> dict[str, dict]:
    """The models the page lists in its JSON: {name: {kind, version, weights: {array: URL}, ...}}."""
    response = (client or Client()).get("/network")
    assert response.status_code == 200
    html = response.content.decode()
    listed = html.split('<script id="network-models" type="application/json">')[1].split("</script>")[0]
    return {m["name"]: m for m in json.loads(listed)}


# --- over HTTP (Django's test client, the tiny model from conftest; the shipped ones) ----


def test_the_page_lists_each_model_with_one_npy_per_array_under_its_version():
    response = Client().get("/network")
    html = response.content.decode()
    (mlp,) = served_models().values()
    version = model_store.get("mlp").sha256[:16]
    assert mlp["kind"] == "mlp" and mlp["sizes"] == [784, 2, 10] and mlp["default"]
    assert mlp["weights"] == {name: f"/api/network/weights/{version}/{name}.npy" for name in ARRAYS["mlp"]}
    assert "network-main.js" in html and "network.css" in html
    assert "<script>" not in html and "style=" not in html  # nothing inline: ready for a strict CSP


def test_every_served_model_is_listed_the_default_first_and_each_array_is_its_exact_npy(settings):
    from tests.conftest import SHIPPED_DEFAULT, SHIPPED_MODEL_DIR

    settings.MODEL_DIR, settings.DIGITS_MODEL = SHIPPED_MODEL_DIR, SHIPPED_DEFAULT
    client = Client()
    models = served_models(client)
    assert list(models) == ["cnn", "mlp"] and models["cnn"]["default"]
    assert models["cnn"]["widths"] == list(model_store.get("cnn").network.widths)
    assert (models["cnn"]["kernel"], models["cnn"]["side"]) == (KERNEL, SIDE)  # the page's geometry
    assert models["cnn"]["channels"] == 3  # the shipped CNN reads the ink and the pen's direction
    for name, model in models.items():
        assert list(model["weights"]) == list(ARRAYS[model["kind"]])
        network = model_store.get(name).network
        for array_name, url in model["weights"].items():
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/octet-stream"
            assert response["Cache-Control"] == "public, max-age=31536000, immutable"
            array = np.load(io.BytesIO(response.content), allow_pickle=False)
            assert array.dtype == np.dtype("<f4") and array.flags.c_contiguous
            np.testing.assert_array_equal(array, network.params()[array_name])


def test_a_cnn_reading_the_ink_and_the_pen_s_direction_tells_the_page_its_three_channels():
    net = ConvNet.initialise(np.random.default_rng(0), widths=(2, 3, 4), channels=3)
    view = inspection.network_view(Model(net, describe(net), sha256="0" * 64))
    assert (view["kind"], view["widths"], view["channels"]) == ("cnn", [2, 3, 4], 3)
    K1 = np.load(io.BytesIO(inspection.weights_npy(Model(net, describe(net)), "K1")), allow_pickle=False)
    assert K1.shape == (5, 5, 3, 2)


def test_weights_of_an_old_version_or_an_unknown_array_are_not_found():
    url = served_models()["mlp"]["weights"]["W1"]
    client = Client()
    assert client.get(url.replace(url.split("/")[-2], "0123456789abcdef")).status_code == 404
    assert client.get(url.replace("W1.npy", "W3.npy")).status_code == 404
    assert client.get(url.replace("W1.npy", "K1.npy")).status_code == 404  # the CNN's, not this model's
    assert client.get(url.replace("W1.npy", "params.npy")).status_code == 404


def test_without_a_model_the_page_and_the_weights_are_a_503(settings, tmp_path):
    url = served_models()["mlp"]["weights"]["b2"]
    settings.MODEL_DIR = tmp_path
    settings.DIGITS_MODEL = tmp_path / "missing.pkl"
    response = Client().get("/network")
    assert response.status_code == 503
    assert "network-main.js" not in response.content.decode()
    weights = Client().get(url)
    assert weights.status_code == 503 and weights["Retry-After"]


# --- in a real Chromium (the shipped model) ---------------------------------------------

NETWORK_VIEW = '[data-testid="network-view"]'


def open_network(browser, site, **context):
    page = open_page(browser, f"{site}/network?model=mlp", **context)
    page.locator(NETWORK_VIEW).wait_for()
    return page


def shown(page, seq):
    """Wait until the seq-th set of activations is shown; return the top digit."""
    view = page.locator(f'{NETWORK_VIEW}[data-seq="{seq}"]')
    view.wait_for(timeout=10_000)
    return view.get_attribute("data-digit")


def wait_for_weights(page, state="loaded"):
    page.locator(f'{NETWORK_VIEW}[data-weights="{state}"]').wait_for(timeout=10_000)


def sizes(page) -> list[int]:
    """The layer sizes of the model the page shows, as the page lists it."""
    return page.evaluate(
        """() => JSON.parse(document.getElementById('network-models').textContent)
          .find((m) => m.name === document.querySelector('[data-testid="network-view"]').dataset.model).sizes"""
    )


def hidden_neuron_point(page, j):
    """Where hidden neuron j sits on the screen, from the page's own layout."""
    page.locator("[data-stage]").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """async ([j, sizes]) => {
          const layout = await import('/static/recognizer/js/network-layout.js');
          const r = document.querySelector('[data-stage]').getBoundingClientRect();
          const [cx, cy] = layout.hiddenCentre(layout.computeLayout(r.width, r.height, sizes), j);
          return [r.left + cx, r.top + cy];
        }""",
        [j, sizes(page)],
    )
    return x, y


def painted_neurons(page, indices):
    """The colour [r, g, b] at the centre of each of the hidden neurons `indices` on the diagram."""
    return page.evaluate(
        """async ([indices, sizes]) => {
          const layout = await import('/static/recognizer/js/network-layout.js');
          const canvas = document.querySelector("[data-layer='base']");
          const r = canvas.getBoundingClientRect();
          const L = layout.computeLayout(r.width, r.height, sizes);
          const ratio = canvas.width / r.width;
          const ctx = canvas.getContext('2d');
          return indices.map((j) => {
            const [x, y] = layout.hiddenCentre(L, j);
            return Array.from(ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data.slice(0, 3));
          });
        }""",
        [list(indices), sizes(page)],
    )


def activation_colours(page, values):
    """The colours the page paints activations `values` with, as [r, g, b]."""
    return page.evaluate(
        """async (values) => {
          const {activationColour} = await import('/static/recognizer/js/network-colours.js');
          return values.map((a) => activationColour(a).match(/\\d+/g).slice(0, 3).map(Number));
        }""",
        list(values),
    )


@pytest.mark.browser
def test_a_model_name_not_served_shows_the_default_and_the_address_says_which(page, site):
    page.goto(f"{site}/network?model=zzz&digit=1")
    wait_for_weights(page)
    assert page.locator(NETWORK_VIEW).get_attribute("data-model") == "cnn"
    assert page.url.endswith("/network?model=cnn&digit=1")


@pytest.mark.browser
def test_the_page_loads_empty_and_shows_the_structure(page, site):
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page)
    view = page.locator(NETWORK_VIEW)
    assert view.get_attribute("data-seq") == "0" and view.get_attribute("data-digit") == ""
    ratio = page.evaluate("window.devicePixelRatio")
    stage = page.locator("[data-layer='base']")
    assert stage.evaluate("c => c.width") == round(stage.bounding_box()["width"] * ratio)
    # With no drawing every hidden neuron is painted at activation 0.
    assert painted_neurons(page, [0, 123, 249]) == activation_colours(page, [0, 0, 0])


@pytest.mark.browser
def test_the_neurons_show_the_servers_answer_for_the_strokes_the_page_sent(page, site):
    bodies = []
    page.on("request", lambda r: r.url.endswith("/api/predict") and bodies.append(r.post_data_json))
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page)
    draw_with_mouse(page, SEVEN)
    digit = shown(page, 1)
    body = bodies[-1]
    assert set(body) == {"strokes", "model"} and body["model"] == "mlp"  # strokes only: no image
    server = Client().post("/api/predict", json.dumps(body), content_type="application/json").json()
    assert digit == str(server["digit"]) == "7"
    hidden = np.array(server["activations"]["hidden"])
    # The most active, the least active, and the one nearest half-lit.
    picks = [int(hidden.argmax()), int(hidden.argmin()), int(np.abs(hidden - 0.5).argmin())]
    assert painted_neurons(page, picks) == activation_colours(page, hidden[picks])
    # The panel of a hovered neuron gives the same activation, as a number.
    j = picks[2]
    page.mouse.move(*hidden_neuron_point(page, j))
    panel = page.locator(f'[data-testid="neuron-panel"][data-neuron="{j}"]')
    panel.wait_for(timeout=5_000)
    assert panel.get_by_test_id("activation").inner_text() == f"{hidden[j]:.3f}"


@pytest.mark.browser
def test_the_neurons_are_drawn_even_when_the_weights_do_not_come(page, site):
    page.route("**/api/network/weights/**", lambda route: route.fulfill(status=404))
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page, "failed")
    draw_with_mouse(page, SEVEN)
    assert shown(page, 1) == "7"
    assert "reload the page" in page.locator("[data-status]").inner_text()
    lit = painted_neurons(page, range(sizes(page)[1]))
    assert len({tuple(c) for c in lit}) > 10  # the hidden neurons lit up, each by its activation
    # The refused weights are logged as failed loads, which was the point; nothing else is.
    page.errors[:] = [e for e in page.errors if "404" not in e]


@pytest.mark.browser
def test_hovering_a_hidden_neuron_shows_what_it_looks_for(page, site):
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page)
    draw_with_mouse(page, SEVEN)
    shown(page, 1)
    page.mouse.move(*hidden_neuron_point(page, 123))
    panel = page.locator('[data-testid="neuron-panel"][data-neuron="123"]')
    panel.wait_for(timeout=5_000)
    image = panel.get_by_test_id("weight-image")
    assert image.is_visible()
    side = round(sizes(page)[0] ** 0.5)
    assert image.evaluate("c => [c.width, c.height]") == [side, side]
    page.mouse.move(1, 1)  # leaving the diagram lets go of a hovered neuron
    page.locator('[data-testid="neuron-panel"][data-neuron=""]').wait_for(timeout=5_000)


@pytest.mark.browser
def test_an_output_lists_the_neurons_pushing_it_and_one_can_be_picked(page, site):
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page)
    draw_with_mouse(page, SEVEN)
    shown(page, 1)
    diagram = page.locator("[data-layer='base']")
    diagram.focus()
    page.keyboard.press("7")
    panel = page.get_by_test_id("neuron-panel")
    assert panel.get_attribute("data-neuron") == "out-7"
    first = panel.locator("[data-neuron-button]").first
    index = first.get_attribute("data-neuron-button")
    first.click()
    assert panel.get_attribute("data-neuron") == index


@pytest.mark.browser
def test_the_keyboard_moves_between_neurons(page, site):
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page)
    page.locator("[data-layer='base']").focus()
    panel = page.get_by_test_id("neuron-panel")
    page.keyboard.press("Home")
    assert panel.get_attribute("data-neuron") == "0"
    page.keyboard.press("ArrowRight")
    assert panel.get_attribute("data-neuron") == "1"
    page.keyboard.press("ArrowDown")
    assert panel.get_attribute("data-neuron") == "11"  # ten hidden neurons a row on a wide diagram
    page.keyboard.press("Escape")
    assert panel.get_attribute("data-neuron") == ""


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
    page.goto(f"{site}/network?model=mlp")
    wait_for_weights(page)
    assert page.locator(NETWORK_VIEW).get_attribute("data-seq") == "0"
    assert ink_pixels(page) == 0


@pytest.mark.browser
def test_the_page_looks_right_on_a_desktop(browser, site, screenshots):
    page = open_network(browser, site, viewport={"width": 1200, "height": 900})
    wait_for_weights(page)
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
    wait_for_weights(page)
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
