"""The model the site ships with: loads safely and meets its accuracy target on MNIST."""

import os

import numpy as np
import pytest

from nn import DEFAULT_MODEL_PATH
from nn.evaluate import evaluate
from nn.mnist import MnistError, load_mnist
from nn.model_file import load_model


@pytest.fixture(scope="module")
def mnist():
    try:
        return load_mnist(allow_download=False)
    except MnistError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"MNIST not available here: {exc}")


@pytest.fixture(scope="module")
def shipped():
    return load_model(DEFAULT_MODEL_PATH)


def test_the_shipped_model_is_a_784_250_10_sigmoid_network_with_softmax_output(shipped):
    assert shipped.meta["sizes"] == [784, 250, 10]
    assert shipped.meta["hidden_activation"] == "sigmoid"
    assert shipped.meta["output"] == "softmax"
    assert shipped.network.dtype == np.float32


def test_the_shipped_model_records_how_it_was_trained(shipped):
    meta = shipped.meta
    assert meta["stopped_by"] in ("threshold", "max_epochs")
    assert len(meta["history"]) >= 1 and {"loss", "train_accuracy", "val_accuracy"} <= set(meta["history"][0])
    assert set(meta["data_sha256"]) == {
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    }


def test_the_shipped_model_scores_at_least_99_2_percent_on_the_mnist_test_set(shipped, mnist):
    result = evaluate(shipped.network, mnist.test_images, mnist.test_labels, shipped.deskewed)
    assert result["accuracy"] >= 0.992
    assert result["accuracy"] == pytest.approx(shipped.meta["test_accuracy"], abs=1e-9)
