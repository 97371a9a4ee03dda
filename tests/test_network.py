"""The network's maths: gradients, learning, batching, numerical safety."""

import numpy as np
import pytest

from nn.networks.network import RECIPES, Network, one_hot, sigmoid, softmax
from tests.helpers import MLP_SIZES


def tiny_network(recipe, seed=0):
    return Network.initialise(np.random.default_rng(seed), (12, 7, 4), recipe, dtype=np.float64)


def numerical_gradient(net, X, Y, name, eps=1e-5):
    """Centred differences of the loss with respect to every element of one parameter."""
    param = net.params()[name]
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        saved = param[i]
        param[i] = saved + eps
        plus = net.loss(net.forward(X).out, Y)
        param[i] = saved - eps
        minus = net.loss(net.forward(X).out, Y)
        param[i] = saved
        grad[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("recipe", RECIPES)
def test_backpropagation_matches_centred_differences_for_every_parameter(recipe):
    rng = np.random.default_rng(1)
    net = tiny_network(recipe)
    # Biases start at zero; give them values so their gradients are exercised off zero.
    for p in net.params().values():
        p += rng.normal(0, 0.3, p.shape)
    X = rng.random((5, 12))
    Y = one_hot(rng.integers(0, 4, 5), 4, np.float64)
    _, grads = net.gradients(X, Y)
    for name in ("W1", "b1", "W2", "b2"):
        numeric = numerical_gradient(net, X, Y, name)
        rel = np.abs(grads[name] - numeric) / np.maximum(np.abs(grads[name]) + np.abs(numeric), 1e-12)
        assert rel.max() < 1e-6, f"{recipe} {name}: relative error {rel.max():.2e}"


@pytest.mark.parametrize("recipe, steps", [("softmax-xent", 300), ("sigmoid-mse", 1000)])
def test_a_small_batch_can_be_overfitted_to_perfect_accuracy(recipe, steps):
    rng = np.random.default_rng(2)
    net = Network.initialise(rng, MLP_SIZES, recipe)
    X = rng.random((20, 784), dtype=np.float32)
    labels = np.arange(20) % 10
    Y = one_hot(labels, 10)
    for _ in range(steps):
        _, grads = net.gradients(X, Y)
        for name, p in net.params().items():
            p -= 0.5 * grads[name]
    assert (net.predict(X) == labels).mean() == 1.0


def test_a_batch_forward_pass_equals_one_row_at_a_time():
    rng = np.random.default_rng(3)
    net = Network.initialise(rng, MLP_SIZES)
    X = rng.random((50, 784), dtype=np.float32)
    batch = net.predict_proba(X)
    rows = np.vstack([net.predict_proba(x[None, :]) for x in X])
    np.testing.assert_allclose(batch, rows, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("recipe", RECIPES)
def test_probabilities_sum_to_one_for_both_recipes(recipe):
    net = Network.initialise(np.random.default_rng(4), MLP_SIZES, recipe=recipe)
    p = net.predict_proba(np.random.default_rng(5).random((8, 784)))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert (p >= 0).all()


def test_sigmoid_and_softmax_stay_finite_for_huge_inputs():
    z = np.array([[-1e4, 0.0, 1e4], [1e30, -1e30, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(z)
        p = softmax(z)
    assert np.isfinite(s).all() and np.isfinite(p).all()
    np.testing.assert_allclose(s[0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[0].argmax() == 2


def test_the_original_recipe_draws_weights_uniformly_in_half_a_unit():
    net = Network.initialise(np.random.default_rng(6), MLP_SIZES, recipe="sigmoid-mse")
    assert -0.5 <= net.W1.min() < -0.49 and 0.49 < net.W1.max() <= 0.5


def test_the_same_seed_gives_the_same_weights():
    a = Network.initialise(np.random.default_rng(7), MLP_SIZES)
    b = Network.initialise(np.random.default_rng(7), MLP_SIZES)
    np.testing.assert_array_equal(a.W1, b.W1)


def test_an_unknown_recipe_is_refused():
    with pytest.raises(ValueError, match="unknown recipe"):
        Network.initialise(np.random.default_rng(0), MLP_SIZES, recipe="relu-hinge")


def test_the_original_recipe_gives_probabilities_even_when_every_output_underflows():
    net = Network.initialise(np.random.default_rng(8), MLP_SIZES, recipe="sigmoid-mse")
    net.b2[:] = -1e4  # every output sigmoid is exactly 0 in float32
    p = net.predict_proba(np.random.default_rng(9).random((2, 784)))
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
