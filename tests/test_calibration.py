"""Honest probabilities: a softmax temperature fitted on held-out digits, kept in the model
file, applied when answering and never changing the digit."""

import numpy as np
import pytest

from nn.networks.cnn import ConvNet
from nn.networks.model_file import ModelFileError, load_model, save_model
from nn.networks.network import Network, softmax
from nn.training.calibrate import at_temperature, calibrate, fit_temperature
from tests.helpers import write_payload


def overconfident(n=20000, true_temperature=2.5, seed=0):
    """Probabilities at T = 1 and labels drawn as if the truth were the same logits at T0."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, (n, 10))
    truth = softmax(logits / true_temperature)
    labels = (truth.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return softmax(logits), labels


def test_the_fitted_temperature_is_the_one_the_labels_were_drawn_at():
    probs, labels = overconfident()
    assert fit_temperature(probs, labels) == pytest.approx(2.5, rel=0.05)


def test_a_temperature_never_changes_the_answer():
    probs, _ = overconfident(500)
    for t in (0.5, 1.7, 4.0):
        assert np.array_equal(at_temperature(probs, t).argmax(axis=1), probs.argmax(axis=1))


def test_each_held_out_set_weighs_the_same_however_many_digits_it_has():
    probs, labels = overconfident(20000, 2.5, seed=1)
    honest_probs, honest_labels = overconfident(200, 1.0, seed=2)
    net = Network.initialise(np.random.default_rng(0), (784, 4, 10))
    # A network whose answers are the given probabilities (its inputs are their log).
    net.predict_proba = lambda X: at_temperature(np.exp(X), net.temperature)  # noqa: ARG005
    fitted = calibrate(net, {"big": (np.log(probs), labels), "small": (np.log(honest_probs), honest_labels)})
    assert fitted["fitted_on"] == {"big": 20000, "small": 200}
    assert 1.0 < fitted["temperature"] < 2.4 and net.temperature == fitted["temperature"]


def test_the_784_250_10_answers_at_its_temperature_and_shows_those_outputs():
    net = Network.initialise(np.random.default_rng(0), (784, 20, 10))
    x = np.random.default_rng(1).random((3, 784)).astype(np.float32)
    z2 = net.forward(x).z2
    net.temperature = 3.0
    probs, activations = net.answer(x)
    assert np.allclose(probs, softmax(z2 / 3.0), atol=1e-6)
    assert np.array_equal(activations["output"], probs)


def test_the_cnn_answers_at_its_temperature():
    net = ConvNet.initialise(np.random.default_rng(0))
    x = np.random.default_rng(1).random((2, 784)).astype(np.float32)
    before = net.predict_proba(x)
    net.temperature = 0.5
    assert np.allclose(net.predict_proba(x), at_temperature(before, 0.5), atol=1e-5)


def test_the_temperature_survives_the_model_file(tmp_path):
    net = Network.initialise(np.random.default_rng(0), (784, 8, 10))
    net.temperature = 1.75
    save_model(tmp_path / "m.pkl", net, {"name": "mlp"})
    assert load_model(tmp_path / "m.pkl").network.temperature == 1.75


def test_the_cnn_temperature_survives_the_model_file(tmp_path):
    net = ConvNet.initialise(np.random.default_rng(0))
    net.temperature = 1.75
    save_model(tmp_path / "m.pkl", net, {"name": "cnn"})
    assert load_model(tmp_path / "m.pkl").network.temperature == 1.75


def test_a_file_from_before_calibration_answers_at_temperature_one(tmp_path):
    net = Network.initialise(np.random.default_rng(0), (784, 8, 10))
    save_model(tmp_path / "m.pkl", net, {"name": "mlp"})
    model = load_model(tmp_path / "m.pkl")
    payload = {**model.meta, "params": net.params()}
    del payload["temperature"]
    write_payload(tmp_path / "old.pkl", payload)
    assert load_model(tmp_path / "old.pkl").network.temperature == 1.0


@pytest.mark.parametrize("bad", [0.0, -1.0, 1e6, float("nan"), "2", True, None])
def test_a_temperature_out_of_range_or_not_a_number_is_refused(tmp_path, bad):
    net = Network.initialise(np.random.default_rng(0), (784, 8, 10))
    save_model(tmp_path / "m.pkl", net, {"name": "mlp"})
    payload = {**load_model(tmp_path / "m.pkl").meta, "params": net.params(), "temperature": bad}
    write_payload(tmp_path / "bad.pkl", payload)
    with pytest.raises(ModelFileError, match="temperature"):
        load_model(tmp_path / "bad.pkl")


def test_the_drawing_page_reads_answers_against_the_thresholds_defined_in_nn():
    from django.test import Client

    from nn.training.calibrate import SURE, UNSURE_BELOW

    page = Client().get("/").content.decode()
    assert f'data-sure="{SURE}"' in page and f'data-unsure-below="{UNSURE_BELOW}"' in page
