"""The CNN's fast computation is the network's maths: its forward pass, its answer's layers
and its gradients equal those of a plain reference written here from the definitions
(direct convolution, pooling over strided views, the chain rule step by step), on the
shipped model and on a float64 network, so that a faster rewrite cannot change what the
network computes or learns."""

import numpy as np
import pytest

from nn import DEFAULT_MODEL_PATH
from nn.ink.directions import pen_channels
from nn.ink.preprocess import network_inputs
from nn.networks.cnn import ConvNet
from nn.networks.model_file import load_model
from nn.networks.network import one_hot, softmax
from tests.helpers import ONE, ZERO, written

READING_ORDER = ((0, 0), (0, 1), (1, 0), (1, 1))  # the corners of a 2x2 pooling block


def direct_conv(x: np.ndarray, K: np.ndarray) -> np.ndarray:
    """(N, H, W, C_in) by (5, 5, C_in, C_out), valid: the sum over the 25 kernel offsets."""
    ho, wo = x.shape[1] - 4, x.shape[2] - 4
    return sum(x[:, ky : ky + ho, kx : kx + wo] @ K[ky, kx] for ky in range(5) for kx in range(5))


def reference_layer(x, K, c):
    """relu(maxpool(conv(x, K)) + c); each pooled output's corner is the first maximum of
    the sums in reading order."""
    z = direct_conv(x, K)  # (N, H', W', C_out)
    corners = np.stack([z[:, dy::2, dx::2] for dy, dx in READING_ORDER])  # (4, N, H'/2, W'/2, C_out)
    chosen = corners.argmax(axis=0)  # argmax returns the first maximum
    return np.maximum(corners.max(axis=0) + c, 0), chosen


def reference_pass(p, X, Y, keep=None):
    """The output layer's sums (N, 10), the feature maps before pooling, and every gradient
    of the mean cross-entropy, in float64."""
    channels = p["K1"].shape[2]  # rows of channels one after another, as the network reads them
    x = X.reshape(-1, channels, 28, 28).transpose(0, 2, 3, 1).astype(np.float64)
    p = {k: v.astype(np.float64) for k, v in p.items()}
    n = len(x)
    h1, chosen1 = reference_layer(x, p["K1"], p["c1"])
    h2, chosen2 = reference_layer(h1, p["K2"], p["c2"])
    maps = [
        np.maximum(direct_conv(x, p["K1"]) + p["c1"], 0),
        np.maximum(direct_conv(h1, p["K2"]) + p["c2"], 0),
    ]
    a2 = h2.reshape(n, -1)
    h3 = np.maximum(a2 @ p["W3"] + p["b3"], 0)
    dropped = h3 if keep is None else h3 * keep
    logits = dropped @ p["W4"] + p["b4"]
    out = softmax(logits)
    d4 = (out - Y) / n
    d3 = (d4 @ p["W4"].T) * (h3 > 0) * (1 if keep is None else keep)
    grads = {"W4": dropped.T @ d4, "b4": d4.sum(0), "W3": a2.T @ d3, "b3": d3.sum(0)}
    dh = (d3 @ p["W3"].T).reshape(h2.shape)
    for layer, (inputs, h, chosen) in ((2, (h1, h2, chosen2)), (1, (x, h1, chosen1))):
        dpooled = dh * (h > 0)  # through the ReLU
        dz = np.zeros((n, 2 * h.shape[1], 2 * h.shape[2], h.shape[3]))
        for k, (dy, dx) in enumerate(READING_ORDER):  # back to the chosen corner only
            dz[:, dy::2, dx::2] = dpooled * (chosen == k)
        K = p[f"K{layer}"]
        ho, wo = dz.shape[1:3]
        grads[f"c{layer}"] = dz.sum(axis=(0, 1, 2))
        grads[f"K{layer}"] = np.stack(
            [
                np.stack(
                    [np.einsum("nhwi,nhwo->io", inputs[:, ky : ky + ho, kx : kx + wo], dz) for kx in range(5)]
                )
                for ky in range(5)
            ]
        )
        dh = np.zeros(inputs.shape)
        for ky in range(5):
            for kx in range(5):
                dh[:, ky : ky + ho, kx : kx + wo] += dz @ K[ky, kx].T
    return logits, maps, grads


@pytest.fixture(scope="module")
def shipped_cnn():
    return load_model(DEFAULT_MODEL_PATH.parent / "cnn.pkl")


