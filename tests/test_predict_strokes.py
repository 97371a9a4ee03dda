"""POST /api/predict with pen strokes, as the drawing page sends them: drawn on the server
with the page's pen, read by the network, answered with what it read."""

import numpy as np
import pytest

from nn.ink import raster
from nn.ink.preprocess import from_mask
from tests.helpers import ONE, ZERO, Api, assert_error, assert_prediction, network_input


@pytest.fixture
def api():
    return Api()


def test_a_vertical_stroke_is_read_as_a_1(api):
    body = assert_prediction(api.post_json({"strokes": ONE}))
    assert body["digit"] == 1 and body["probabilities"][1] > 0.99


def test_a_ring_is_read_as_a_0(api):
    assert assert_prediction(api.post_json({"strokes": ZERO}))["digit"] == 0


def test_the_input_is_the_strokes_drawn_and_preprocessed_as_training_draws_them(api):
    body = assert_prediction(api.post_json({"strokes": ZERO}))
    expected = from_mask(raster.draw_read(ZERO))
    np.testing.assert_allclose(network_input(body), expected, atol=1e-4)


def test_the_answer_is_the_same_whatever_the_pad_s_size_or_pixel_ratio():
    # A small pad, or a slow pen, samples a stroke every few pixels; a large one at a high
    # pixel ratio many times as often: the same shape in unit coordinates, other points on it.
    coarse, fine = [circle(n) for n in (60, 400)]
    a, b = (assert_prediction(Api().post_json({"strokes": s})) for s in (coarse, fine))
    assert a["digit"] == b["digit"] == 0
    assert np.abs(network_input(a) - network_input(b)).mean() < 0.01


def test_a_drawing_placed_anywhere_on_the_pad_reads_the_same(api):
    moved = [[[x - 0.15, y + 0.1] for x, y in stroke] for stroke in ZERO]
    a, b = (network_input(assert_prediction(api.post_json({"strokes": s}))) for s in (ZERO, moved))
    np.testing.assert_allclose(a, b, atol=1e-3)


def test_a_small_drawing_reads_as_the_same_digit_as_a_large_one(api):
    small = [[[0.1 + 0.3 * x, 0.1 + 0.3 * y] for x, y in stroke] for stroke in ONE]
    assert assert_prediction(api.post_json({"strokes": small}))["digit"] == 1


def test_a_tap_is_a_dot_not_nothing(api):
    # Drawn, a tap is ink (a disc once scaled up); the not-a-digit check then refuses it.
    assert from_mask(raster.draw([[[0.5, 0.5]]])).max() > 0.9
    response = api.post_json({"strokes": [[[0.5, 0.5]]]})
    assert_error(response, 422, "does not look like a digit")
    assert response.json()["code"] == "not_a_digit"  # not "blank"


@pytest.mark.parametrize(
    ("strokes", "phrase"),
    [
        ([], "list of 1 to 100 strokes"),
        ([[]], "non-empty list of [x, y] points"),
        ([[[0.5]]], "each point must be [x, y]"),
        ([[[0.5, 3]]], "from -1 to 2"),
        ([[[0.5, True]]], "(got [0.5, true])"),
        ([[[0.5, "0.5"]]], "each point must be [x, y]"),
        ([[[0, 0]]] * 101, "list of 1 to 100 strokes"),
        ("M 0 0 L 1 1", "list of 1 to 100 strokes"),
    ],
    ids=["none", "empty-stroke", "one-number", "off-the-pad", "boolean", "string", "too-many", "svg-path"],
)
def test_malformed_strokes_are_a_400_naming_the_problem(api, strokes, phrase):
    assert_error(api.post_json({"strokes": strokes}), 400, phrase)


def test_too_many_points_are_a_400(api):
    assert_error(api.post_json({"strokes": [[[0.5, 0.5]] * 20_001]}), 400, "more than 20000 points")


def test_a_nan_coordinate_is_a_400(api):
    assert_error(api.post('{"strokes": [[[NaN, 0.5]]]}'), 400, "each point must be [x, y]")


def circle(points: int) -> list:
    t = np.linspace(0, 2 * np.pi, points)
    return [np.stack([0.5 + 0.3 * np.cos(t), 0.5 + 0.35 * np.sin(t)], axis=1).tolist()]
