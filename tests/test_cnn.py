"""The convolutional network's maths: gradients, learning, batching, pooling, patches,
widths and dropout."""

import numpy as np
import pytest

from nn import DEFAULT_MODEL_PATH
from nn.networks.cnn import (
    INPUT_CHANNELS,
    MAX_WIDTH,
    ConvNet,
    conv,
    in_place_order,
    input_gradient,
    param_shapes,
    pool_routes,
    unpool,
)
from nn.networks.model_file import load_model, save_model
from nn.networks.network import one_hot
from nn.training.config import CNNConfig


@pytest.fixture
def net64():
    rng = np.random.default_rng(0)
    net = ConvNet.initialise(rng, dtype=np.float64)
    for p in net.params().values():  # biases off zero, so their gradients are exercised
        p += rng.normal(0, 0.05, p.shape)
    return net


def assert_gradients_match_centred_differences(net: ConvNet, before_each_pass=lambda: None):
    rng = np.random.default_rng(1)
    X = rng.random((3, net.channels * 784))
    Y = one_hot(rng.integers(0, 10, 3), 10, np.float64)
    before_each_pass()
    _, grads = net.gradients(X, Y)
    eps = 1e-5

    def loss() -> float:
        before_each_pass()
        return net.loss(net.forward(X).out, Y)

    # What a centred difference of two float64 losses can resolve at all: below it, the
    # difference is rounding, whatever the order the network adds its sums in.
    noise = 4 * np.finfo(np.float64).eps * abs(loss()) / eps

    for name, param in net.params().items():
        # Every element of the small arrays, a random sample of the big ones.
        flat = list(np.ndindex(param.shape))
        picks = flat if len(flat) <= 40 else [flat[i] for i in rng.choice(len(flat), 40, replace=False)]
        for i in picks:
            saved = param[i]
            param[i] = saved + eps
            plus = loss()
            param[i] = saved - eps
            minus = loss()
            param[i] = saved
            numeric = (plus - minus) / (2 * eps)
            error, scale = abs(numeric - grads[name][i]), abs(numeric) + abs(grads[name][i])
            assert error <= 1e-6 * scale + noise, f"{name}{i}: relative error {error / scale:.2e}"


def test_backpropagation_matches_centred_differences_for_every_parameter(net64):
    assert_gradients_match_centred_differences(net64)


def test_backpropagation_through_a_cnn_reading_three_channels_matches_centred_differences():
    rng = np.random.default_rng(17)
    net = ConvNet.initialise(rng, widths=(4, 6, 20), dtype=np.float64, channels=3)
    for p in net.params().values():
        p += rng.normal(0, 0.05, p.shape)
    assert net.params()["K1"].shape == (5, 5, 3, 4)
    assert_gradients_match_centred_differences(net)


def test_backpropagation_through_dropout_matches_centred_differences_for_a_fixed_mask():
    rng = np.random.default_rng(6)
    net = ConvNet.initialise(rng, widths=(4, 6, 20), dtype=np.float64, dropout=0.5)
    for p in net.params().values():
        p += rng.normal(0, 0.05, p.shape)

    def same_mask():  # every pass draws the same mask, so the loss is a function of the weights
        net.rng = np.random.default_rng(7)

    same_mask()
    keep = net.forward(np.zeros((3, 784))).keep
    assert 0 < (keep == 0).sum() < keep.size  # some units dropped, some kept
    assert_gradients_match_centred_differences(net, same_mask)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_a_small_batch_can_be_overfitted_to_perfect_accuracy(dropout):
    rng = np.random.default_rng(2)
    net = ConvNet.initialise(rng, dropout=dropout)
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


def test_the_convolution_gives_every_5x5_window_in_pooling_order():
    rng = np.random.default_rng(4)
    x, K = rng.random((2, 10, 8, 3)), rng.random((5, 5, 3, 4))
    z, _ = conv(x, K)
    assert z.shape == (4, 2, 3, 2, 4)  # (corner, N, H'/2, W'/2, C_out)
    direct = sum(x[:, ky : ky + 6, kx : kx + 4] @ K[ky, kx] for ky in range(5) for kx in range(5))
    np.testing.assert_allclose(in_place_order(z), direct, rtol=1e-12)
    np.testing.assert_array_equal(z[1, :, 2, 1], in_place_order(z)[:, 4, 3])  # corner (0, 1) of block (2, 1)


def test_the_input_gradient_is_the_adjoint_of_the_convolution():
    # <conv(x, K), dz> = <x, input_gradient(dz, K)> for every x and dz: the definition of
    # the gradient of a linear map.
    rng = np.random.default_rng(4)
    x, K = rng.random((2, 10, 8, 3)), rng.random((5, 5, 3, 4))
    z, _ = conv(x, K)
    dz = rng.random(z.shape)
    assert np.sum(z * dz) == pytest.approx(np.sum(x * input_gradient(dz, K, x.shape)), rel=1e-12)


