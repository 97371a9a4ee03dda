"""The model page: what it reports, and that it works in a real browser."""

import json

import numpy as np
import pytest
from django.test import Client

from nn.data.handwriting import Sample
from nn.networks.model_file import save_model
from nn.networks.network import Network
from nn.training.evaluate import measure_real_writers
from tests.browser import open_page, slow_answers
from tests.helpers import MLP_SIZES


def report_of(response):
    start = response.content.index(b'<script id="model-report" type="application/json">')
    body = response.content[start:].split(b">", 1)[1].split(b"</script>", 1)[0]
    return json.loads(body)


def test_the_model_page_embeds_the_report_of_the_served_model():
    response = Client().get("/model")
    assert response.status_code == 200
    report = report_of(response)
    assert report["sizes"] == [784, 2, 10]  # the tiny test network
    assert report["served"] == report["name"]


def test_every_model_in_the_models_folder_has_its_own_page(settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    for name in ("mlp", "other"):
        save_model(
            tmp_path / f"{name}.pkl", Network.initialise(np.random.default_rng(0), MLP_SIZES), {"name": name}
        )
    settings.DIGITS_MODEL = tmp_path / "mlp.pkl"
    page = Client().get("/model/other")
    assert page.status_code == 200
    assert report_of(page)["name"] == "other"
    assert b'href="/model/mlp"' in page.content


@pytest.mark.usefixtures("shipped")
def test_the_model_page_names_the_models_as_the_picker_does():
    page = Client().get("/model/mlp")
    assert report_of(page)["title"] == "784-250-10 net"
    html = page.content.decode()
    assert '<a href="/model/cnn">Convolutional net (answers on the site)</a>' in html
    assert '<a href="/model/mlp" aria-current="page">784-250-10 net</a>' in html


def test_the_report_carries_the_real_writers_figures_and_the_temperature(settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    net = Network.initialise(np.random.default_rng(0), MLP_SIZES)
    net.temperature = 1.4
    figures = {"accuracy": 0.981, "count": 1969, "writers": 60, "per_set": {"unipen": 0.98}, "per_digit": [0.97] * 10,
               "ece": 0.004, "sure": 1900, "sure_wrong": 6}  # fmt: skip
    save_model(
        tmp_path / "mlp.pkl",
        net,
        {"name": "mlp", "handwriting": figures, "calibration": {"temperature": 1.4}},
    )
    settings.DIGITS_MODEL = tmp_path / "mlp.pkl"
    report = report_of(Client().get("/model"))
    assert report["handwriting"] == figures and report["calibration"]["temperature"] == 1.4


def test_the_real_writers_counted_are_the_named_ones_and_digits_of_unnamed_writers_are_counted_apart():
    named = [Sample(d, f"unipen/aga/w{d % 2}", "unipen", "aga") for d in range(4)]  # two writers
    unnamed = [Sample(d, f"usps/test/{d}", "usps", "usps", fixed_side="test") for d in range(3)]
    samples = named + unnamed
    images = np.zeros((len(samples), 28, 28), np.float32)
    labels = np.array([s.label for s in samples])
    figures = measure_real_writers(
        Network.initialise(np.random.default_rng(0), MLP_SIZES), False, (samples, images, labels)
    )
    assert (figures["count"], figures["writers"], figures["unnamed"]) == (7, 2, 3)


def test_an_unknown_model_name_is_the_site_s_404_page_naming_the_models_there_are(settings):
    settings.DEBUG = False  # the page a visitor gets, not Django's debug page
    page = Client().get("/model/nope")
    assert page.status_code == 404
    html = page.content.decode()
    assert "Unknown model &#x27;nope&#x27;; choose one of mlp." in html and 'aria-label="Main"' in html


def test_an_address_with_no_page_gets_the_site_s_404_page_saying_so(settings):
    settings.DEBUG = False
    page = Client().get("/no-such-page")
    assert page.status_code == 404 and "There is no page at /no-such-page." in page.content.decode()


@pytest.mark.browser
def test_the_model_page_draws_its_figures_and_opens_mistakes_in_a_real_browser(browser, site, screenshots):
    page = open_page(browser, f"{site}/model", viewport={"width": 1200, "height": 900})
    assert page.locator('[data-field="accuracy"]').inner_text().endswith("%")
    tested = int(np.sum(report_of(Client().get("/model"))["confusion"]))  # the count is data, not copy
    assert page.locator('[data-field="tested"]').inner_text() == f"of the {tested:,} MNIST test digits"
    real = report_of(Client().get("/model"))["handwriting"]  # the shipped model was measured on them
    assert page.locator('[data-field="real-tested"]').inner_text() == (
        f"of {real['count']:,} real people's digits it never trained on: {real['count'] - real['unnamed']:,} by"
        f" {real['writers']:,} writers, {real['unnamed']:,} from a test set that names none"
    )
    assert page.locator(".confusion tbody tr").count() == 10
    assert page.locator(".chart path.series").count() >= 3
    # The busiest off-diagonal cell opens its misclassified digits.
    cells = page.locator(".confusion button:not([disabled])")
    counts = [int(t or 0) for t in cells.all_inner_texts()]
    cells.nth(int(np.argmax(counts))).click()
    assert page.locator(".mistake-row canvas").count() == max(counts)
    page.locator("[data-random][data-digit]").wait_for(timeout=10_000)  # the digit shown on load
    slow_answers(page)
    page.get_by_role("button", name="Show me a random test digit").click()
    # While a new digit is being asked about, the card does not say it is answered.
    assert page.locator("[data-random]").get_attribute("data-digit") is None
    page.locator("[data-random][data-digit]").wait_for(timeout=10_000)
    assert "The network says" in page.locator("[data-random]").inner_text()
    page.screenshot(path=screenshots / "model-desktop.png", full_page=True)
    phone = open_page(
        browser, f"{site}/model", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=screenshots / "model-phone.png", full_page=True)
    assert page.errors == [] and phone.errors == []


def open_model_page(browser, site, width):
    phone = {"is_mobile": True, "has_touch": True} if width < 500 else {}
    return open_page(browser, f"{site}/model", viewport={"width": width, "height": 900}, **phone)


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 390, 1280])
def test_the_confusion_matrix_fits_its_card_with_every_column_readable(browser, site, width):
    page = open_model_page(browser, site, width)
    wrap = page.locator(".matrix-wrap").bounding_box()
    column_9 = page.locator(".confusion thead th").last
    assert column_9.inner_text() == "9"
    box = column_9.bounding_box()
    assert box["x"] + box["width"] <= min(wrap["x"] + wrap["width"], width) + 0.5
    # No count is cut off inside its cell, 1131 included.
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.confusion td')].filter((td) => {
          const text = document.createRange();
          text.selectNodeContents(td.querySelector('button') || td);
          return text.getBoundingClientRect().width > td.clientWidth;
        }).length"""
    )
    assert clipped == 0
    assert page.errors == []
    page.context.close()


def expected_cell_label(count, truth, said):
    times = "time" if count == 1 else "times"
    return f"{count} {times} {'an' if truth == 8 else 'a'} {truth} was read as {said}"


@pytest.mark.browser
def test_a_screen_reader_hears_each_cell_in_words_that_agree(browser, site):
    page = open_model_page(browser, site, 1280)
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.confusion tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => [td.textContent, td.querySelector('button')?.ariaLabel]))"""
    )
    for truth, row in enumerate(rows):
        for said, (text, label) in enumerate(row):
            if said != truth:
                assert label == expected_cell_label(int(text or 0), truth, said)
    page.context.close()


