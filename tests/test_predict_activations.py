"""The layers in predict's answer: the 784-250-10's activations in every answer, and any
model's, the CNN's feature maps included, when a request asks with "activations": true, all
from the same forward pass as the answer."""

import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nn.ink.directions import pen_channels
from nn.ink.preprocess import network_inputs
from recognizer import model_store
from tests.helpers import ONE, Api, assert_error, assert_prediction, encode, seven_image, written


@pytest.fixture
def api():
    return Api()


def test_a_cnn_answer_carries_no_layers_unless_asked(shipped, api):
    response = api.post_json({"strokes": ONE, "model": "cnn"})
    body = assert_prediction(response)
    assert body["digit"] == 1
    assert "activations" not in body and "activations" not in body["digits"][0]
    assert len(response.content) < 20_000


def test_asked_for_the_cnn_s_layers_each_digit_carries_its_maps_from_the_same_pass(shipped, api):
    response = api.post_json({"strokes": ONE, "model": "cnn", "activations": True})
    body = assert_prediction(response)
    assert (
        "activations" not in body
    )  # the CNN's maps ride with each digit, not at the top level (ACTIVATIONS_SENT)
    (digit,) = body["digits"]
    network = model_store.get("cnn").network
    # what the network read: the answer's input (the ink) and the stroke's direction
    read = network_inputs(pen_channels(ONE)[None], channels=network.channels)
    np.testing.assert_allclose(read[0, :784], digit["input"], atol=1e-4)
    probabilities, layers = network.answer(read)
    c1, c2, dense = network.widths
    sent = {name: np.array(values) for name, values in digit["activations"].items()}
    assert sent["conv1"].shape == (c1, 24, 24) and sent["conv2"].shape == (c2, 8, 8)
    assert sent["dense"].shape == (dense,) and sent["output"].shape == (10,)
    for name, values in sent.items():
        np.testing.assert_allclose(values, layers[name][0], atol=1e-4)  # 4 decimals, and the input's rounding
    np.testing.assert_allclose(digit["probabilities"], probabilities[0], atol=1e-4)
    assert 0.5 < (sent["conv1"] == 0).mean() < 1  # ReLU: most of a map is 0, written as 0
    assert len(response.content) < 100_000


def test_each_digit_of_a_number_carries_its_own_layers(shipped, api):
    strokes, _ = written("101")
    body = api.post_json({"strokes": strokes, "model": "cnn", "activations": True}).json()
    assert body["number"] == "101"
    maps = [np.array(d["activations"]["conv1"]) for d in body["digits"]]
    assert not np.array_equal(maps[0], maps[1])


def test_the_784_250_10_sends_its_activations_unasked_and_drops_them_when_told(api):
    body = api.post_json({"strokes": ONE}).json()
    assert set(body["activations"]) == {"hidden", "output"} and body["digits"][0]["activations"]
    body = api.post_json({"strokes": ONE, "activations": False}).json()
    assert "activations" not in body and "activations" not in body["digits"][0]


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_activations_must_be_true_or_false(api, value):
    response = api.post_json({"strokes": ONE, "activations": value})
    assert_error(response, 400, f"'activations' must be true or false (got {json.dumps(value)})")


def test_a_photo_asks_for_its_layers_with_a_form_field(shipped, api):
    photo = SimpleUploadedFile("seven.png", encode(seven_image()))
    response = api.client.post(
        "/api/predict", {"image": photo, "model": "cnn", "activations": "true"}, headers=api.headers
    )
    assert assert_prediction(response)["digit"] == 7
    assert set(response.json()["digits"][0]["activations"]) == {
        "conv1",
        "conv2",
        "dense",
        "output",
    }
    photo.seek(0)
    bad = api.client.post("/api/predict", {"image": photo, "activations": "1"}, headers=api.headers)
    assert_error(bad, 400, "'activations' must be true or false")
