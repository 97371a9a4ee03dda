"""The admin: staff review labelled drawings, fix a label, delete junk; nobody else gets in."""

import base64
import io
import re

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from PIL import Image

from nn.ink import raster
from recognizer.models import LabelledDrawing
from tests.helpers import make_drawing

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


@pytest.fixture
def staff():
    client = Client()
    client.force_login(User.objects.create_superuser("reviewer", "reviewer@example.com", "pw-for-tests"))
    return client


def test_the_list_shows_each_drawing_with_its_thumbnail_label_and_the_models_answer(staff):
    make_drawing(7, fill=255, predicted=1, model="cnn")
    html = staff.get("/admin/recognizer/labelleddrawing/").content.decode()
    assert 'src="data:image/png;base64,' in html and "cnn" in html


def test_a_wrong_label_is_fixed_from_the_change_page(staff):
    drawing = make_drawing(7)
    response = staff.post(f"/admin/recognizer/labelleddrawing/{drawing.pk}/change/", {"label": "1"})
    assert response.status_code == 302
    drawing.refresh_from_db()
    assert drawing.label == 1 and len(bytes(drawing.pixels)) == 784


def test_a_label_over_9_is_refused_by_the_form(staff):
    drawing = make_drawing(7)
    response = staff.post(f"/admin/recognizer/labelleddrawing/{drawing.pk}/change/", {"label": "12"})
    assert response.status_code == 200  # the form again, with the error
    drawing.refresh_from_db()
    assert drawing.label == 7


def test_a_drawing_is_deleted(staff):
    drawing = make_drawing(7)
    staff.post(f"/admin/recognizer/labelleddrawing/{drawing.pk}/delete/", {"post": "yes"})
    assert not LabelledDrawing.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page():
    response = Client().get("/admin/recognizer/labelleddrawing/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def change_page(staff, drawing) -> str:
    return staff.get(f"/admin/recognizer/labelleddrawing/{drawing.pk}/change/").content.decode()


def shown_strokes(html: str) -> np.ndarray:
    """The strokes' picture on a change page: (H, W) True where it is inked."""
    data = re.search(r'<img class="pen-strokes" src="data:image/png;base64,([^"]+)"', html)[1]
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data)))) < 128


def test_a_drawings_pen_strokes_show_as_the_server_draws_them_not_as_json(staff):
    strokes = [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]], [[0.3, 0.5]]]
    html = change_page(staff, make_drawing(7, strokes=strokes))
    assert np.array_equal(shown_strokes(html)[4:-4, 4:-4], raster.draw(strokes, size=140))
    assert "[[0.25" not in html and "0.75, 0.2" not in html


def test_strokes_drawn_on_a_wide_pad_are_shown_whole(staff):
    strokes = [[[0.2, 0.3], [0.4, 0.8]], [[1.5, 0.3], [1.8, 0.8]]]  # a number: x runs past 1
    ink = shown_strokes(change_page(staff, make_drawing(1, strokes=strokes)))
    assert ink.shape[1] == 140 + 8 and ink[:, -20:].any()  # the right-hand digit is there


def test_strokes_that_cannot_be_drawn_are_said_to_be_unreadable_not_a_server_error(staff):
    html = change_page(staff, make_drawing(7, strokes=[["not a point"]]))
    assert "unreadable strokes" in html


def test_an_uploaded_photo_is_shown_as_it_is_kept(staff):
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(photo, "JPEG")
    html = change_page(staff, make_drawing(7, image=photo.getvalue()))
    shown = re.search(
        r'<img src="data:image/jpeg;base64,([^"]+)" width="280" alt="the uploaded photo">', html
    )
    assert shown and base64.b64decode(shown.group(1)) == photo.getvalue()


def test_the_list_does_not_load_the_strokes_or_photos_it_never_shows(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_drawing(7, image=b"x" * 100_000, strokes=[[[0.5, 0.5]]] * 10)
    with CaptureQueriesContext(connection) as queries:
        assert staff.get("/admin/recognizer/labelleddrawing/").status_code == 200
    rows = [q["sql"] for q in queries.captured_queries if '"recognizer_labelleddrawing"."label"' in q["sql"]]
    assert rows, [q["sql"][:200] for q in queries.captured_queries]
    assert all('"recognizer_labelleddrawing"."image"' not in sql for sql in rows)
    assert all('"recognizer_labelleddrawing"."strokes"' not in sql for sql in rows)


def test_a_refused_drawing_shows_as_refused_not_as_a_wrong_answer_and_can_be_filtered(staff):
    make_drawing(3, predicted=6, model="cnn", refused=True)  # a dot, refused, then labelled 3
    make_drawing(7, predicted=1, model="cnn")
    html = staff.get("/admin/recognizer/labelleddrawing/").content.decode()
    assert html.count("icon-unknown.svg") == 1 and html.count("icon-no.svg") == 1  # right: unknown; wrong
    only = staff.get("/admin/recognizer/labelleddrawing/?refused__exact=1").content.decode()
    assert "1 labelled drawing" in only
