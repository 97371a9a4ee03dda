"""The pen a digit is read with (nn.ink.raster.reading_pen): the page's, but no wider than
the digit's size allows, so that the digits of a long number written small on the pad are
read as they are written alone, not as blobs; the not-a-digit check still sees the page's pen."""

import numpy as np
import pytest

from nn.data import non_digits
from nn.data import written_numbers as wn
from nn.ink import raster
from nn.ink.masks import piece_sizes
from nn.ink.preprocess import from_mask, working
from nn.training.train_scorer import pen_digits
from recognizer import not_digit, services
from recognizer.drawings import Strokes
from tests.helpers import ONE, real_handwriting


def ring(diameter: float, centre=(0.5, 0.5)) -> list:
    """A zero: a closed circle of points on the pad."""
    t = np.linspace(0, 2 * np.pi, 40)
    return [(np.stack([np.cos(t), np.sin(t)], axis=1) * diameter / 2 + centre).tolist()]


def holes(ink: np.ndarray) -> int:
    """The background's 4-connected pieces that do not touch the frame."""
    background = np.ones((ink.shape[0] + 2, ink.shape[1] + 2), bool)
    background[1:-1, 1:-1] = ~ink
    return len(piece_sizes(background, diagonal=False)) - 1


def test_a_digit_the_size_the_pad_is_written_at_is_read_with_the_page_s_pen():
    paths = raster.traced(ONE)
    assert raster.reading_pen(paths) == raster.PEN_WIDTH
    _, page_ink = raster.read_and_seen(paths)
    assert page_ink is None  # the ink the network reads is the page's


def test_a_small_digit_is_read_with_a_pen_in_proportion_to_its_longer_side():
    one = [[[0.5, 0.4], [0.51, 0.6]]]  # a one a fifth of the pad high
    assert raster.reading_pen(raster.traced(one)) == pytest.approx(raster.READING_PEN * 0.2)


def test_a_small_zero_keeps_its_hole_when_read_though_the_page_s_pen_fills_it():
    read, page_ink = raster.read_and_seen(ring(0.05))
    assert holes(page_ink()) == 0 and holes(read) == 1


def test_the_not_a_digit_check_measures_a_small_digit_s_ink_as_the_page_drew_it(shipped):
    zero = ring(0.05)
    (digit,) = Strokes(zero).digits()
    work, pixels = digit.seen()
    np.testing.assert_array_equal(work, working(raster.draw(zero)))
    np.testing.assert_array_equal(pixels, from_mask(raster.draw(zero)))
    np.testing.assert_array_equal(digit.pixels, from_mask(raster.draw_read(zero)))
    assert not np.array_equal(digit.pixels, pixels)


def test_made_up_dots_are_refused_as_the_page_shows_them_though_a_thinner_pen_reads_them(shipped):
    # Drawn with the reading pen, a small dot's wiggle is a ring: the check judges the blob
    # the person saw.
    dots = non_digits.generate("dot", 200, np.random.default_rng(1))
    refused = [not_digit.refuses(Strokes(d).digits(), "strokes") for d in dots]
    assert np.mean(refused) >= 0.98


def test_a_whole_drawing_read_as_one_digit_is_read_with_the_reading_pen(shipped):
    zero = ring(0.05)
    digit = Strokes(zero).whole()
    np.testing.assert_array_equal(digit.pixels, from_mask(raster.draw_read(zero)))
    assert not np.array_equal(digit.pixels, from_mask(raster.draw(zero)))
    np.testing.assert_array_equal(digit.seen()[1], from_mask(raster.draw(zero)))


def test_a_tiny_scribble_is_read_with_the_thinnest_reading_pen_and_stays_a_blob():
    scribble = ring(0.012)  # a dot's wiggle, a few pixels across on the pad
    assert raster.reading_pen(raster.traced(scribble)) == raster.THINNEST_READING_PEN * raster.PEN_WIDTH
    assert holes(raster.draw_read(scribble)) == 0


def test_the_digits_of_long_real_numbers_written_small_on_the_pad_are_read_right(shipped):
    # Six real digits by one test writer in a row, as wide as a drawing on the pad typically
    # is (handwriting.TYPICAL_SIZE): each digit about an eighth of the pad high, the page's
    # pen half of that.
    folder = real_handwriting()
    pools = [samples for samples in pen_digits(folder, "test").values() if len(samples) >= 6]
    gaps = wn.spacing(wn.split(wn.load_numbers(folder), "train"))
    rng = np.random.default_rng(0)
    right = total = 0
    for _ in range(30):
        pool = pools[rng.integers(len(pools))]
        number = wn.compose([pool[i] for i in rng.choice(len(pool), 6, replace=False)], gaps, rng)
        digits = services.predict(Strokes([s.tolist() for s in number.strokes]), "cnn").digits
        read = "".join(str(d.digit) for d in digits)
        right += sum(a == b for a, b in zip(read, number.label, strict=True)) if len(read) == 6 else 0
        total += 6
    assert right / total >= 0.97