def test_pooling_sends_the_gradient_to_exactly_one_input_even_when_values_tie():
    z = np.zeros((4, 1, 2, 2, 1))  # in pooling order: four blank 2x2 blocks, every value ties
    z[1, 0, 0, 0, 0] = z[2, 0, 0, 0, 0] = 1.0  # and a tie at the maximum in the first block
    out = z.max(axis=0)
    assert out[0, :, :, 0].tolist() == [[1.0, 0.0], [0.0, 0.0]]
    back = unpool(np.ones((1, 2, 2, 1)), pool_routes(z, out, np.ones(out.shape, bool)))
    assert back.shape == z.shape and back.sum() == 4
    assert back[1, 0, 0, 0, 0] == 1 and back[2, 0, 0, 0, 0] == 0  # the first maximum, in reading order
    assert back[0, 0, :, :, 0].tolist() == [[0.0, 1.0], [1.0, 1.0]]  # and the top-left one of a blank block


def test_pooling_sends_no_gradient_back_through_a_unit_that_was_off():
    z = np.zeros((4, 1, 2, 2, 1))
    z[3, 0, 1, 1, 0] = 2.0
    on = np.array([True, False, False, True]).reshape(1, 2, 2, 1)
    back = unpool(np.ones((1, 2, 2, 1)), pool_routes(z, z.max(axis=0), on))
    assert back.sum() == 2 and back[0, 0, 0, 0, 0] == 1 and back[3, 0, 1, 1, 0] == 1


def test_a_saved_cnn_loads_back_through_the_safe_model_format(tmp_path):
    net = ConvNet.initialise(np.random.default_rng(5))
    save_model(tmp_path / "cnn.pkl", net, {"name": "cnn"})
    model = load_model(tmp_path / "cnn.pkl")
    assert isinstance(model.network, ConvNet) and model.meta["kind"] == "cnn"
    for name, p in net.params().items():
        np.testing.assert_array_equal(model.network.params()[name], p)


def test_the_widths_set_every_layer_and_the_answers_shape_stays_ten_probabilities():
    net = ConvNet.initialise(np.random.default_rng(8), widths=(3, 5, 7))
    shapes = {name: p.shape for name, p in net.params().items()}
    assert shapes == {
        "K1": (5, 5, 1, 3),
        "c1": (3,),
        "K2": (5, 5, 3, 5),
        "c2": (5,),
        "W3": (80, 7),
        "b3": (7,),
        "W4": (7, 10),
        "b4": (10,),
    }
    assert net.widths == (3, 5, 7)
    X = np.random.default_rng(9).random((4, 784), dtype=np.float32)
    assert net.predict_proba(X).shape == (4, 10) and net.forward(X).h3.shape == (4, 7)
    np.testing.assert_allclose(net.predict_proba(X).sum(axis=1), 1, rtol=1e-6)


def test_the_default_widths_are_the_shipped_architecture():
    shipped = load_model(DEFAULT_MODEL_PATH.parent / "cnn.pkl").network
    assert ConvNet.initialise(np.random.default_rng(0)).widths == shipped.widths == CNNConfig().widths


@pytest.mark.parametrize(
    "widths", [(0, 32, 128), (16, -1, 128), (16, 32, MAX_WIDTH + 1), (16, 32), (16, 32.0, 8)]
)
def test_widths_that_are_not_three_integers_in_range_are_refused(widths):
    with pytest.raises(ValueError, match="widths must be three integers"):
        ConvNet.initialise(np.random.default_rng(0), widths=widths)