@pytest.fixture(scope="module")
def digits(shipped_cnn):
    """A fixed batch: the 100 MNIST test digits the shipped model keeps in its file, and a
    drawn one, zero and number's digits with the pen's direction, with their labels, as
    the shipped model reads them."""
    sample = shipped_cnn.meta["test_examples"]["sample"]
    images = np.stack([np.frombuffer(e["pixels"], np.uint8).reshape(28, 28) for e in sample])
    strokes, groups = written("4725")
    drawn = [ONE, ZERO] + [[strokes[i] for i in g] for g in groups]
    channels = shipped_cnn.network.channels
    X = np.concatenate(
        [
            network_inputs(images, channels=channels),
            network_inputs(np.stack([pen_channels(d) for d in drawn]), channels=channels),
        ]
    )
    labels = [e["label"] for e in sample] + [1, 0, 4, 7, 2, 5]
    return X, one_hot(np.array(labels), 10)


def sparse_images(rng, n=6, channels=1):
    """Images blank on the left and at the top and sparse elsewhere, so that pooling blocks
    tie (four equal sums) in many places; each channel alike."""
    images = rng.random((n, channels, 28, 28)) * (rng.random((n, channels, 28, 28)) < 0.4)
    images[:, :, :10], images[:, :, :, :12] = 0, 0
    return images.reshape(n, channels * 784)


def assert_same_gradients(grads, reference, rtol):
    assert grads.keys() == reference.keys()
    for name, g in grads.items():
        scale = np.abs(reference[name]).max()
        np.testing.assert_allclose(g, reference[name], rtol=rtol, atol=rtol * scale, err_msg=name)


@pytest.mark.parametrize("dropout, channels", [(0.0, 1), (0.4, 1), (0.0, 3), (0.4, 3)])
def test_a_float64_network_computes_exactly_the_reference_maths(dropout, channels):
    rng = np.random.default_rng(20)
    net = ConvNet.initialise(rng, widths=(6, 8, 24), dtype=np.float64, dropout=dropout, channels=channels)
    for p in net.params().values():  # biases off zero, some positive: blank blocks tie and stay on
        p += rng.normal(0.02, 0.05, p.shape)
    X = sparse_images(rng, channels=channels)
    Y = one_hot(rng.integers(0, 10, len(X)), 10, np.float64)
    act = net.forward(X)
    logits, maps, reference = reference_pass(net.params(), X, Y, act.keep)
    out = softmax(logits)
    np.testing.assert_allclose(act.out, out, rtol=1e-10, atol=1e-14)
    assert_same_gradients(net.backward(act, Y), reference, rtol=1e-10)
    if not dropout:
        np.testing.assert_allclose(net.predict_proba(X), out, rtol=1e-10, atol=1e-14)


def test_the_shipped_cnn_answers_as_the_reference_to_float32_rounding(shipped_cnn, digits):
    net, (X, _) = shipped_cnn.network, digits
    logits, maps, _ = reference_pass(net.params(), X, np.zeros((len(X), 10)))
    scaled = softmax(logits / net.temperature)  # the answer's temperature
    np.testing.assert_allclose(net.predict_proba(X), scaled, atol=1e-5)
    p, layers = net.answer(X)
    np.testing.assert_allclose(p, scaled, atol=1e-5)
    for name, reference in zip(("conv1", "conv2"), maps, strict=True):
        assert layers[name].shape == reference.transpose(0, 3, 1, 2).shape
        np.testing.assert_allclose(layers[name], reference.transpose(0, 3, 1, 2), atol=1e-4)


def test_the_shipped_cnn_s_training_pass_gives_the_reference_gradients(shipped_cnn, digits):
    # In float64 to 1e-10 (the maths), and the float32 pass as trained to float32 rounding.
    X, Y = digits
    params = shipped_cnn.network.params()
    logits, _, reference = reference_pass(params, X, Y)
    out = softmax(logits)
    wide = ConvNet({k: v.astype(np.float64) for k, v in params.items()})
    act = wide.forward(X.astype(np.float64))
    np.testing.assert_allclose(act.out, out, rtol=1e-10, atol=1e-14)
    assert_same_gradients(wide.backward(act, Y), reference, rtol=1e-10)
    net = ConvNet(params)
    act = net.forward(X)
    assert act.out.dtype == np.float32
    np.testing.assert_allclose(act.out, out, atol=1e-5)
    grads = net.backward(act, Y)
    assert all(g.dtype == np.float32 for g in grads.values())
    assert_same_gradients(grads, reference, rtol=2e-4)
