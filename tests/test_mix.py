"""Real handwriting as training data: each pen digit drawn several ways through the serving
rasteriser, and an epoch taking a weight's worth of those drawings."""

import numpy as np

from nn import raster
from nn.mix import DrawnSet, StrokeVariation, draw_variants, real_handwriting, vary
from nn.preprocess import from_mask
from nn.train import TrainConfig
from tests.helpers import ONE, ZERO

SEVEN = [np.array([[0.3, 0.2], [0.7, 0.2], [0.45, 0.8]]), np.array([[0.35, 0.5], [0.65, 0.5]])]


def test_the_first_drawing_of_a_digit_is_exactly_what_serving_makes_of_it():
    variants = draw_variants([SEVEN], 3, seed=0, v=StrokeVariation())
    assert np.array_equal(variants[0, 0], from_mask(raster.draw(SEVEN)))


def test_the_other_drawings_differ_from_it_and_from_each_other():
    variants = draw_variants([SEVEN], 4, seed=0, v=StrokeVariation())  # (4, 1, 28, 28)
    flat = variants[:, 0].reshape(4, -1)
    assert len({row.tobytes() for row in flat}) == 4
    assert all(row.sum() > 20 for row in flat)  # each still a drawing with ink


def test_a_varied_drawing_keeps_its_strokes_ends_and_fills_the_chosen_share_of_the_pad():
    rng = np.random.default_rng(0)
    v = StrokeVariation(size=(0.4, 0.4), jitter=0.0, rotation_deg=0.0, shear=0.0, squash=0.0, thinning=3)
    for _ in range(20):
        drawn, pen = vary([np.asarray(ZERO[0]), *SEVEN], rng, v)
        assert len(drawn) == 3
        extent = np.ptp(np.concatenate(drawn), axis=0).max()
        assert np.isclose(extent, 0.4)
        assert raster.PEN_WIDTH * 0.8 <= pen <= raster.PEN_WIDTH * 1.2
        # the last point of a stroke is kept however many points are dropped
        offset = drawn[2][-1] - drawn[2][0]
        assert np.allclose(offset / np.linalg.norm(offset), [1, 0])


def test_the_same_seed_draws_the_same_variants():
    a = draw_variants([SEVEN, ONE], 3, seed=5, v=StrokeVariation())
    b = draw_variants([SEVEN, ONE], 3, seed=5, v=StrokeVariation())
    assert np.array_equal(a, b)


def test_an_epoch_takes_weight_different_drawings_of_every_digit():
    v, n = 5, 7
    variants = (
        np.arange(v * n, dtype=np.float32)[:, None, None].repeat(28, 1).repeat(28, 2).reshape(v, n, 28, 28)
    )
    images, labels = DrawnSet("pen", variants, np.arange(n), 3).epoch(np.random.default_rng(0))
    assert images.shape == (3 * n, 28, 28) and np.array_equal(labels, np.tile(np.arange(n), 3))
    which = images[:, 0, 0].astype(int).reshape(3, n)  # value k * n + digit: drawing k of it
    assert (which % n == np.arange(n)).all()
    assert all(len(set(which[:, d] // n)) == 3 for d in range(n))


def test_a_weight_above_the_drawings_repeats_them():
    images, labels = DrawnSet("scans", np.ones((1, 4, 28, 28), np.float32), np.arange(4), 3).epoch(
        np.random.default_rng(0)
    )
    assert len(images) == 12 and np.array_equal(np.bincount(labels), [3] * 4)


def test_without_a_handwriting_folder_training_says_it_uses_mnist_alone():
    said = []
    assert real_handwriting(None, TrainConfig(), log=said.append) is None
    assert "MNIST alone" in said[0] and "HANDWRITING_DIR" in said[0]
