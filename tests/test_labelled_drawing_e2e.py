"""End-to-end: in a real Chromium, a person confirms or corrects an answer in one tap and
sees it counted; on the phone too. Runs on SQLite and, in CI, on PostgreSQL."""

import io

import pytest
from PIL import Image, ImageDraw

from recognizer.models import LabelledDrawing
from tests.browser import (
    ONE,
    PHONE,
    SEVEN,
    draw_with_mouse,
    draw_with_touch,
    open_page,
    prediction_after,
)

pytestmark = [pytest.mark.browser, pytest.mark.storage, pytest.mark.usefixtures("transactional_db")]


def saved_status(page) -> str:
    status = page.get_by_test_id("label-status")
    page.locator('[data-testid="label-status"][data-state="saved"]').wait_for(timeout=10_000)
    return status.inner_text()


def tap_when_still(page, target) -> None:
    """Scroll to `target` and tap it as a person would, a moment later: Chromium takes a
    touch within about 300 ms (longer on a loaded machine) of a scroll for the end of that gesture, not for a tap."""
    target.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    target.tap()


def test_one_tap_confirms_a_right_answer_and_the_stats_page_counts_it(page, site, screenshots):
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    assert page.get_by_test_id("label-right").inner_text() == "Right, it's a 7"
    page.screenshot(path=screenshots / "labelling-desktop.png")
    page.get_by_test_id("label-right").click()
    assert saved_status(page).startswith("Saved: a 7, as the network said. Thank you: the first drawing of 7")
    assert not page.get_by_test_id("label-right").is_visible()  # a second tap would count twice
    drawing = LabelledDrawing.objects.get()
    assert (drawing.label, drawing.predicted, len(drawing.strokes)) == (7, 7, 1)
    page.get_by_role("link", name="See the counts").click()
    assert "1 labelled drawing so far" in page.get_by_test_id("labelled-total").inner_text()
    assert page.locator('tr[data-digit="7"] [data-field="count"]').inner_text() == "1"


def test_one_tap_on_the_true_digit_corrects_a_wrong_answer(page):
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    with page.expect_request("**/api/labelled-drawings") as request:
        page.get_by_test_id("label-1").click()  # say it was really a 1
    assert saved_status(page).startswith("Saved as a 1. Thank you: the first drawing of 1")
    drawing = LabelledDrawing.objects.get()
    assert (drawing.label, drawing.predicted) == (1, 7)
    sent = request.value.post_data_json
    assert set(sent) == {"strokes", "label", "model"}  # the strokes, no picture of them
    assert drawing.strokes == sent["strokes"] and drawing.image is None


def test_an_answer_lost_on_the_way_back_is_retried_and_stored_once(page):
    """The server stores the label, the answer never reaches the page (a dropped connection),
    the person taps again: the same idempotency key, so one drawing, not two."""
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # it reaches the server and is stored...
            route.abort()  # ...and the page hears nothing
        else:
            route.continue_()

    page.route("**/api/labelled-drawings", lose_the_first_answer)
    draw_with_mouse(page, SEVEN)
    assert prediction_after(page, 1) == "7"
    page.get_by_test_id("label-right").click()
    page.locator('[data-testid="label-status"][data-state="error"]').wait_for(timeout=10_000)
    assert LabelledDrawing.objects.count() == 1
    page.get_by_test_id("label-right").click()
    assert saved_status(page).startswith("Saved: a 7")
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    assert LabelledDrawing.objects.count() == 1
    lost = [e for e in page.errors if "ERR_FAILED" in e]
    assert len(lost) == 1  # the answer this test dropped, and nothing else
    page.errors.remove(lost[0])


def test_a_photo_is_confirmed_with_one_tap_and_kept_as_a_reduced_copy(page, tmp_path):
    photo = Image.new("RGB", (400, 400), (235, 230, 220))
    ImageDraw.Draw(photo).line([(200, 60), (200, 340)], fill=(30, 30, 60), width=24)
    photo.save(tmp_path / "one.png")
    page.get_by_test_id("upload").set_input_files(tmp_path / "one.png")
    prediction_after(page, 1)
    assert "Tap the digit you wrote" in page.get_by_test_id("label-panel").inner_text()
    page.get_by_test_id("label-1").click()
    assert saved_status(page).startswith("Saved")
    drawing = LabelledDrawing.objects.get()
    assert (drawing.label, drawing.strokes) == (1, None)
    kept = Image.open(io.BytesIO(bytes(drawing.image)))
    assert (kept.format, kept.mode, kept.size) == ("PNG", "L", (256, 256))


def test_a_new_drawing_takes_the_offer_away_until_its_own_answer_arrives(page):
    draw_with_mouse(page, SEVEN)
    prediction_after(page, 1)
    page.get_by_test_id("label-right").click()
    saved_status(page)
    page.get_by_role("button", name="Clear").click()
    assert not page.get_by_test_id("label-panel").is_visible()
    draw_with_mouse(page, ONE)
    prediction_after(page, 2)
    assert page.get_by_test_id("label-right").is_visible()
    assert page.get_by_test_id("label-status").inner_text() == ""


def test_on_a_phone_a_touch_drawing_is_corrected_with_one_tap(browser, site, screenshots):
    page = open_page(browser, site, **PHONE)
    draw_with_touch(page, ONE)
    assert prediction_after(page, 1) == "1"
    tap_when_still(page, page.get_by_test_id("label-4"))
    assert saved_status(page).startswith("Saved as a 4.")
    assert LabelledDrawing.objects.get().label == 4
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "labelling-phone.png", full_page=True)
    assert page.errors == []
    page.context.close()
