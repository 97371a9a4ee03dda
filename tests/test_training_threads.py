"""Training steps shared among threads: the same gradients as one thread, reproducible
dropout, every worker used, and BLAS given back its threads."""

import contextlib
import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nn.data import augment as augment_module
from nn.data.augment import AugmentConfig, augment
from nn.networks.cnn import ConvNet
from nn.networks.network import Network, one_hot
from nn.training import threads
from nn.training.config import MLPConfig
from nn.training.train import MomentumSGD, sgd_epoch, train
from tests.helpers import MLP_SIZES

WIDTHS = (4, 8, 16)  # a small CNN: the maths is the same at every width


def batch(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 784), dtype=np.float32), one_hot(rng.integers(0, 10, n), 10)


def blas_threads() -> list[int]:
    return [library["num_threads"] for library in threadpool_info() if library["user_api"] == "blas"]


@pytest.fixture
def two_workers(monkeypatch):
    """BLAS reported as having two threads, whatever this machine has."""

    @contextlib.contextmanager
    def two():
        yield 2

    monkeypatch.setattr(threads, "one_blas_thread", two)
    return two


@pytest.mark.parametrize("size", [64, 37, 1])
def test_a_batch_split_between_two_threads_gives_the_gradients_and_outputs_of_one(size):
    net = ConvNet.initialise(np.random.default_rng(0), WIDTHS)
    X, Y = batch(size)
    whole, out = threads.share_gradients(net, X, Y)
    with threads.ThreadPoolExecutor(2) as pool:
        split, split_out = threads.split_gradients(pool.map, [net, net], X, Y)
    np.testing.assert_allclose(split_out, out, rtol=1e-6)
    for name, gradient in whole.items():
        np.testing.assert_allclose(split[name], gradient, rtol=1e-4, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradients_combined_from_two_threads_keep_the_networks_float_type(dtype):
    net = ConvNet.initialise(np.random.default_rng(0), WIDTHS, dtype=dtype)
    X, Y = batch(37)  # shares of 18 and 19: weights that are not round numbers
    with threads.ThreadPoolExecutor(2) as pool:
        grads, out = threads.split_gradients(pool.map, net.replicas(2), X.astype(dtype), Y.astype(dtype))
    assert {name: g.dtype for name, g in grads.items()} == {name: np.dtype(dtype) for name in net.p}
    assert out.dtype == dtype


def test_a_cnn_epoch_runs_its_steps_on_as_many_threads_as_blas_had(two_workers, monkeypatch):
    threads_seen, replicas_seen = set(), set()
    forward = ConvNet.forward

    def recording(self, X):
        threads_seen.add(threading.current_thread().name)
        replicas_seen.add(id(self))
        return forward(self, X)

    monkeypatch.setattr(ConvNet, "forward", recording)
    net = ConvNet.initialise(np.random.default_rng(0), WIDTHS)
    X, Y = batch(256)
    sgd_epoch(net, X, Y, 64, MomentumSGD(net.params(), 0.05, 0.9))
    assert len(replicas_seen) == 2 and id(net) not in replicas_seen
    assert threads_seen and all(name.startswith("nn") for name in threads_seen)


def test_a_seeded_cnn_with_dropout_trains_to_the_same_weights_on_two_threads(two_workers):
    def trained() -> dict[str, np.ndarray]:
        net = ConvNet.initialise(np.random.default_rng(3), WIDTHS, dropout=0.5)
        X, Y = batch(320)
        optimiser = MomentumSGD(net.params(), 0.05, 0.9)
        for _ in range(2):
            sgd_epoch(net, X, Y, 64, optimiser)
        return net.params()

    first, second = trained(), trained()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)


def test_the_replicas_of_a_cnn_share_its_weights_and_draw_different_dropout_masks():
    net = ConvNet.initialise(np.random.default_rng(0), WIDTHS, dropout=0.5)
    a, b = net.replicas(2)
    assert all(a.p[name] is net.p[name] and b.p[name] is net.p[name] for name in net.p)
    assert len({id(net.rng), id(a.rng), id(b.rng)}) == 3  # a generator each, none the network's
    X, _ = batch(8)
    assert not np.array_equal(a.forward(X).keep, b.forward(X).keep)
    assert net.replicas(1) == [net]


@pytest.mark.skipif(not blas_threads(), reason="NumPy's BLAS is not one threadpoolctl knows")
def test_blas_runs_on_one_thread_during_a_cnn_epoch_and_gets_its_threads_back(monkeypatch):
    during = []
    backward = ConvNet.backward

    def recording(self, act, Y):
        during.append(blas_threads())
        return backward(self, act, Y)

    monkeypatch.setattr(ConvNet, "backward", recording)
    net = ConvNet.initialise(np.random.default_rng(0), WIDTHS)
    X, Y = batch(128)
    # The test process runs BLAS on one thread, as the web process does (digitsite): give it two.
    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        sgd_epoch(net, X, Y, 64, MomentumSGD(net.params(), 0.05, 0.9))
        after = blas_threads()
    assert before == after == [2] * len(before)
    assert during and all(threads_now == [1] * len(before) for threads_now in during)


def test_the_784_250_10_trains_on_one_thread_and_leaves_blas_alone(monkeypatch):
    def refuse():
        raise AssertionError("the 784-250-10 asked for BLAS's threads")

    monkeypatch.setattr(threads, "one_blas_thread", refuse)
    net = Network.initialise(np.random.default_rng(0), MLP_SIZES)
    X, Y = batch(128)
    loss, _ = sgd_epoch(net, X, Y, 64, MomentumSGD(net.params(), 0.05, 0.9))
    assert np.isfinite(loss)


def test_distorting_on_a_thread_pool_gives_the_images_one_thread_gives():
    images = np.random.default_rng(0).random((1100, 28, 28), dtype=np.float32)
    one = augment(images, np.random.default_rng(1), AugmentConfig())
    with threads.ThreadPoolExecutor(2) as pool:
        pooled = augment(images, np.random.default_rng(1), AugmentConfig(), map=pool.map)
    np.testing.assert_array_equal(pooled, one)


def test_a_training_epoch_distorts_its_images_on_the_workers(two_workers, monkeypatch):
    seen = set()
    distort = augment_module.distorted

    def recording(images, rng, cfg):
        seen.add(threading.current_thread().name)
        return distort(images, rng, cfg)

    monkeypatch.setattr(augment_module, "distorted", recording)
    X, Y = batch(1200)
    cfg = MLPConfig(max_epochs=1, clean_epochs=0, validation=100)
    train(
        Network.initialise(np.random.default_rng(0), MLP_SIZES),
        X.reshape(-1, 28, 28),
        Y.argmax(1),
        cfg,
        log=lambda *a: None,
    )
    assert seen and all(name.startswith("nn") for name in seen)


def test_an_error_in_a_worker_reaches_the_trainer_and_blas_gets_its_threads_back(monkeypatch):
    backward = ConvNet.backward

    def failing(self, act, Y):
        if threading.current_thread().name.startswith("nn"):
            raise RuntimeError("a worker failed")
        return backward(self, act, Y)

    monkeypatch.setattr(ConvNet, "backward", failing)
    net = ConvNet.initialise(np.random.default_rng(0), WIDTHS)
    X, Y = batch(128)
    with threadpool_limits(2, user_api="blas"):
        with pytest.raises(RuntimeError, match="a worker failed"):
            sgd_epoch(net, X, Y, 64, MomentumSGD(net.params(), 0.05, 0.9))
        assert blas_threads() == [2] * len(blas_threads())
