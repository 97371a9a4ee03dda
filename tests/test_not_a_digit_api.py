"""POST /api/predict with ink that is not a digit: a dot, a dash, a scribble, a cross,
blobs or a letter is a 422 "that does not look like a digit", not a confident digit.
Real digits still get their answer (labelling a refused drawing: test_labelled_drawing_view.py)."""

import pytest
from PIL import Image, ImageDraw

from nn.networks.not_digit import SOURCES
from recognizer.drawings import Photo, Pixels, Strokes
from tests.conftest import SHIPPED_DEFAULT, SHIPPED_MODEL_DIR
from tests.helpers import (
    NOT_DIGITS,
    ONE,
    ZERO,
    Api,
    assert_error,
    assert_prediction,
    encode,
    seven_image,
    seven_pixels,
)


@pytest.fixture
def api():
    return Api()


@pytest.mark.parametrize("name", NOT_DIGITS)
def test_a_drawing_that_is_not_a_digit_is_a_422_saying_so(api, name):
    response = api.post_json({"strokes": NOT_DIGITS[name]})
    assert assert_error(response, 422, "that does not look like a digit") == "that does not look like a digit"
    assert response.json()["code"] == "not_a_digit"


def test_a_photo_of_a_dash_is_refused_as_a_drawn_one_is(api):
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).line([(80, 140), (200, 136)], fill=0, width=16)
    assert_error(api.upload(encode(image)), 422, "not look like a digit")


@pytest.mark.parametrize("drawing, digit", [(ONE, 1), (ZERO, 0)], ids=["a one", "a zero"])
def test_drawn_digits_are_still_answered(api, drawing, digit):
    assert assert_prediction(api.post_json({"strokes": drawing}))["digit"] == digit


def test_a_photo_and_a_pixel_array_of_a_seven_are_still_answered_as_seven(api, settings):
    settings.MODEL_DIR, settings.DIGITS_MODEL = SHIPPED_MODEL_DIR, SHIPPED_DEFAULT  # a model that reads a 7
    assert assert_prediction(api.upload(encode(seven_image())))["digit"] == 7
    assert assert_prediction(api.post_json({"pixels": seven_pixels().tolist()}))["digit"] == 7


def test_a_blank_drawing_keeps_its_own_422_and_code(api):
    response = api.post_json({"pixels": [0] * 784})
    assert_error(response, 422, "blank")
    assert response.json()["code"] == "blank"


def test_the_openapi_description_documents_the_not_a_digit_answer(api):
    answers = api.client.get("/api/openapi.json").json()["paths"]["/api/predict"]["post"]["responses"]
    schema = answers["422"]["content"]["application/json"]["schema"]
    assert "not_a_digit" in schema["properties"]["code"]["enum"]


def test_strokes_and_photos_are_told_to_the_check_by_its_own_source_names_and_pixels_never():
    assert (Strokes.source, Photo.source, Pixels.source) == (*SOURCES, None)
