"""The not-a-digit check itself (nn/networks/not_digit.py, nn/data/non_digits.py): the made-up drawings
are seeded, the pieces and holes it counts are right, its file is refused when tampered
with, and it lets real digits through: MNIST's test digits, and the real test writers'
(at most 0.5% refused; with HANDWRITING_DIR) while refusing most of their letters."""

import numpy as np
import pytest

from nn.data import handwriting, non_digits
from nn.ink import raster
from nn.ink.masks import piece_sizes
from nn.ink.preprocess import from_mask
from nn.networks.model_file import load_check
from nn.networks.not_digit import (
    N_FEATURES,
    N_INPUTS,
    inputs,
    shape_features,
)
from nn.training.train_not_digit import averaged, drawn, imaged, initial, mnist_photos, threshold_for
from tests.helpers import NOT_DIGITS, ONE, ZERO, real_handwriting

MAX_REFUSED = 0.005  # of the real test writers' digits
LETTERS = set("xXAKMW")  # the letters the issue names, less digit-like ones


@pytest.fixture(scope="module")
def check():
    return load_check()


def refused(check, drawings) -> np.ndarray:
    masks = [raster.draw(d) for d in drawings]
    return check.refused(inputs(masks, np.stack([from_mask(m) for m in masks])), "strokes")


def test_the_made_up_drawings_are_the_same_for_the_same_seed():
    for kind in non_digits.KINDS:
        first, again = (non_digits.generate(kind, 5, np.random.default_rng(3)) for _ in range(2))
        assert all(
            len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
            for a, b in zip(first, again, strict=True)
        )


def test_pieces_are_counted_with_diagonal_neighbours_and_holes_without():
    mask = np.zeros((9, 9), bool)
    mask[1:3, 1:3] = True  # a square,
    mask[3, 3] = True  # touching this pixel only at a corner,
    mask[6:9, 6] = True  # and a bar apart
    assert sorted(piece_sizes(mask)) == [3, 5]
    assert sorted(piece_sizes(mask, diagonal=False)) == [1, 3, 4]
    ring = np.pad(np.ones((5, 5), bool), 1)
    ring[3, 3] = False
    assert len(piece_sizes(~np.pad(ring, 1), diagonal=False)) == 2  # outside and the hole


def test_a_dot_is_told_apart_by_its_size_against_the_pen_not_its_pixels():
    dot, one = (shape_features(raster.draw(d)) for d in (NOT_DIGITS["a dot"], ONE))
    assert dot[0] > one[0] + 1  # the pen's width against the extent: e^1 times as wide


def test_the_check_refuses_the_made_up_non_digits_and_passes_the_drawn_digits(check):
    assert refused(check, list(NOT_DIGITS.values())).all()
    assert not refused(check, [ONE, ZERO]).any()


def test_photos_of_mnist_test_digits_are_let_through(check, mnist_data):
    photos = mnist_photos(mnist_data.test_images[::10])  # 1,000 of them, every digit, as photos
    assert check.refused(photos, "photo").mean() <= MAX_REFUSED


@pytest.fixture(scope="module")
def folder():
    return real_handwriting()


def test_at_most_half_a_percent_of_the_real_test_writers_digits_are_refused(check, folder):
    samples = handwriting.split(handwriting.load_digits(folder), "test")
    made = [
        drawn(s.strokes) if s.strokes is not None else imaged(handwriting.paper(s.image)) for s in samples
    ]
    assert len(made) > 1000 and None not in made
    x = inputs([m for m, _ in made], np.stack([p for _, p in made]))
    pen = np.array([s.strokes is not None for s in samples])  # drawn; the scans are images
    refused = np.where(pen, check.refused(x, "strokes"), check.refused(x, "photo"))
    assert refused.mean() <= MAX_REFUSED


def test_most_of_the_real_test_writers_letters_like_w_m_k_a_x_are_refused(check, folder):
    letters = [s for s in handwriting.split(handwriting.load_letters(folder), "test") if s.label in LETTERS]
    assert len(letters) >= 20
    assert refused(check, [s.strokes for s in letters]).mean() >= 0.8


def test_a_threshold_refuses_its_share_of_a_large_set_and_one_digit_of_a_small_one():
    large = np.linspace(0.0, 0.999, 1000)  # 0.2% of 1,000: the top two may be refused
    assert (large >= threshold_for(large)).sum() == 2
    small = np.array([0.1, 0.2, 0.9, 0.9997])  # too few to measure 0.2%: its oddest alone
    assert threshold_for(small) == np.nextafter(0.9, 1.0)
    assert threshold_for(np.array([0.1, 0.3])) == 0.5  # never below even odds


def test_networks_averaged_are_one_network_whose_logits_are_the_mean_of_theirs():
    rng = np.random.default_rng(5)
    mean, scale = rng.normal(size=N_FEATURES).astype(np.float32), np.ones(N_FEATURES, np.float32)
    members = [initial(mean, scale, np.random.default_rng(k)) for k in range(3)]
    for m in members:
        m.b1 += rng.normal(size=m.b1.shape).astype(np.float32)
        m.b2 += rng.normal(size=2).astype(np.float32)
    x = rng.normal(size=(7, N_INPUTS)).astype(np.float32)
    logits = np.mean([m.hidden(x) @ m.W2 + m.b2 for m in members], axis=0)  # (7, 2)
    one = averaged(members)
    assert one.W1.shape == (N_INPUTS, 3 * members[0].W1.shape[1])
    np.testing.assert_allclose(one.hidden(x) @ one.W2 + one.b2, logits, rtol=1e-4, atol=1e-4)
