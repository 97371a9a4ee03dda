"""POST /api/predict with ink that is not a digit: a dot, a dash, a scribble, a cross,
blobs or a letter is a 422 "that does not look like a digit", not a confident digit.
Real digits still get their answer, and such a drawing can still be labelled."""

import pytest
from PIL import Image, ImageDraw

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


@pytest.mark.parametrize("drawing", [ONE, ZERO], ids=["a one", "a zero"])
def test_drawn_digits_are_still_answered(api, drawing):
    assert_prediction(api.post_json({"strokes": drawing}))


def test_a_photo_and_a_pixel_array_of_a_seven_are_still_answered(api):
    assert_prediction(api.upload(encode(seven_image())))
    assert_prediction(api.post_json({"pixels": seven_pixels().tolist()}))


def test_a_blank_drawing_keeps_its_own_422_and_code(api):
    response = api.post_json({"pixels": [0] * 784})
    assert_error(response, 422, "blank")
    assert response.json()["code"] == "blank"


@pytest.mark.django_db
def test_a_drawing_refused_as_not_a_digit_can_still_be_labelled(api):
    response = api.label(7, NOT_DIGITS["a dash"])
    assert response.status_code == 201, response.content[:300]
    assert response.json()["label"] == 7


def test_the_openapi_description_documents_the_not_a_digit_answer(api):
    answers = api.client.get("/api/openapi.json").json()["paths"]["/api/predict"]["post"]["responses"]
    schema = answers["422"]["content"]["application/json"]["schema"]
    assert "not_a_digit" in schema["properties"]["code"]["enum"]
