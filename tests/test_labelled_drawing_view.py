"""POST /api/labelled-drawings: a drawing with the digit it really is is stored; anything else is a
4xx JSON error that says what was wrong, and nothing is stored."""

import io
import json

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from recognizer import labelled_drawings
from recognizer.drawings import Photo, Pixels, Strokes
from recognizer.models import LabelledDrawing
from tests.helpers import LABELLED, ONE, PREDICT, Api, data_url, encode, line, seven_image

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

SEVEN_PNG = encode(seven_image())


@pytest.fixture
def api():
    return Api()


def test_a_labelled_drawing_is_stored_with_its_strokes_input_model_and_answer(api):
    response = api.label(7, model="mlp")
    assert response.status_code == 201, response.content
    body = response.json()
    drawing = LabelledDrawing.objects.get(pk=body["id"])
    assert (drawing.label, body["label"], body["count"]) == (7, 7, 1)
    assert drawing.model == body["model"] == "mlp" and len(drawing.model_sha256) == 64
    assert len(bytes(drawing.pixels)) == 784 and max(bytes(drawing.pixels)) > 200  # white ink on black
    assert drawing.strokes == ONE and drawing.image is None
    assert drawing.predicted == body["predicted"] == 1  # the tiny network reads ONE as a 1
    assert len(drawing.probabilities) == 10 and drawing.probabilities[1] > 0.99
    assert drawing.created is not None


def test_the_stored_answer_is_the_one_predict_gives_for_the_same_drawing(api):
    predicted = api.post_json({"strokes": ONE}).json()
    drawing = LabelledDrawing.objects.get(pk=api.label(3).json()["id"])
    assert drawing.predicted == predicted["digit"]
    assert np.allclose(drawing.probabilities, predicted["probabilities"], atol=1e-6)
    stored = np.frombuffer(bytes(drawing.pixels), np.uint8).reshape(28, 28) / 255
    np.testing.assert_allclose(stored, np.reshape(predicted["input"], (28, 28)), atol=1 / 255)


def test_the_count_says_how_many_drawings_of_that_digit_exist(api):
    assert [api.label(4).json()["count"] for _ in range(3)] == [1, 2, 3]
    assert api.label(5).json()["count"] == 1


def test_pixels_can_be_labelled_too_and_are_stored_as_sent(api):
    pixels = np.zeros((28, 28))
    pixels[4:24, 13:15] = 1.0
    response = api.post_json({"pixels": pixels.tolist(), "label": 1}, LABELLED)
    assert response.status_code == 201
    stored = np.frombuffer(bytes(LabelledDrawing.objects.get().pixels), np.uint8).reshape(28, 28)
    assert np.array_equal(stored, (pixels * 255).astype(np.uint8))
    assert LabelledDrawing.objects.get().image is None


def test_an_uploaded_photo_is_labelled_with_a_form_field(api):
    response = api.upload(SEVEN_PNG, url=LABELLED, label="7")
    assert response.status_code == 201, response.content
    stored = LabelledDrawing.objects.get()
    assert stored.strokes is None and stored.label == 7
    photo = Image.open(io.BytesIO(bytes(stored.image)))
    assert photo.format == "PNG" and photo.mode == "L" and max(photo.size) <= 256


def test_a_photo_is_kept_re_encoded_so_bytes_hidden_in_it_are_not(api):
    padded = SEVEN_PNG + b"\0" * 1_000_000  # after IEND: ignored by decoders, and by us
    big = encode(Image.new("L", (2000, 1500), 255).resize((2000, 1500)))
    for data in (padded, encode(seven_image().resize((2000, 2000)))):
        assert api.upload(data, url=LABELLED, label="7").status_code == 201
    assert api.upload(big, url=LABELLED, label="7").status_code == 422  # blank: nothing kept
    sizes = [len(bytes(d.image)) for d in LabelledDrawing.objects.all()]
    assert len(sizes) == 2 and max(sizes) < 20_000


