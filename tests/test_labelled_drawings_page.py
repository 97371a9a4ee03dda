"""The /labelled-drawings page: labelled drawings per digit, and how often each model was right."""

import pytest
from django.test import Client

from tests.helpers import make_drawing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.storage,
    pytest.mark.usefixtures("shipped"),
]  # as on the site


def test_with_no_drawings_every_digit_counts_zero():
    response = Client().get("/labelled-drawings")
    assert response.status_code == 200
    assert response.content.decode().count('<td data-field="count">0</td>') == 10


def test_the_page_counts_drawings_per_digit_and_each_models_right_answers():
    make_drawing(7, predicted=7, model="cnn")
    make_drawing(7, predicted=1, model="cnn")
    make_drawing(7, predicted=7, model="mlp")
    make_drawing(3, predicted=3, model="mlp")
    html = Client().get("/labelled-drawings").content.decode()
    assert "<strong>4</strong> labelled drawings so far" in html
    assert (
        "<strong>Convolutional net</strong>: right on 1 of the 2 drawings it answered\n        (50%)" in html
    )
    assert "<strong>784-250-10 net</strong>: right on 2 of the 2 drawings it answered\n        (100%)" in html
    row = html.split('<tr data-digit="7">')[1].split("</tr>")[0]
    assert '<td data-field="count">3</td>' in row and "1 of 2 (50%)" in row and "1 of 1 (100%)" in row


def test_a_drawing_refused_as_not_a_digit_counts_as_refused_not_as_right():
    make_drawing(1, predicted=1, model="cnn", refused=True)  # a dash, refused, then labelled 1
    html = Client().get("/labelled-drawings").content.decode()
    assert "<strong>Convolutional net</strong>:\n        1 refused as not a digit, so never answered" in html
    assert "right on 1 of" not in html
    row = html.split('<tr data-digit="1">')[1].split("</tr>")[0]
    assert '<td data-field="count">1</td>' in row and "<td>1 refused</td>" in row


def test_refused_drawings_are_counted_beside_the_ones_the_model_answered():
    make_drawing(7, predicted=7, model="cnn")
    make_drawing(7, predicted=1, model="cnn")
    make_drawing(7, predicted=7, model="cnn", refused=True)
    html = Client().get("/labelled-drawings").content.decode()
    assert (
        "<strong>Convolutional net</strong>: right on 1 of the 2 drawings it answered\n        (50%);\n"
        "        1 refused as not a digit, so never answered"
    ) in html
    row = html.split('<tr data-digit="7">')[1].split("</tr>")[0]
    assert "<td>1 of 2 (50%) · 1 refused</td>" in row


def test_a_model_no_longer_served_is_named_as_it_was_stored():
    make_drawing(4, predicted=4, model="lenet-2019")
    html = Client().get("/labelled-drawings").content.decode()
    assert "<strong>lenet-2019</strong>: right on 1 of the 1 drawing it answered" in html
    assert '<th scope="col">lenet-2019 right</th>' in html
