"""The model page: what it reports, and that it works in a real browser."""

import json

import numpy as np
import pytest
from django.test import Client

from nn.model_file import save_model
from nn.network import Network
from tests.browser import open_page


def report_of(response):
    start = response.content.index(b'<script id="model-report" type="application/json">')
    body = response.content[start:].split(b">", 1)[1].split(b"</script>", 1)[0]
    return json.loads(body)


def test_the_model_page_embeds_the_report_of_the_served_model():
    response = Client().get("/model")
    assert response.status_code == 200
    report = report_of(response)
    assert report["sizes"] == [784, 250, 10]
    assert report["served"] == report["name"]


def test_every_model_in_the_models_folder_has_its_own_page(settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    for name in ("mlp", "other"):
        save_model(tmp_path / f"{name}.pkl", Network.initialise(np.random.default_rng(0)), {"name": name})
    settings.DIGITS_MODEL = tmp_path / "mlp.pkl"
    page = Client().get("/model/other")
    assert page.status_code == 200
    assert report_of(page)["name"] == "other"
    assert b'href="/model/mlp"' in page.content


def test_an_unknown_model_name_is_a_404():
    assert Client().get("/model/nope").status_code == 404


@pytest.mark.browser
def test_the_model_page_draws_its_figures_and_opens_mistakes_in_a_real_browser(browser, site, screenshots):
    page = open_page(browser, f"{site}/model", viewport={"width": 1200, "height": 900})
    assert page.locator('[data-field="accuracy"]').inner_text().endswith("%")
    assert page.locator(".confusion tbody tr").count() == 10
    assert page.locator(".chart path.series").count() >= 3
    # The busiest off-diagonal cell opens its misclassified digits.
    cells = page.locator(".confusion button:not([disabled])")
    counts = [int(t or 0) for t in cells.all_inner_texts()]
    cells.nth(int(np.argmax(counts))).click()
    assert page.locator(".mistake-row canvas").count() == max(counts)
    page.get_by_role("button", name="Show me a random test digit").click()
    page.locator("[data-random][data-digit]").wait_for(timeout=10_000)
    assert "The network says" in page.locator("[data-random]").inner_text()
    page.screenshot(path=screenshots / "model-desktop.png", full_page=True)
    phone = open_page(
        browser, f"{site}/model", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=screenshots / "model-phone.png", full_page=True)
    assert page.errors == [] and phone.errors == []
