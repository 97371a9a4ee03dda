"""The admin: staff review labelled drawings, fix a label, delete junk; nobody else gets in."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from recognizer.models import Drawing
from tests.helpers import make_drawing

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


@pytest.fixture
def staff():
    client = Client()
    client.force_login(User.objects.create_superuser("reviewer", "reviewer@example.com", "pw-for-tests"))
    return client


def test_the_list_shows_each_drawing_with_its_thumbnail_label_and_the_models_answer(staff):
    make_drawing(7, fill=255, predicted=1, model="cnn")
    html = staff.get("/admin/recognizer/drawing/").content.decode()
    assert 'src="data:image/png;base64,' in html and "cnn" in html


def test_a_wrong_label_is_fixed_from_the_change_page(staff):
    drawing = make_drawing(7)
    response = staff.post(f"/admin/recognizer/drawing/{drawing.pk}/change/", {"label": "1"})
    assert response.status_code == 302
    drawing.refresh_from_db()
    assert drawing.label == 1 and len(bytes(drawing.pixels)) == 784


def test_a_label_over_9_is_refused_by_the_form(staff):
    drawing = make_drawing(7)
    response = staff.post(f"/admin/recognizer/drawing/{drawing.pk}/change/", {"label": "12"})
    assert response.status_code == 200  # the form again, with the error
    drawing.refresh_from_db()
    assert drawing.label == 7


def test_a_drawing_is_deleted(staff):
    drawing = make_drawing(7)
    staff.post(f"/admin/recognizer/drawing/{drawing.pk}/delete/", {"post": "yes"})
    assert not Drawing.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page():
    response = Client().get("/admin/recognizer/drawing/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