def test_a_retry_with_the_same_idempotency_key_stores_the_drawing_once(api):
    key = {"HTTP_IDEMPOTENCY_KEY": "3f2c9a7e-1b4d-4c8e-9f00-5a6b7c8d9e0f"}
    first = api.client.post(
        LABELLED, json.dumps({"strokes": ONE, "label": 1}), "application/json", headers=api.headers, **key
    )
    again = api.client.post(
        LABELLED, json.dumps({"strokes": ONE, "label": 1}), "application/json", headers=api.headers, **key
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and LabelledDrawing.objects.count() == 1


def test_a_malformed_idempotency_key_is_refused(api):
    response = api.client.post(
        LABELLED,
        json.dumps({"strokes": ONE, "label": 1}),
        "application/json",
        headers=api.headers,
        HTTP_IDEMPOTENCY_KEY="a b",
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["error"]
    assert not LabelledDrawing.objects.exists()


def test_once_the_storage_cap_is_reached_labels_are_refused_politely(api, settings):
    settings.LABELLED_DRAWINGS_MAX = 2
    assert [api.label(1).status_code for _ in range(3)] == [201, 201, 507]
    assert "no more labelled drawings" in api.label(1).json()["error"]
    assert LabelledDrawing.objects.count() == 2


@pytest.mark.parametrize(
    ("label", "shown"),
    [("3", '"3"'), (3.0, "3.0"), (True, "true"), (None, "null"), (10, "10"), (-1, "-1"), ([3], "[3]")],
)
def test_a_label_that_is_not_an_integer_from_0_to_9_is_refused_and_nothing_is_stored(api, label, shown):
    response = api.label(label)
    assert response.status_code == 400
    assert response.json()["error"] == f"'label' must be an integer from 0 to 9 (got {shown})"
    assert not LabelledDrawing.objects.exists()


def test_a_missing_label_is_refused(api):
    response = api.post_json({"strokes": ONE}, LABELLED)
    assert response.status_code == 400 and "(got missing)" in response.json()["error"]


@pytest.mark.parametrize("label", ["", "33", "seven", "٣"])
def test_a_form_label_must_be_one_digit(api, label):
    response = api.upload(SEVEN_PNG, url=LABELLED, label=label)
    assert response.status_code == 400 and "'label' must be one digit" in response.json()["error"]
    assert not LabelledDrawing.objects.exists()


@pytest.mark.parametrize("count", [783, 785, 0])
def test_an_input_that_is_not_exactly_784_values_is_refused(api, count):
    response = api.post_json({"pixels": [0.5] * count, "label": 2}, LABELLED)
    assert response.status_code == 400 and "784 numbers" in response.json()["error"]
    assert not LabelledDrawing.objects.exists()


@pytest.mark.parametrize(
    "strokes",
    ["abc", [[]], [[[0.1]]], [[[0.1, "x"]]], [[[0.1, 5]]], [[[0.1, True]]], [[[0.1, 0.2]]] * 101],
)
def test_malformed_strokes_are_refused(api, strokes):
    response = api.label(7, strokes)
    error = response.json()["error"]
    assert response.status_code == 400 and ("stroke" in error or "point" in error)
    assert not LabelledDrawing.objects.exists()


def test_a_blank_drawing_is_a_422_and_an_unknown_model_a_400(api):
    blank = encode(Image.new("L", (280, 280), 255))
    assert api.post_json({"image": data_url(blank), "label": 1}, LABELLED).status_code == 422
    assert api.label(1, model="no-such-model").status_code == 400
    assert not LabelledDrawing.objects.exists()


def test_a_labelled_drawing_without_a_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        LABELLED, json.dumps({"image": data_url(SEVEN_PNG), "label": 7}), "application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["error"]
    assert not LabelledDrawing.objects.exists()


def test_get_is_a_405_with_allow(api):
    response = api.client.get(LABELLED)
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_one_client_over_the_rate_limit_gets_429_with_retry_after_and_others_still_get_through(settings):
    settings.LABELLED_DRAWINGS_PER_MINUTE = 3
    flooder, other = Api("198.51.100.1"), Api("198.51.100.2")
    statuses = [flooder.label(1).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    refused = flooder.label(1)
    assert 1 <= int(refused["Retry-After"]) <= 60 and "too many" in refused.json()["error"]
    assert other.label(1).status_code == 201
    assert LabelledDrawing.objects.count() == 4


def test_a_database_that_stays_locked_is_a_503_with_retry_after_not_a_500(api, monkeypatch):
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(labelled_drawings, "store", locked)
    response = api.label(7)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"error": "the database is busy; try again shortly"}


def test_all_blank_pixels_are_not_a_digit_to_learn_from_or_to_predict(api):
    response = api.post_json({"pixels": [0] * 784, "label": 3}, LABELLED)
    assert response.status_code == 422 and "no digit found" in response.json()["error"]
    assert api.post_json({"pixels": [0] * 784}, PREDICT).status_code == 422
    assert not LabelledDrawing.objects.exists()


def test_a_drawing_predict_refuses_as_not_a_digit_is_stored_as_refused(api):
    from tests.helpers import NOT_DIGITS

    dash = api.label(1, NOT_DIGITS["a dash"])
    one = api.label(1)
    assert dash.status_code == one.status_code == 201
    assert LabelledDrawing.objects.get(pk=dash.json()["id"]).refused
    assert not LabelledDrawing.objects.get(pk=one.json()["id"]).refused
    assert api.post_json({"strokes": NOT_DIGITS["a dash"]}).json()["code"] == "not_a_digit"  # as predict says


def test_a_refused_drawing_is_never_counted_as_the_model_being_right(api):
    from tests.helpers import NOT_DIGITS

    stored = LabelledDrawing.objects.get(pk=api.label(0, NOT_DIGITS["a dash"]).json()["id"])
    assert stored.predicted == stored.label == 0  # the tiny network would say 0, had it been asked
    assert stored.refused and not stored.right


def post_with_key(api, body: dict, key: str = "3f2c9a7e-1b4d-4c8e-9f00-5a6b7c8d9e0f"):
    return api.client.post(
        LABELLED, json.dumps(body), "application/json", headers=api.headers, HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.parametrize(
    "other",
    [
        {"strokes": [[[0.3, 0.2], [0.3, 0.8]]], "label": 1},
        {"strokes": ONE, "label": 7},
        {"pixels": [0.5] * 784, "label": 1},
    ],
)
def test_an_idempotency_key_sent_again_with_another_request_is_a_409_that_reveals_nothing(api, other):
    assert post_with_key(api, {"strokes": ONE, "label": 1}).status_code == 201
    response = post_with_key(Api("198.51.100.77"), other)  # another client, which learnt the key
    assert response.status_code == 409 and set(response.json()) == {"error"}
    assert "first sent with another request" in response.json()["error"]
    assert LabelledDrawing.objects.count() == 1
    assert post_with_key(api, {"strokes": ONE, "label": 1}).status_code == 201  # the retry itself still works


PIXELS_OF_A_DOT = np.zeros((28, 28), np.float32)
PIXELS_OF_A_DOT[5, 5] = 1


@pytest.mark.parametrize(
    ("drawing", "request_fields", "sha256"),
    [
        (Strokes([[[0.5, 0.2], [0.5, 0.8]]]), (1, None, None), "9b2b3fb95f7fb977a1d3e2fad117d6a0"),
        (Photo(b"\x89PNG not really"), (7, "cnn", 0), "155499534edf6930e608509587522582"),
        (Pixels(PIXELS_OF_A_DOT), ("1984", "mlp", None), "9685aa4abced7c00e8e3b1d634088d78"),
    ],
    ids=["strokes", "photo", "pixels"],
)
def test_a_request_s_fingerprint_stays_what_the_keys_already_stored_are_bound_to(
    drawing, request_fields, sha256
):
    assert labelled_drawings.fingerprint(drawing, *request_fields).startswith(sha256)


def test_what_one_client_stores_is_capped_in_bytes_an_hour(api, settings):
    """The attack: drawings of 20,000 points, 320 kB each (up to 550 kB), 11 MB a minute from one address."""
    settings.LABELLED_DRAWINGS_PER_MINUTE = 100
    statuses = [
        api.post_json({"strokes": [line(20_000)], "label": 1}, LABELLED).status_code for _ in range(20)
    ]
    kept = sum(LabelledDrawing.objects.values_list("size", flat=True))
    assert statuses[0] == 201 and statuses[-1] == 429, statuses
    assert (
        settings.LABELLED_DRAWINGS_BYTES_PER_HOUR - 500_000
        < kept
        <= settings.LABELLED_DRAWINGS_BYTES_PER_HOUR
    )
    assert "bytes an hour" in api.post_json({"strokes": ONE, "label": 1}, LABELLED).json()["error"]
    assert Api("198.51.100.8").label(1).status_code == 201  # another client is not held back


def test_what_the_site_keeps_is_capped_in_bytes(api, settings):
    settings.LABELLED_DRAWINGS_MAX_BYTES = 3 * 784 + 200
    statuses = [Api(f"198.51.100.{i}").label(1).status_code for i in range(4)]
    assert statuses == [201, 201, 201, 507]
    assert sum(LabelledDrawing.objects.values_list("size", flat=True)) <= settings.LABELLED_DRAWINGS_MAX_BYTES