def test_dropout_zeroes_units_while_training_and_scales_the_rest_but_never_touches_answers():
    rng = np.random.default_rng(10)
    plain = ConvNet.initialise(np.random.default_rng(11))
    dropped = ConvNet(plain.copy().params(), dropout=0.25, rng=rng)
    X = np.random.default_rng(12).random((64, 784), dtype=np.float32)
    act = dropped.forward(X)
    assert set(np.unique(act.keep).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert (act.keep == 0).mean() == pytest.approx(0.25, abs=0.02)
    np.testing.assert_array_equal(act.h3, plain.forward(X).h3 * act.keep)
    assert not np.allclose(act.out, plain.forward(X).out)
    np.testing.assert_array_equal(dropped.predict_proba(X), plain.predict_proba(X))
    np.testing.assert_array_equal(dropped.answer(X)[0], plain.answer(X)[0])


def test_dropout_masks_are_reproducible_from_the_seed_and_differ_from_pass_to_pass():
    X = np.random.default_rng(13).random((8, 784), dtype=np.float32)
    a, b = (ConvNet.initialise(np.random.default_rng(14), dropout=0.5) for _ in range(2))
    first = a.forward(X).keep
    np.testing.assert_array_equal(first, b.forward(X).keep)
    assert not np.array_equal(first, a.forward(X).keep)


@pytest.mark.parametrize("dropout", [-0.1, 1.0])
def test_a_dropout_outside_zero_to_one_is_refused(dropout):
    with pytest.raises(ValueError, match="dropout must be in"):
        ConvNet.initialise(np.random.default_rng(0), dropout=dropout)


def test_the_answer_gives_predict_proba_s_probabilities_exactly_with_the_layers_of_that_pass(net64):
    X = np.random.default_rng(15).random((3, 784))
    p, layers = net64.answer(X)
    np.testing.assert_array_equal(p, net64.predict_proba(X))
    np.testing.assert_array_equal(layers["output"], p)
    c1, c2, dense = net64.widths
    assert layers["conv1"].shape == (3, c1, 24, 24) and layers["conv2"].shape == (3, c2, 8, 8)
    assert layers["dense"].shape == (3, dense)
    # Each map pooled 2x2 is what the next layer reads (pooling and ReLU commute).
    h1 = net64.conv_pool_relu(X.reshape(-1, 28, 28, 1), "K1", "c1")  # (3, 12, 12, C1)
    pooled = layers["conv1"].reshape(3, c1, 12, 2, 12, 2).max(axis=(3, 5)).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(pooled, h1)
    h2 = net64.conv_pool_relu(h1, "K2", "c2")
    pooled2 = layers["conv2"].reshape(3, c2, 4, 2, 4, 2).max(axis=(3, 5)).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(pooled2, h2)
    np.testing.assert_allclose(
        layers["dense"], np.maximum(h2.reshape(3, -1) @ net64.p["W3"] + net64.p["b3"], 0)
    )


def test_a_feature_map_is_each_5x5_window_times_its_filter_plus_its_bias_after_relu(net64):
    x = np.random.default_rng(16).random((1, 784))
    maps = net64.answer(x)[1]["conv1"][0]  # (C1, 24, 24)
    image = x.reshape(28, 28)
    for f, y, col in [(0, 0, 0), (3, 11, 17), (15, 23, 23)]:
        window = image[y : y + 5, col : col + 5]
        expected = max(0.0, float((window * net64.p["K1"][:, :, 0, f]).sum() + net64.p["c1"][f]))
        assert maps[f, y, col] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def three_channels_reading_ink_alone(net: ConvNet) -> ConvNet:
    """`net` (one channel) with two more input channels whose weights are all zero."""
    K1 = net.p["K1"]
    directions = np.zeros(K1.shape[:2] + (2,) + K1.shape[3:], K1.dtype)
    return ConvNet({**net.p, "K1": np.concatenate([K1, directions], axis=2)})


def test_a_cnn_of_three_channels_reads_the_first_784_values_of_a_row_as_the_ink():
    ink = ConvNet.initialise(np.random.default_rng(18), widths=(6, 8, 16))
    three = three_channels_reading_ink_alone(ink)
    assert (ink.channels, three.channels) == (1, 3)
    rng = np.random.default_rng(19)
    X = rng.random((5, 3 * 784), dtype=np.float32)  # the ink, then the pen across, then down
    expected = ink.predict_proba(X[:, :784])
    np.testing.assert_allclose(three.predict_proba(X), expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(three.answer(X)[0], expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(three.forward(X).out, expected, rtol=1e-5, atol=1e-7)
    # Channel 1's weights read the second 784 values, at the same pixels as the ink's.
    moved = ConvNet({**three.p, "K1": np.roll(three.p["K1"], 1, axis=2)})
    shifted = np.roll(X, 784, axis=1)  # the ink moved to channel 1
    np.testing.assert_allclose(moved.predict_proba(shifted), expected, rtol=1e-5, atol=1e-7)


def test_a_cnn_refuses_rows_that_are_not_its_channels_of_784_values():
    three = ConvNet.initialise(np.random.default_rng(20), widths=(2, 2, 2), channels=3)
    with pytest.raises(ValueError, match="this CNN reads rows of 3 x 784 values, not 784"):
        three.predict_proba(np.zeros((3, 784), np.float32))  # three rows of ink, not one digit
    ink = ConvNet.initialise(np.random.default_rng(20), widths=(2, 2, 2))
    with pytest.raises(ValueError, match="this CNN reads rows of 1 x 784 values, not 2352"):
        ink.answer(np.zeros((1, 3 * 784), np.float32))


def test_the_input_channels_set_k1_s_third_axis_and_no_other_shape():
    assert INPUT_CHANNELS == (1, 3)
    one, three = param_shapes((3, 5, 7)), param_shapes((3, 5, 7), channels=3)
    assert three["K1"] == (5, 5, 3, 3) and one["K1"] == (5, 5, 1, 3)
    assert {k: v for k, v in three.items() if k != "K1"} == {k: v for k, v in one.items() if k != "K1"}
    net = ConvNet.initialise(np.random.default_rng(21), widths=(3, 5, 7), channels=3)
    assert {name: p.shape for name, p in net.params().items()} == three and net.channels == 3


@pytest.mark.parametrize("channels", [0, 2, 4, True, 3.0])
def test_input_channels_other_than_the_ink_or_the_ink_and_the_pen_s_direction_are_refused(channels):
    with pytest.raises(ValueError, match=r"input channels must be one of \(1, 3\)"):
        ConvNet.initialise(np.random.default_rng(0), widths=(2, 2, 2), channels=channels)
