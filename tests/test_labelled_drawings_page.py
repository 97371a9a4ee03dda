"""The /labelled-drawings page: labelled drawings per digit, and how often each model was right."""

import pytest
from django.test import Client

from tests.helpers import make_drawing

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


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
    assert "<strong>cnn</strong>: right on 1 of the 2 drawings it answered\n        (50%)" in html
    assert "<strong>mlp</strong>: right on 2 of the 2 drawings it answered\n        (100%)" in html
    row = html.split('<tr data-digit="7">')[1].split("</tr>")[0]
    assert '<td data-field="count">3</td>' in row and "1 of 2 (50%)" in row and "1 of 1 (100%)" in row
