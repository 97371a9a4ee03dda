"""A number in one drawing or photo: POST /api/predict answers each digit (digits, number)
and keeps its single-digit fields; POST /api/labelled-drawings can label one digit of it."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nn.ink import raster
from nn.ink.preprocess import from_mask, to_mnist
from recognizer.limits import MAX_DIGITS
from recognizer.models import LabelledDrawing
from tests.helpers import LABELLED, ONE, ZERO, Api, assert_error, assert_prediction, encode, network_input


def shifted(strokes, dx):
    return [[[x + dx, y] for x, y in stroke] for stroke in strokes]


ONE_O_ONE = [*shifted(ONE, -0.35), *shifted(ZERO, 0.1), *shifted(ONE, 0.55)]  # "101", pad coordinates


@pytest.fixture
def api():
    return Api()


def test_a_number_is_answered_digit_by_digit_left_to_right(api):
    body = assert_prediction(api.post_json({"strokes": ONE_O_ONE}))
    assert body["number"] == "101"
    assert [d["digit"] for d in body["digits"]] == [1, 0, 1]
    assert [d["strokes"] for d in body["digits"]] == [[0], [1], [2]]
    lefts = [d["box"]["left"] for d in body["digits"]]
    assert lefts == sorted(lefts) and all(d["box"]["right"] > d["box"]["left"] for d in body["digits"])
    for d in body["digits"]:
        assert len(d["input"]) == 784 and sum(d["probabilities"]) == pytest.approx(1, abs=1e-5)
        assert len(d["activations"]["hidden"]) == 2  # the tiny 784-2-10 network's


def test_the_single_digit_fields_of_a_number_are_its_first_digit_s(api):
    body = api.post_json({"strokes": ONE_O_ONE}).json()
    first = body["digits"][0]
    assert body["digit"] == first["digit"]
    assert body["probabilities"] == first["probabilities"] and body["input"] == first["input"]
    assert body["activations"] == first["activations"]


def test_each_digit_is_read_as_it_would_be_alone(api):
    body = api.post_json({"strokes": ONE_O_ONE}).json()
    alone = api.post_json({"strokes": shifted(ZERO, 0.1)}).json()
    assert body["digits"][1]["input"] == alone["input"]
    assert body["digits"][1]["probabilities"] == alone["probabilities"]


def test_a_single_digit_is_read_whole_as_before_with_one_entry_in_digits(api):
    body = assert_prediction(api.post_json({"strokes": ZERO}))
    np.testing.assert_allclose(network_input(body), from_mask(raster.draw(ZERO)), atol=1e-4)
    assert body["number"] == "0" and len(body["digits"]) == 1
    (only,) = body["digits"]
    assert (only["digit"], only["input"], only["strokes"]) == (body["digit"], body["input"], [0])
    xs = [x for x, _ in ZERO[0]]
    assert only["box"]["left"] == pytest.approx(min(xs) - raster.PEN_WIDTH / 2, abs=1e-4)


def test_pixels_are_one_digit_whose_box_is_the_whole_grid(api):
    pixels = np.zeros((28, 28))
    pixels[4:24, 13:15] = 1
    body = assert_prediction(api.post_json({"pixels": pixels.ravel().tolist()}))
    assert body["number"] == "1"
    assert body["digits"][0]["box"] == {"left": 0, "top": 0, "right": 1, "bottom": 1}


def number_photo() -> bytes:
    """ "10" in black ink on white paper, 400x200."""
    image = Image.new("L", (400, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(110, 40), (110, 160)], fill=0, width=12)
    draw.ellipse([(200, 40), (290, 160)], outline=0, width=12)
    return encode(image)


def test_a_photo_of_a_number_is_read_digit_by_digit_with_boxes_in_fractions_of_the_photo(api):
    body = assert_prediction(api.upload(number_photo()))
    assert body["number"] == "10"
    one, zero = (d["box"] for d in body["digits"])
    assert one["left"] == pytest.approx(104 / 400, abs=0.01) and zero["right"] == pytest.approx(
        291 / 400, abs=0.01
    )
    assert one["top"] == pytest.approx(40 / 200, abs=0.03)
    assert "strokes" not in body["digits"][0]


def test_more_digits_than_are_read_is_a_413(api):
    strokes = [[[0.05 + 0.09 * i, 0.3], [0.05 + 0.09 * i, 0.6]] for i in range(MAX_DIGITS + 1)]
    assert_error(api.post_json({"strokes": strokes}), 413, f"at most {MAX_DIGITS}")


@pytest.mark.django_db
def test_one_digit_of_a_number_is_labelled_alone_with_its_strokes(api):
    response = api.post_json({"strokes": ONE_O_ONE, "label": 8, "digit": 1}, LABELLED)
    assert response.status_code == 201, response.content
    stored = LabelledDrawing.objects.get(pk=response.json()["id"])
    assert stored.strokes == [ONE_O_ONE[1]]
    assert stored.predicted == 0 and response.json()["predicted"] == 0
    alone = from_mask(raster.draw_read([ONE_O_ONE[1]]))
    assert np.abs(np.frombuffer(stored.pixels, np.uint8) / 255 - alone.ravel()).max() <= 1 / 255


@pytest.mark.django_db
def test_one_digit_of_a_photo_is_labelled_with_its_part_of_the_photo(api):
    response = api.upload(number_photo(), url=LABELLED, label="0", digit="1")
    assert response.status_code == 201, response.content
    stored = LabelledDrawing.objects.get(pk=response.json()["id"])
    kept = Image.open(io.BytesIO(stored.image))
    assert kept.size[0] < 200 and stored.predicted == 0  # the zero's box, not the whole photo


@pytest.mark.django_db
def test_a_number_labelled_as_one_digit_is_stored_whole_as_one_digit_is_read(api):
    response = api.post_json({"strokes": ONE_O_ONE, "label": 7}, LABELLED)
    assert response.status_code == 201, response.content
    stored = LabelledDrawing.objects.get()
    assert stored.strokes == ONE_O_ONE
    whole = from_mask(raster.draw_read(ONE_O_ONE))
    assert np.abs(np.frombuffer(stored.pixels, np.uint8) / 255 - whole.ravel()).max() <= 1 / 255


@pytest.mark.django_db
def test_a_photo_of_a_number_labelled_as_one_digit_is_stored_whole_as_one_digit_is_read(api):
    response = api.upload(number_photo(), url=LABELLED, label="7")
    assert response.status_code == 201, response.content
    stored = LabelledDrawing.objects.get()
    assert Image.open(io.BytesIO(stored.image)).size == (256, 128)  # the whole photo, reduced
    whole = to_mnist(np.asarray(Image.open(io.BytesIO(number_photo()))))
    assert np.abs(np.frombuffer(stored.pixels, np.uint8) / 255 - whole.ravel()).max() <= 1 / 255


@pytest.mark.django_db
@pytest.mark.parametrize("digit", [3, -1, True, "1", 1.0, MAX_DIGITS])
def test_a_digit_the_number_lacks_is_a_400_and_nothing_is_stored(api, digit):
    response = api.post_json({"strokes": ONE_O_ONE, "label": 1, "digit": digit}, LABELLED)
    assert_error(response, 400, "'digit'")
    assert LabelledDrawing.objects.count() == 0


@pytest.mark.django_db
def test_a_number_is_labelled_whole_each_digit_stored_with_its_own_strokes_and_label(api):
    response = api.post_json({"strokes": ONE_O_ONE, "number": "107"}, LABELLED)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["predicted"], body["model"]) == ("107", "101", "mlp")
    stored = LabelledDrawing.objects.order_by("id")
    assert [d.label for d in stored] == [1, 0, 7] and [d.predicted for d in stored] == [1, 0, 1]
    assert [d.strokes for d in stored] == [[stroke] for stroke in ONE_O_ONE]
    assert [d["id"] for d in body["drawings"]] == [d.pk for d in stored]
    assert [(d["label"], d["predicted"], d["count"]) for d in body["drawings"]] == [
        (1, 1, 1),
        (0, 0, 1),
        (7, 1, 1),
    ]
    assert not any(d.refused for d in stored)


@pytest.mark.django_db
def test_a_number_of_a_photo_is_labelled_whole_with_a_form_field(api):
    response = api.upload(number_photo(), url=LABELLED, number="10")
    assert response.status_code == 201, response.content
    stored = LabelledDrawing.objects.order_by("id")
    assert [d.label for d in stored] == [1, 0] and all(d.image and d.strokes is None for d in stored)
    assert [d.predicted for d in stored] == [1, 0]


@pytest.mark.django_db
def test_a_retry_of_a_number_with_the_same_idempotency_key_stores_it_once(api):
    key = {"HTTP_IDEMPOTENCY_KEY": "5b0c4e2a-77aa-4f0e-9d1c-0e3f4a5b6c7d"}
    first = api.post_json({"strokes": ONE_O_ONE, "number": "101"}, LABELLED, **key)
    again = api.post_json({"strokes": ONE_O_ONE, "number": "101"}, LABELLED, **key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and LabelledDrawing.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        ({"number": "10"}, "'number' has 2 digit(s), but the drawing holds 3"),
        ({"number": "1011"}, "'number' has 4 digit(s), but the drawing holds 3"),
        ({"number": 101}, "'number' must be a string of 1 to 20 digits"),
        ({"number": "1o1"}, "'number' must be a string"),
        ({"number": ""}, "'number' must be a string"),
        ({"number": "١٠١"}, "'number' must be a string"),  # Arabic-Indic digits are digits to Python
        ({"number": "101", "label": 1}, "not both"),
        ({"number": "101", "digit": 0}, "not both"),
    ],
)
def test_a_number_label_that_does_not_fit_is_a_400_and_nothing_is_stored(api, fields, phrase):
    assert_error(api.post_json({"strokes": ONE_O_ONE, **fields}, LABELLED), 400, phrase)
    assert LabelledDrawing.objects.count() == 0


@pytest.mark.django_db
def test_each_digit_of_a_number_counts_against_the_rate_limit_and_the_storage_cap(api, settings):
    settings.LABELLED_DRAWINGS_PER_MINUTE = 4
    assert api.post_json({"strokes": ONE_O_ONE, "number": "101"}, LABELLED).status_code == 201
    assert api.post_json({"strokes": ONE_O_ONE, "number": "101"}, LABELLED).status_code == 429
    settings.LABELLED_DRAWINGS_PER_MINUTE = 100
    settings.LABELLED_DRAWINGS_MAX = 5
    assert api.post_json({"strokes": ONE_O_ONE, "number": "101"}, LABELLED).status_code == 507
    assert LabelledDrawing.objects.count() == 3


def grainy(draw_on) -> bytes:
    """A 600x400 photo of paper with its grain (150 grey specks of 2 to 12 pixels), something
    drawn on it."""
    rng = np.random.default_rng(0)
    image = Image.fromarray(np.clip(rng.normal(225, 6, (400, 600)), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for x, y, size in zip(
        rng.integers(0, 600, 150), rng.integers(0, 400, 150), rng.integers(2, 12, 150), strict=True
    ):
        draw.ellipse([(x, y), (x + size, y + size)], fill=120)
    draw_on(draw)
    return encode(image)


def test_the_grain_of_a_photo_is_never_counted_as_digits_or_marks(api):
    dash = grainy(lambda d: d.line([(200, 200), (400, 196)], fill=20, width=18))
    assert api.upload(dash).status_code != 413
    one = grainy(lambda d: d.line([(300, 80), (300, 320)], fill=20, width=18))
    body = assert_prediction(api.upload(one))
    assert body["number"] == "1"
