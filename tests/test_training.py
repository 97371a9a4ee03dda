"""The training loop: stopping rules, best-epoch selection, determinism, augmentation."""

import platform
import subprocess
import sys

import numpy as np
import pytest

from nn.data.augment import AugmentConfig, augment, vary_thickness
from nn.networks.network import Network
from nn.training.train import MomentumSGD, TrainConfig, train
from tests.helpers import ROOT, quiet


def run(toy_digits, **overrides):
    # No deskewing: it would re-centre the bars, whose height is their label.
    cfg = TrainConfig(
        **{
            "validation": 40,
            "batch_size": 16,
            "learning_rate": 0.5,
            "augment": None,
            "average": 0,
            "deskew": False,
            **overrides,
        }  # fmt: skip
    )
    net = Network.initialise(np.random.default_rng(cfg.seed), (784, 32, 10))
    return net, train(net, *toy_digits, cfg, log=quiet)


def test_training_stops_once_the_epoch_loss_drops_below_the_threshold(toy_digits):
    _, result = run(toy_digits, threshold=0.5, max_epochs=50)
    assert result.stopped_by == "threshold"
    assert result.history[-1]["loss"] < 0.5
    assert all(e["loss"] >= 0.5 for e in result.history[:-1])
    assert len(result.history) < 50


def test_training_stops_at_max_epochs_when_the_threshold_is_out_of_reach(toy_digits):
    _, result = run(toy_digits, threshold=0.0, max_epochs=3)
    assert result.stopped_by == "max_epochs"
    assert [e["epoch"] for e in result.history] == [1, 2, 3]


def test_training_learns_the_toy_task_and_keeps_the_best_validation_epoch(toy_digits):
    net, result = run(toy_digits, threshold=0.0, max_epochs=15)
    best = max(result.history, key=lambda e: e["val_accuracy"])
    assert result.best_epoch == best["epoch"]
    assert best["val_accuracy"] == 1.0
    images, labels = toy_digits
    assert (net.predict(images.reshape(200, -1) / 255.0) == labels).mean() > 0.95


def test_the_same_seed_trains_the_same_weights(toy_digits):
    a, _ = run(toy_digits, threshold=0.0, max_epochs=2, seed=5)
    b, _ = run(toy_digits, threshold=0.0, max_epochs=2, seed=5)
    c, _ = run(toy_digits, threshold=0.0, max_epochs=2, seed=6)
    np.testing.assert_array_equal(a.W1, b.W1)
    assert not np.array_equal(a.W1, c.W1)


def test_max_epochs_bounds_every_epoch_run_the_undistorted_ones_included(toy_digits):
    cfg = dict(augment=AugmentConfig(), threshold=0, clean_epochs=6)
    _, result = run(toy_digits, max_epochs=2, **cfg)
    assert [e["phase"] for e in result.history] == ["distorted", "clean"]
    _, result = run(toy_digits, max_epochs=9, **cfg)
    assert [e["phase"] for e in result.history] == ["distorted"] * 3 + ["clean"] * 6


def test_every_epoch_logs_its_number_of_at_most_how_many_its_figures_and_the_time_left(toy_digits):
    lines = []
    cfg = TrainConfig(
        validation=40,
        batch_size=16,
        augment=AugmentConfig(),
        max_epochs=3,
        threshold=0,
        clean_epochs=1,
        deskew=False,
    )
    result = train(
        Network.initialise(np.random.default_rng(0), (784, 32, 10)), *toy_digits, cfg, log=lines.append
    )
    assert len(lines) == 3
    # Before the threshold can stop it the last epoch is unknown; the undistorted ones are counted.
    assert lines[0].startswith("epoch 1 of at most 3: loss ") and "val " in lines[0]
    assert lines[0].endswith(" s left") and ", at most " in lines[0]
    assert lines[1].startswith("epoch 2 of at most 3: ")
    assert lines[2].startswith("epoch 3 of 3 (undistorted): ") and "left" not in lines[2]
    assert [e["phase"] for e in result.history] == ["distorted", "distorted", "clean"]
    assert result.history[2]["learning_rate"] == cfg.clean_learning_rate


def test_augmentation_with_every_distortion_off_returns_the_image_unchanged(toy_digits):
    images = toy_digits[0][:10].astype(np.float32) / 255
    off = AugmentConfig(rotation_deg=0, scale=0, shear=0, shift_px=0, elastic_alpha=0, thickness=0)
    np.testing.assert_allclose(augment(images, np.random.default_rng(0), off), images, atol=1e-6)


def test_augmentation_moves_ink_but_keeps_it_in_range(toy_digits):
    images = toy_digits[0][:50].astype(np.float32) / 255
    out = augment(images, np.random.default_rng(0), AugmentConfig(thickness=0, elastic_alpha=0))
    assert out.shape == images.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    assert np.abs(out - images).mean() > 0.01
    # An affine map moves ink but neither loses nor invents it: zoom changes it by <= 25%.
    ratio = out.sum(axis=(1, 2)) / images.sum(axis=(1, 2))
    assert (ratio > 0.7).all() and (ratio < 1.35).all()


