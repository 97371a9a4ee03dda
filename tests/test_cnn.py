"""The convolutional network's maths: gradients, learning, batching, pooling, im2col."""

import numpy as np
import pytest

from nn.cnn import ConvNet, col2im, im2col, pool, unpool
from nn.model_file import load_model, save_model
from nn.network import one_hot


@pytest.fixture
def net64():
    rng = np.random.default_rng(0)
    net = ConvNet.initialise(rng, dtype=np.float64)
    for p in net.params().values():  # biases off zero, so their gradients are exercised
        p += rng.normal(0, 0.05, p.shape)
    return net


def test_backpropagation_matches_centred_differences_for_every_parameter(net64):
    rng = np.random.default_rng(1)
    X = rng.random((3, 784))
    Y = one_hot(rng.integers(0, 10, 3), 10, np.float64)
    _, grads = net64.gradients(X, Y)
    eps = 1e-5
    for name, param in net64.params().items():
        # Every element of the small arrays, a random sample of the big ones.
        flat = list(np.ndindex(param.shape))
        picks = flat if len(flat) <= 40 else [flat[i] for i in rng.choice(len(flat), 40, replace=False)]
        for i in picks:
            saved = param[i]
            param[i] = saved + eps
            plus = net64.loss(net64.forward(X).out, Y)
            param[i] = saved - eps
            minus = net64.loss(net64.forward(X).out, Y)
            param[i] = saved
            numeric = (plus - minus) / (2 * eps)
            rel = abs(numeric - grads[name][i]) / max(abs(numeric) + abs(grads[name][i]), 1e-12)
            assert rel < 1e-6, f"{name}{i}: relative error {rel:.2e}"


def test_a_small_batch_can_be_overfitted_to_perfect_accuracy():
    rng = np.random.default_rng(2)
    net = ConvNet.initialise(rng)
    X = rng.random((20, 784), dtype=np.float32)
    labels = np.arange(20) % 10
    Y = one_hot(labels, 10)
    for _ in range(150):
        _, grads = net.gradients(X, Y)
        for name, p in net.params().items():
            p -= 0.05 * grads[name]
    assert (net.predict(X) == labels).mean() == 1.0


def test_a_batch_forward_pass_equals_one_row_at_a_time():
    rng = np.random.default_rng(3)
    net = ConvNet.initialise(rng)
    X = rng.random((16, 784), dtype=np.float32)
    rows = np.vstack([net.predict_proba(x[None]) for x in X])
    np.testing.assert_allclose(net.predict_proba(X), rows, rtol=1e-5, atol=1e-7)


def test_the_fast_inference_path_equals_the_training_forward_pass(net64):
    # predict_proba skips what backward needs (pooling masks, kept windows) and adds the
    # bias after pooling: the same numbers as forward(), or it would be a second network.
    X = np.random.default_rng(4).random((8, 784))
    np.testing.assert_allclose(net64.predict_proba(X), net64.forward(X).out, rtol=1e-10, atol=1e-12)


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(4)
    x = rng.random((2, 9, 8, 3))
    cols = rng.random(im2col(x).shape)
    assert np.sum(im2col(x) * cols) == pytest.approx(np.sum(x * col2im(cols, x.shape)))


def test_pooling_sends_the_gradient_to_exactly_one_input_even_when_values_tie():
    z = np.zeros((1, 4, 4, 1))  # four blank 2x2 blocks: every value ties
    z[0, 0, 1, 0] = z[0, 1, 0, 0] = 1.0  # and a tie at the maximum in the first block
    out, mask = pool(z)
    assert out[0, :, :, 0].tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert mask.sum() == 4 and mask[0, 0, 1, 0] and not mask[0, 1, 0, 0]
    assert unpool(np.ones((1, 2, 2, 1)), mask).sum() == 4


def test_a_saved_cnn_loads_back_through_the_safe_model_format(tmp_path):
    net = ConvNet.initialise(np.random.default_rng(5))
    save_model(tmp_path / "cnn.pkl", net, {"name": "cnn"})
    model = load_model(tmp_path / "cnn.pkl")
    assert isinstance(model.network, ConvNet) and model.meta["kind"] == "cnn"
    for name, p in net.params().items():
        np.testing.assert_array_equal(model.network.params()[name], p)
