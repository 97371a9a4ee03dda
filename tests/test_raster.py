"""The rasteriser (nn/ink/raster.py): strokes drawn with the page's round pen, at the working
size, independent of where on the pad and at what sampling the person drew."""

from pathlib import Path

import numpy as np
import pytest

from nn.ink import raster
from nn.ink.preprocess import WORK, from_mask

GOLDEN = Path(__file__).parent / "golden" / "seven-strokes.txt"
SEVEN = [[[0.22, 0.2], [0.5, 0.19], [0.78, 0.2], [0.62, 0.45], [0.45, 0.85]], [[0.35, 0.5], [0.7, 0.5]]]


def test_the_ink_s_longer_side_spans_the_working_size():
    ink = raster.draw(SEVEN)
    assert max(ink.shape) == WORK
    rows, cols = ink.any(axis=1).nonzero()[0], ink.any(axis=0).nonzero()[0]
    assert rows[0] <= 1 and rows[-1] >= ink.shape[0] - 2 and cols[0] <= 1 and cols[-1] >= ink.shape[1] - 2


def test_a_straight_stroke_is_as_wide_as_the_pen_with_round_caps():
    ink = raster.draw([[[0.2, 0.5], [0.8, 0.5]]])
    scale = WORK / (0.6 + raster.PEN_WIDTH)
    assert ink.shape == (int(np.ceil(raster.PEN_WIDTH * scale)), WORK)
    assert ink[:, WORK // 2].sum() == pytest.approx(raster.PEN_WIDTH * scale, abs=1)
    assert not ink[0, 0] and not ink[-1, -1]  # the corners of a round cap are not inked


def test_a_tap_is_a_disc():
    ink = raster.draw([[[0.3, 0.6]]])
    assert ink.shape == (WORK, WORK)
    assert ink.sum() == pytest.approx(np.pi * (WORK / 2) ** 2, rel=0.02)


def test_a_corner_is_rounded_through_the_midpoints_as_the_page_draws_it():
    # moveTo p0, a quadratic with control p1 to the midpoint of p1 and p2, lineTo p2: the
    # curve cuts the corner, so its tip at p1 stays blank while a polyline would ink it.
    corner = [[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]]
    ink = raster.draw(corner, pen_width=0.02)
    assert not ink[1, -2]
    assert ink[1, WORK // 4] and ink[-2, -2]


def test_the_same_shape_anywhere_on_the_pad_draws_the_same_pixels():
    moved = [[[x + 0.1, y - 0.15] for x, y in stroke] for stroke in SEVEN]
    np.testing.assert_array_equal(raster.draw(SEVEN), raster.draw(moved))


def test_denser_sampling_of_the_same_line_draws_nearly_the_same_pixels():
    sparse = [[[0.2, 0.2], [0.8, 0.8]]]
    dense = [np.linspace([0.2, 0.2], [0.8, 0.8], 200).tolist()]
    a, b = raster.draw(sparse), raster.draw(dense)
    assert a.shape == b.shape and np.mean(a != b) < 0.01


def test_a_thin_pen_still_draws_a_connected_line():
    ink = raster.draw([[[0.1, 0.1], [0.9, 0.7]]], pen_width=0.001)
    assert ink.any(axis=0).all()  # every column has ink: no gaps


def test_a_drawing_with_no_points_is_refused():
    with pytest.raises(ValueError, match="at least one point"):
        raster.draw([])


def test_a_seven_comes_out_of_preprocessing_as_it_always_has():
    levels = np.round(from_mask(raster.draw(SEVEN)) * 255).astype(np.uint8)
    golden = np.array([[int(v) for v in line.split()] for line in GOLDEN.read_text().splitlines()])
    np.testing.assert_allclose(levels, golden, atol=1)
