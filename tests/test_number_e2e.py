"""Writing a number on the real page, with the mouse on a desktop's wide pad and with a
finger on a phone: "It's 2026" with a card per digit; a card tapped shows that digit and
labels it alone; "177" with a crossed seven; numbers written as people write them, with
small gaps, slanted, touching, or two digits in one stroke."""

import numpy as np
import pytest
from PIL import Image

from nn.ink import raster
from recognizer.models import LabelledDrawing
from tests.browser import (
    draw_with_mouse,
    draw_with_touch,
    names_start_with_their_text,
    open_page,
    prediction_after,
)
from tests.helpers import written

pytestmark = pytest.mark.browser


def write(page, number, height, draw=draw_with_mouse, left=0.1, **style):
    strokes, _ = written(number, height=height, left=left, **style)
    for stroke in strokes:
        draw(page, stroke)
    page.locator(".app:not([aria-busy])").wait_for(timeout=10_000)
    return strokes


def cards(page):
    return page.get_by_test_id("digit-cards")


def test_a_number_written_with_the_mouse_reads_it_s_2026_with_a_card_per_digit(page, screenshots):
    write(page, "2026", height=0.5)
    assert cards(page).get_attribute("data-number") == "2026"
    assert page.locator('[data-field="headline"]').inner_text() == "It's 2026"
    assert page.locator(".digit-card").count() == 4
    assert page.get_by_test_id("digit-card-0").get_attribute("aria-pressed") == "true"
    page.screenshot(path=screenshots / "number-desktop.png", full_page=True)


@pytest.mark.parametrize(
    "number, style",
    [
        ("21", {"gap": 0.04, "slant": 0.15}),
        ("41", {"gap": 0.0}),
        ("1372", {"gap": 0.05, "slant": 0.2}),
        ("2026", {"gap": -0.03, "slant": 0.1}),
    ],
    ids=["21 close and slanted", "41 touching", "1372 close and slanted", "2026 slanted and overlapping"],
)
def test_a_number_written_naturally_reads_right(page, number, style, screenshots):
    write(page, number, height=0.45, **style)
    assert cards(page).get_attribute("data-number") == number
    page.screenshot(path=screenshots / f"number-{number}.png", full_page=True)


def test_two_digits_written_without_lifting_the_pen_read_as_both(page):
    strokes, _ = written("21", height=0.45, gap=0.1)
    draw_with_mouse(page, strokes[0] + strokes[1])
    page.locator(".app:not([aria-busy])").wait_for(timeout=10_000)
    assert cards(page).get_attribute("data-number") == "21"


def test_a_crossed_seven_in_177_stays_one_digit(page):
    write(page, "177", height=0.5)
    assert cards(page).get_attribute("data-number") == "177"


@pytest.mark.django_db(transaction=True)
def test_a_card_tapped_shows_its_digit_and_labels_that_digit_alone(page, screenshots):
    strokes = write(page, "2026", height=0.5)
    seq = int(page.get_by_test_id("prediction").get_attribute("data-seq"))
    page.get_by_test_id("digit-card-3").click()
    assert prediction_after(page, seq + 1) == "6"
    assert page.get_by_test_id("digit-card-3").get_attribute("aria-pressed") == "true"
    assert "6" in page.get_by_test_id("label-right").inner_text()
    link = page.locator("[data-digit-neurons]")
    assert link.is_visible() and link.get_attribute("href").endswith("/network?digit=3")
    page.screenshot(path=screenshots / "number-card-tapped.png", full_page=True)
    page.get_by_test_id("label-8").click()  # say it was an 8
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    stored = LabelledDrawing.objects.get()
    assert stored.label == 8 and stored.predicted == 6
    assert len(stored.strokes) == 1 and stored.strokes[0][0] == pytest.approx(strokes[3][0], abs=1e-3)


def test_the_network_page_shows_the_chosen_digit_s_neurons(page, site):
    write(page, "2026", height=0.5)
    page.goto(f"{site}/network?digit=3")
    view = page.get_by_test_id("network-view")
    page.locator('[data-testid="network-view"][data-seq="1"]').wait_for(timeout=10_000)
    assert view.get_attribute("data-digit") == "6"


def test_a_number_written_with_a_finger_on_a_phone(browser, site, screenshots):
    page = open_page(browser, site, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    write(page, "177", height=0.22, draw=draw_with_touch, left=0.05)
    assert cards(page).get_attribute("data-number") == "177"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "number-phone.png", full_page=True)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("width, height", [(844, 390), (667, 375)])
def test_on_a_phone_held_sideways_the_pad_its_buttons_and_the_answer_fit_and_read_a_number(
    browser, site, screenshots, width, height
):
    page = open_page(
        browser, site, viewport={"width": width, "height": height}, has_touch=True, is_mobile=True
    )
    pad, undo = page.get_by_test_id("canvas").bounding_box(), page.get_by_test_id("undo").bounding_box()
    assert undo["y"] + undo["height"] <= height and pad["width"] > 1.5 * pad["height"]  # room for a number
    assert page.get_by_test_id("prediction").bounding_box()["y"] < height / 2  # beside the pad
    write(page, "21", height=0.6, draw=draw_with_touch, left=0.3)
    assert cards(page).get_attribute("data-number") == "21"
    assert page.evaluate("window.scrollY") == 0
    page.screenshot(path=screenshots / f"number-phone-sideways-{width}.png")
    assert page.errors == []
    page.context.close()


