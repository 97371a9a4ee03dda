"""Picking a model: the API takes an optional model name; the drawing page offers the choice."""

import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nn.networks.cnn import ConvNet
from nn.networks.model_file import save_model
from nn.networks.network import Network
from recognizer import model_store
from tests.helpers import MLP_SIZES, encode, seven_image

PIXELS = np.zeros(784).tolist()
PIXELS[300:310] = [1.0] * 10


@pytest.fixture
def two_models(settings, tmp_path):
    save_model(
        tmp_path / "mlp.pkl",
        Network.initialise(np.random.default_rng(0), MLP_SIZES),
        {"name": "mlp", "test_accuracy": 0.99},
    )
    save_model(
        tmp_path / "cnn.pkl",
        ConvNet.initialise(np.random.default_rng(0)),
        {"name": "cnn", "test_accuracy": 0.995, "handwriting": {"accuracy": 0.9839}},
    )
    settings.MODEL_DIR = tmp_path
    settings.DIGITS_MODEL = tmp_path / "cnn.pkl"


def post(body):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/csrf").json()["csrfToken"]
    return client.post("/api/predict", json.dumps(body), "application/json", headers={"X-CSRFToken": token})


def own_answer(name: str, pixels) -> list[float]:
    """The named model's probabilities for the pixels, asked directly."""
    network = model_store.get(name).network
    return network.predict_proba(np.asarray(pixels, np.float32).reshape(1, -1))[0].tolist()


def test_without_a_model_name_the_default_model_answers_and_says_so(two_models):
    body = post({"pixels": PIXELS}).json()
    assert body["model"] == "cnn"
    assert body["probabilities"] == pytest.approx(own_answer("cnn", PIXELS), abs=1e-4)


def test_a_named_model_answers_and_says_so(two_models):
    body = post({"pixels": PIXELS, "model": "mlp"}).json()
    assert body["model"] == "mlp"
    assert body["probabilities"] == pytest.approx(own_answer("mlp", PIXELS), abs=1e-4)
    assert body["probabilities"] != pytest.approx(own_answer("cnn", PIXELS), abs=1e-4)


def test_a_multipart_upload_can_name_its_model(two_models):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/csrf").json()["csrfToken"]
    upload = SimpleUploadedFile("d.png", encode(seven_image()))
    response = client.post("/api/predict", {"image": upload, "model": "mlp"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json()["model"] == "mlp"
    assert response.json()["probabilities"] == pytest.approx(
        own_answer("mlp", response.json()["input"]), abs=1e-4
    )


@pytest.mark.parametrize(
    "name, message",
    [("resnet", "unknown model 'resnet'; choose one of cnn, mlp"), (3, "'model' must be the name")],
)
def test_an_unknown_or_malformed_model_name_is_a_400_naming_the_choices(two_models, name, message):
    response = post({"pixels": PIXELS, "model": name})
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_drawing_page_offers_every_model_with_the_default_selected_and_its_real_accuracy(two_models):
    html = Client().get("/").content.decode()
    assert 'data-testid="model"' in html
    assert '<option value="cnn" selected>Convolutional net · 98.39%</option>' in html
    assert "The share of real people's handwritten digits each reads right" in html
    # Not measured on real handwriting: its MNIST figure, named as such.
    assert '<option value="mlp">784-250-10 net · 99.00% MNIST</option>' in html


def test_the_page_names_each_model_by_its_title_with_one_model_as_with_several(two_models, settings):
    titles = '{"cnn": "Convolutional net", "mlp": "784-250-10 net"}'
    assert titles in Client().get("/").content.decode()
    (settings.MODEL_DIR / "mlp.pkl").unlink()
    assert '{"cnn": "Convolutional net"}' in Client().get("/").content.decode()


def test_with_a_single_model_the_page_offers_no_choice():
    assert 'data-testid="model"' not in Client().get("/").content.decode()
