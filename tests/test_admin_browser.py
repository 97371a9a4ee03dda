"""End-to-end: a reviewer signs in to the admin in Chromium, under the site's strict
Content-Security-Policy, and fixes a label from the list."""

import pytest
from django.contrib.auth.models import User

from recognizer.models import LabelledDrawing
from tests.browser import open_page
from tests.helpers import make_drawing

pytestmark = [pytest.mark.browser, pytest.mark.storage, pytest.mark.usefixtures("transactional_db")]


def test_a_reviewer_signs_in_and_fixes_a_label_from_the_list_without_csp_errors(browser, site, screenshots):
    User.objects.create_superuser("reviewer", "reviewer@example.com", "a-long-test-password")
    drawing = make_drawing(7, fill=255, predicted=1, model="cnn")
    page = open_page(
        browser, site + "/admin/recognizer/labelleddrawing/", viewport={"width": 1200, "height": 800}
    )
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.locator("#result_list").wait_for()
    assert page.locator('#result_list img[src^="data:image/png;base64,"]').count() == 1
    page.locator("select[name='form-0-label'], input[name='form-0-label']").fill("1")
    page.get_by_role("button", name="Save").click()
    page.locator(".messagelist").wait_for()
    drawing.refresh_from_db()
    assert drawing.label == 1
    page.screenshot(path=screenshots / "admin-list.png")
    assert page.errors == [], "the admin logged errors (a CSP violation is one)"
    assert LabelledDrawing.objects.count() == 1
    page.context.close()


def test_at_1280_px_the_list_shows_every_column_unclipped(browser, site):
    User.objects.create_superuser("reviewer", "reviewer@example.com", "a-long-test-password")
    make_drawing(7, fill=255, predicted=1, model="cnn")
    page = open_page(
        browser, site + "/admin/recognizer/labelleddrawing/", viewport={"width": 1280, "height": 800}
    )
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    results = page.locator("#changelist .results")
    results.wait_for()
    assert results.evaluate("r => r.scrollWidth <= r.clientWidth"), "the table is wider than its box"
    created, box = page.locator("#result_list tbody td").last.bounding_box(), results.bounding_box()
    assert created["x"] + created["width"] <= box["x"] + box["width"] + 0.5
    assert page.errors == []
    page.context.close()
