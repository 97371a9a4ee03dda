"""Golden behaviour of the MNIST-style preprocessing shared by canvas and uploads."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nn.ink.masks import stroke_width
from nn.ink.preprocess import SIDE, deskew, resample_matrix, resize, to_mnist

SEVEN = [(0.2, 0.15), (0.8, 0.15), (0.4, 0.9)]


def drawing(points=SEVEN, width=16, *, size=280, box=(0, 0, 1, 1), ink=0, paper=255):
    """A polyline in unit coordinates, drawn inside `box` (x0, y0, x1, y1) of the canvas."""
    image = Image.new("L", (size, size), paper)
    x0, y0, x1, y1 = box
    xy = [((x0 + (x1 - x0) * x) * size, (y0 + (y1 - y0) * y) * size) for x, y in points]
    ImageDraw.Draw(image).line(xy, fill=ink, width=width, joint="curve")
    return np.asarray(image, dtype=np.float32) / 255


def centre_of_mass(x):
    ys, xs = np.indices(x.shape)
    return (ys * x).sum() / x.sum(), (xs * x).sum() / x.sum()


def ink_extent(x):
    """(height, width): rows and columns holding ink brighter than half. Centring to a
    fraction of a pixel splits the end rows of a 20-pixel digit, so expect 19 to 21."""
    return (x.max(axis=1) > 0.5).sum(), (x.max(axis=0) > 0.5).sum()


def test_the_output_is_a_28_by_28_float_image_of_bright_ink_on_black():
    x = to_mnist(drawing())
    assert x.shape == (SIDE, SIDE) and x.dtype == np.float32
    assert x.min() == 0 and 0.9 < x.max() <= 1
    assert x[:3].sum() == x[:, :3].sum() == x[:, -3:].sum() == 0, "the digit sits in the middle"


def test_a_small_off_centre_digit_ends_up_centred_and_scaled_to_the_20_pixel_box():
    x = to_mnist(drawing(width=4, box=(0.02, 0.6, 0.22, 0.95)))
    cy, cx = centre_of_mass(x)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert 19 <= max(ink_extent(x)) <= 21


def test_a_tall_one_keeps_its_aspect_ratio():
    x = to_mnist(drawing(points=[(0.5, 0.1), (0.5, 0.9)], width=14))
    height, width = ink_extent(x)
    assert 19 <= height <= 21
    assert width <= 4


def test_thin_and_thick_strokes_of_the_same_shape_give_similar_inputs():
    thin, thick = to_mnist(drawing(width=5)), to_mnist(drawing(width=40))
    raw_thin = to_mnist(drawing(width=5), thickness=False)
    raw_thick = to_mnist(drawing(width=40), thickness=False)
    normalised, untouched = np.abs(thin - thick).mean(), np.abs(raw_thin - raw_thick).mean()
    assert normalised < 0.08
    assert normalised < 0.7 * untouched, "thickness normalisation must close most of the gap"
    assert np.corrcoef(thin.ravel(), thick.ravel())[0, 1] > 0.75
    assert stroke_width(thin > 0.5) == pytest.approx(stroke_width(thick > 0.5), rel=0.4)


def test_dark_on_light_and_light_on_dark_give_the_same_input():
    dark_on_light = drawing(ink=0, paper=255)
    light_on_dark = drawing(ink=255, paper=0)
    np.testing.assert_allclose(to_mnist(dark_on_light), to_mnist(light_on_dark), atol=1e-6)


def test_grey_ink_on_grey_paper_is_stretched_to_full_contrast():
    faint = drawing(ink=90, paper=170)  # a dim photo
    np.testing.assert_allclose(to_mnist(faint), to_mnist(drawing()), atol=0.02)


@pytest.mark.parametrize(
    "image",
    [
        np.ones((280, 280), np.float32),
        np.zeros((280, 280), np.float32),
        np.full((50, 80), 0.5, np.float32),
        0.5 + 0.03 * np.random.default_rng(0).standard_normal((280, 280)).astype(np.float32),
    ],
    ids=["white", "black", "grey", "faint-noise"],
)
def test_blank_input_is_recognised_as_blank(image):
    assert to_mnist(image) is None


def test_a_single_dot_is_still_a_digit_sized_input_not_a_crash():
    x = to_mnist(drawing(points=[(0.5, 0.5), (0.51, 0.5)], width=20))
    assert x is not None and x.sum() > 0


def test_resampling_weights_sum_to_one_and_keep_flat_images_flat():
    for n_in, n_out in [(280, 20), (7, 20), (80, 80), (3000, 80)]:
        np.testing.assert_allclose(resample_matrix(n_in, n_out).sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(resize(np.full((90, 60), 0.7), 20, 13), 0.7, rtol=1e-5)


def test_an_mnist_digit_blown_up_to_canvas_size_comes_back_as_nearly_itself(mnist_data):
    images = mnist_data.test_images[:200].astype(np.float32) / 255
    back = np.array([to_mnist(resize(x, 280, 280)) for x in images])
    assert np.abs(back - images).mean() < 0.04
    assert back.sum() / images.sum() == pytest.approx(1.0, abs=0.1)


def test_deskewing_stands_a_slanted_stroke_upright_and_keeps_its_centre():
    slanted = to_mnist(drawing(points=[(0.35, 0.9), (0.65, 0.1)], width=14))
    upright = deskew(slanted[None])[0]
    cols = np.flatnonzero(upright.max(axis=0) > 0.5)
    assert len(cols) <= 3, "the stroke now covers at most 3 columns"
    assert len(np.flatnonzero(slanted.max(axis=0) > 0.5)) > 6
    cy, cx = centre_of_mass(upright)
    assert abs(cy - 14) < 0.5 and abs(cx - 14) < 0.5


def test_deskewing_leaves_an_upright_digit_nearly_as_it_was():
    one = to_mnist(drawing(points=[(0.5, 0.1), (0.5, 0.9)], width=14))
    assert np.abs(deskew(one[None])[0] - one).mean() < 0.01


def test_a_few_specks_far_apart_are_blank_not_a_crash():
    image = np.ones((1000, 1000), np.float32)
    rng = np.random.default_rng(0)
    image[rng.integers(0, 1000, 12), rng.integers(0, 1000, 12)] = 0.0
    assert to_mnist(image) is None