def test_a_single_digit_shows_no_cards(page):
    write(page, "7", height=0.6)
    assert cards(page).is_hidden()
    assert page.locator(".digit").is_visible()
    assert page.locator('[data-field="headline"]').inner_text() == "It's a 7"
    assert (
        page.locator('[data-field="detail"]').inner_text().endswith("· Convolutional net")
    )  # the picker's name


def test_a_photo_of_a_number_on_paper_reads_as_that_number(page, tmp_path):
    strokes, _ = written("2026", height=1.0, left=0, top=0)
    ink = raster.draw(strokes, pen_width=0.07, size=900)
    paper = np.pad(np.where(ink, 30, 240).astype(np.uint8), 60, constant_values=240)
    path = tmp_path / "number.png"
    Image.fromarray(paper).save(path)
    page.get_by_test_id("upload").set_input_files(str(path))
    page.locator('[data-testid="digit-cards"][data-number="2026"]').wait_for(timeout=10_000)
    assert page.locator("[data-digit-neurons]").is_hidden()  # the network page reads the pad, not a photo


@pytest.mark.django_db(transaction=True)
def test_right_confirms_the_whole_number_and_stores_each_digit_with_its_label(page, screenshots):
    strokes = write(page, "2026", height=0.5)
    confirm = page.get_by_test_id("label-right")
    assert confirm.inner_text() == "Right, it's 2026"
    assert "The 1st digit wrong?" in page.get_by_test_id("label-panel").inner_text()
    with page.expect_request("**/api/labelled-drawings") as sent:
        confirm.click()
    assert sent.value.post_data_json["number"] == "2026" and "label" not in sent.value.post_data_json
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    assert page.get_by_test_id("label-status").inner_text().startswith("Saved: 2026, as the network read it.")
    stored = LabelledDrawing.objects.order_by("id")
    assert [d.label for d in stored] == [2, 0, 2, 6] == [d.predicted for d in stored]
    assert [len(d.strokes) for d in stored] == [1, 1, 1, 1] and stored[3].strokes[0][0] == pytest.approx(
        strokes[3][0], abs=1e-3
    )
    page.screenshot(path=screenshots / "number-confirmed.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_digit_corrected_shows_in_the_number_and_is_labelled_once(page, screenshots):
    write(page, "2026", height=0.5)
    page.get_by_test_id("digit-card-3").click()
    page.get_by_test_id("label-8").click()
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    assert page.get_by_test_id("digit-card-3").inner_text().startswith("8")
    assert page.locator('[data-field="headline"]').inner_text() == "It's 2028"
    assert names_start_with_their_text(page.locator(".digit-card")) == []
    page.get_by_test_id("digit-card-0").click()  # another digit: still correctable, the whole no longer
    assert page.get_by_test_id("label-right").is_hidden()
    assert (
        page.get_by_test_id("label-2").is_visible() and page.get_by_test_id("label-status").inner_text() == ""
    )
    page.get_by_test_id("digit-card-3").click()  # the corrected one: said already
    assert page.get_by_test_id("label-status").inner_text().startswith("Saved as an 8.")
    assert page.get_by_test_id("label-8").is_hidden()
    page.screenshot(path=screenshots / "number-digit-corrected.png", full_page=True)
    assert [(d.label, d.predicted) for d in LabelledDrawing.objects.all()] == [(8, 6)]


@pytest.mark.django_db(transaction=True)
def test_a_correction_still_on_its_way_when_another_digit_is_tapped_counts_and_blocks_the_whole(page):
    write(page, "2026", height=0.5)
    page.route("**/api/labelled-drawings", lambda route: (page.wait_for_timeout(1500), route.continue_()))
    page.get_by_test_id("digit-card-3").click()
    page.get_by_test_id("label-8").click()
    page.get_by_test_id("digit-card-0").click()  # while the 8 is on its way
    assert page.get_by_test_id("label-right").is_hidden()
    page.locator('[data-testid="digit-card-3"].is-corrected').wait_for(timeout=10_000)
    assert page.locator('[data-field="headline"]').inner_text() == "It's 2028"
    assert page.get_by_test_id("label-status").inner_text() == ""  # the 1st digit's offer stands
    page.get_by_test_id("digit-card-3").click()
    assert page.get_by_test_id("label-status").inner_text().startswith("Saved as an 8.")
    assert [(d.label, d.predicted) for d in LabelledDrawing.objects.all()] == [(8, 6)]


@pytest.mark.django_db(transaction=True)
def test_a_number_confirmed_whole_offers_no_digit_to_correct_after(page):
    write(page, "2026", height=0.5)
    page.get_by_test_id("label-right").click()
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    page.get_by_test_id("digit-card-1").click()
    assert page.get_by_test_id("label-status").inner_text().startswith("Saved: 2026")
    assert page.get_by_test_id("label-0").is_hidden() and page.get_by_test_id("label-right").is_hidden()
    assert LabelledDrawing.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_from_the_keyboard_a_card_and_a_label_keep_the_focus_in_place(page):
    write(page, "2026", height=0.5)
    page.get_by_test_id("digit-card-2").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.testid") == "digit-card-2"
    page.get_by_test_id("label-5").focus()
    page.keyboard.press("Enter")
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    assert page.evaluate("document.activeElement.dataset.testid") == "label-status"