def round_steps(values):
    """The steps between ticks: equal, and 1, 2 or 5 times a power of ten."""
    steps = np.diff(values)
    assert np.allclose(steps, steps[0]), values
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    return min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-6


@pytest.mark.browser
def test_the_charts_have_round_ticks_and_legends_clear_of_the_lines(browser, site):
    page = open_model_page(browser, site, 1280)
    charts = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].map((svg) => ({
          y: [...svg.querySelectorAll('text.tick[text-anchor="end"]')].map((t) => t.textContent),
          x: [...svg.querySelectorAll('text.tick[text-anchor="middle"]')].map((t) => t.textContent),
          plotTop: Math.min(...[...svg.querySelectorAll('line.grid')].map((l) => l.getBBox().y)),
          lineTop: Math.min(...[...svg.querySelectorAll('path.series')].map((p) => p.getBBox().y)),
          legendBottom: Math.max(...[...svg.querySelectorAll('text.legend')].map((t) => {
            const b = t.getBBox(); return b.y + b.height; })),
        }))"""
    )
    assert len(charts) == 2
    for chart in charts:
        y = [float(t.rstrip("%")) for t in chart["y"]]
        x = [int(t) for t in chart["x"]]
        assert round_steps(y) and round_steps(x), chart
        assert chart["legendBottom"] < chart["plotTop"] <= chart["lineTop"] + 0.5, chart
    assert float(charts[1]["y"][-1].rstrip("%")) <= 100  # the accuracy axis never goes past 100%
    page.context.close()


@pytest.mark.browser
def test_per_digit_bars_are_the_accuracy_on_a_scale_that_says_where_it_starts(browser, site):
    page = open_model_page(browser, site, 1280)
    ticks = [float(t.rstrip("%")) for t in page.locator(".pc-ticks span").all_inner_texts()]
    assert ticks[-1] == 100 and round_steps(ticks)
    assert page.locator('[data-field="per-class-from"]').inner_text() == f"{ticks[0]:g}%"
    lengths = page.evaluate(
        """() => [...document.querySelectorAll('.per-class li:not(.pc-scale)')].map((li) =>
          li.querySelector('.pc-fill').getBoundingClientRect().width /
          li.querySelector('.pc-track').getBoundingClientRect().width)"""
    )
    accuracy = np.array([float(t.rstrip("%")) for t in page.locator(".pc-value").all_inner_texts()])
    assert np.allclose(lengths, (accuracy - ticks[0]) / (100 - ticks[0]), atol=0.01)
    assert accuracy[np.argmax(lengths)] == accuracy.max()  # the longest bar is a best digit (they may tie)
    assert min(lengths) > 0.1  # the weakest still shows
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_every_chart_label_is_at_least_12_pixels_on_screen(browser, site, screenshots, width):
    page = open_model_page(browser, site, width)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text, .pc-ticks span')].map((t) => {
          const px = parseFloat(getComputedStyle(t).fontSize);
          return t.ownerSVGElement ? px * t.ownerSVGElement.getScreenCTM().a : px;
        })"""
    )
    assert len(sizes) > 20 and min(sizes) >= 12, sizes
    page.locator("[data-per-class]").screenshot(path=screenshots / f"model-per-digit-{width}.png")
    page.locator(".charts").screenshot(path=screenshots / f"model-charts-{width}.png")
    assert page.errors == []
    page.context.close()


@pytest.mark.browser
def test_the_random_test_digit_card_shows_a_digit_without_a_click(browser, site):
    page = open_model_page(browser, site, 390)
    page.locator("[data-random] canvas").wait_for(timeout=5_000)
    page.locator("[data-random][data-digit]").wait_for(timeout=10_000)
    assert "The network says" in page.locator("[data-random]").inner_text()
    assert page.errors == []
    page.context.close()


@pytest.mark.browser
def test_the_784_250_10_s_page_says_which_model_taught_it_and_how_much(browser, site):
    page = open_page(browser, f"{site}/model/mlp", viewport={"width": 1280, "height": 900})
    facts = page.locator("[data-config]")
    taught = facts.locator("dt", has_text="taught by").locator("xpath=following-sibling::dd[1]")
    assert taught.inner_text() == "the convolutional net's answers: 30% of each target, the label the rest"
    cnn = open_page(browser, f"{site}/model/cnn", viewport={"width": 1280, "height": 900})
    assert cnn.locator("[data-config] dt", has_text="taught by").count() == 0
    assert page.errors == [] and cnn.errors == []