def test_elastic_distortion_bends_strokes_differently_for_each_image(toy_digits):
    images = np.repeat(toy_digits[0][:1].astype(np.float32) / 255, 2, axis=0)
    off = dict(rotation_deg=0, scale=0, shear=0, shift_px=0, thickness=0)
    out = augment(images, np.random.default_rng(0), AugmentConfig(elastic_alpha=1.5, **off))
    assert out.min() >= 0 and out.max() <= 1
    assert np.abs(out[0] - images[0]).mean() > 0.01
    assert np.abs(out[0] - out[1]).mean() > 0.01


def test_a_pure_shift_moves_the_image_by_whole_pixels():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 10] = 1

    class OnePixelRight:
        """A generator whose every uniform draw is the top of its range."""

        def uniform(self, low, high, size=None):
            return np.broadcast_to(np.asarray(high, dtype=float), size if size is not None else ()).copy()

    cfg = AugmentConfig(rotation_deg=0, scale=0, shear=0, shift_px=1.0, thickness=0, elastic_alpha=0)
    out = augment(image, OnePixelRight(), cfg)
    assert out[0, 11, 11] == pytest.approx(1.0)


def test_thickness_variation_thickens_and_thins_strokes():
    image = np.zeros((2, 28, 28), np.float32)
    image[:, 8:20, 13:15] = 1.0

    class Fixed:
        def uniform(self, low, high, size):
            return np.array([1.0, -1.0]).reshape(size)

    out = vary_thickness(image, Fixed(), 1.0)
    assert out[0].sum() > image[0].sum() > out[1].sum()


def test_the_moving_average_of_the_weights_trails_the_weights_by_its_horizon():
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    sgd = MomentumSGD(params, lr=1.0, momentum=0.0, average=0.9)
    for _ in range(10):
        sgd.step({"W": -np.ones((2, 2)), "b": -np.ones(2)})  # each step adds 1
    np.testing.assert_allclose(params["W"], 10.0)
    # avg_t = 0.9 avg_{t-1} + 0.1 t: after 10 steps it lags by about 1 / (1 - 0.9) steps.
    expected = sum(0.1 * 0.9 ** (10 - t) * t for t in range(1, 11))
    np.testing.assert_allclose(sgd.averaged["W"], expected)
    assert 3 < expected < 5


def test_the_same_trainer_trains_the_convolutional_network(toy_digits):
    from nn.networks.cnn import ConvNet

    cfg = TrainConfig(
        validation=40,
        batch_size=16,
        learning_rate=0.05,
        augment=None,
        max_epochs=4,
        threshold=0,
        average=0,
        deskew=False,
    )
    net = ConvNet.initialise(
        np.random.default_rng(0), widths=(16, 32, 128)
    )  # smaller than the shipped CNN: quicker
    result = train(net, *toy_digits, cfg, log=quiet)
    assert result.history[-1]["loss"] < result.history[0]["loss"]
    assert max(e["val_accuracy"] for e in result.history) > 0.9


def test_training_without_a_validation_split_keeps_the_best_training_epoch(toy_digits):
    cfg = TrainConfig(
        validation=0,
        batch_size=16,
        learning_rate=0.5,
        augment=None,
        average=0,
        deskew=False,
        threshold=0,
        max_epochs=3,
    )
    result = train(Network.initialise(np.random.default_rng(0), (784, 32, 10)), *toy_digits, cfg, log=quiet)
    assert [e["val_accuracy"] for e in result.history] == [e["train_accuracy"] for e in result.history]


TRAIN_A_FEW_STEPS = """
import resource, numpy as np
from nn.networks.cnn import ConvNet
from nn.networks.network import one_hot
from nn.training.train import MomentumSGD, sgd_epoch
rng = np.random.default_rng(0)
net = ConvNet.initialise(rng, widths=(16, 32, 128))  # the size the bound below was measured at
X = rng.random((64 * 20, 784), dtype=np.float32)
Y = one_hot(rng.integers(0, 10, len(X)), 10)
optimiser = MomentumSGD(net.params(), 0.05, 0.9)
sgd_epoch(net, X[:320], Y[:320], 64, optimiser)  # first steps: the memory is new
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
sgd_epoch(net, X, Y, 64, optimiser)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="how glibc's malloc returns memory")
def test_a_training_step_reuses_the_memory_the_last_one_freed_instead_of_faulting_in_new_pages():
    # In a process of its own: the allocator's state depends on everything run before.
    done = subprocess.run(
        [sys.executable, "-c", TRAIN_A_FEW_STEPS], capture_output=True, text=True, check=True, cwd=ROOT
    )
    faults_per_step = float(done.stdout)
    assert faults_per_step < 20  # about 700 a step when every step's arrays are new pages
