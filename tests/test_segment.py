"""Segmenting a number into its digits (nn/segment.py): strokes grouped by their extents and
gaps, an ink mask's connected parts grouped the same way, touching digits cut apart."""

import numpy as np
import pytest

from nn import raster, segment
from tests.helpers import SHAPES, written


@pytest.mark.parametrize("number", ["2026", "177", "45", "1", "0124567", "4545454545"])
def test_a_number_s_strokes_are_grouped_into_its_digits(number):
    strokes, groups = written(number)
    assert segment.strokes(strokes) == groups


@pytest.mark.parametrize("digit", ["4", "5", "7"])
def test_a_digit_drawn_in_two_strokes_is_one_digit(digit):
    strokes, _ = written(digit)
    assert segment.strokes(strokes) == [[0, 1]]


def test_digits_come_left_to_right_whatever_order_they_were_drawn_in():
    strokes, groups = written("2026")
    order = [3, 1, 0, 2]  # the 6 first, then the 0, ...
    shuffled = [strokes[i] for i in order]
    assert segment.strokes(shuffled) == [[2], [1], [3], [0]]


def test_a_crossbar_drawn_after_the_whole_number_still_joins_its_seven():
    strokes, _ = written("177")
    late = [strokes[0], strokes[1], strokes[3], strokes[2], strokes[4]]  # first 7's bar after the second 7
    assert segment.strokes(late) == [[0], [1, 3], [2, 4]]


def test_digits_written_close_together_stay_apart():
    strokes, groups = written("2026", gap=0.06)
    assert segment.strokes(strokes) == groups


def test_a_dot_beside_a_number_is_not_a_digit():
    strokes, _ = written("12")
    dot = [[1.05, 0.74]]
    assert segment.strokes([*strokes, dot]) == [[0], [1]]


def test_a_lone_dot_is_still_a_drawing_to_read():
    assert segment.strokes([[[0.5, 0.5]]]) == [[0]]


def test_each_digit_is_drawn_as_if_it_were_alone():
    # draw scales a drawing's own box to the working size: a digit's strokes drawn out of a
    # number give the very pixels of that digit drawn alone, wherever it sat on the pad.
    strokes, groups = written("27")
    seven = [strokes[i] for i in groups[1]]
    alone, _ = written("7", left=0.3, top=0.1)
    np.testing.assert_array_equal(raster.draw(seven), raster.draw(alone))


def brute_components(mask):
    """Flood fill, 8-connected: the slow, obvious answer."""
    labels = np.full(mask.shape, -1)
    count = 0
    for start in zip(*np.nonzero(mask), strict=True):
        if labels[start] >= 0:
            continue
        stack = [start]
        labels[start] = count
        while stack:
            r, c = stack.pop()
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    q = (r + dr, c + dc)
                    if 0 <= q[0] < mask.shape[0] and 0 <= q[1] < mask.shape[1] and mask[q] and labels[q] < 0:
                        labels[q] = count
                        stack.append(q)
        count += 1
    return labels, count


@pytest.mark.parametrize("seed", range(5))
def test_components_are_the_8_connected_parts_of_the_ink(seed):
    mask = np.random.default_rng(seed).random((40, 60)) < 0.45
    labels, count = segment.components(mask)
    expected, expected_count = brute_components(mask)
    assert count == expected_count
    # the same partition: labels map one to one
    pairs = set(zip(labels[mask].tolist(), expected[mask].tolist(), strict=True))
    assert len(pairs) == count
    assert (labels[~mask] == -1).all()


def paper(number: str, gap: float = 0.3, height: int = 120) -> np.ndarray:
    """A number written on paper, as an ink mask."""
    strokes, _ = written(number, height=1.0, gap=gap, left=0, top=0)
    ink = raster.draw(strokes, pen_width=0.08, size=height * 8)  # the width is the longer side
    return np.pad(ink, 20)


def test_a_photo_s_ink_is_grouped_into_its_digits():
    digits = segment.mask_digits(paper("2026"))
    assert len(digits) == 4
    lefts = [box[0] for _, box in digits]
    assert lefts == sorted(lefts)


def test_a_broken_stroke_in_a_photo_is_one_digit():
    mask = paper("1")
    mask[mask.shape[0] // 2 : mask.shape[0] // 2 + 3] = False  # a gap across the stroke
    assert segment.components(mask)[1] == 2
    assert len(segment.mask_digits(mask)) == 1


def test_a_dotted_digit_is_one_digit():
    mask = paper("0")
    rows, cols = np.indices(mask.shape)
    dotted = mask & (rows // 8 % 2 == 0) & (cols // 8 % 2 == 0)  # the ring in dots, as a dotted print
    assert segment.components(dotted)[1] > 10
    assert len(segment.mask_digits(dotted)) == 1


def test_two_digits_joined_by_a_thin_stroke_are_cut_at_the_thinnest_column():
    strokes, _ = written("00", height=1.0, gap=0.3, left=0, top=0)
    bridge = [[0.6, 0.5], [0.96, 0.5]]  # the pen dragged from one zero to the next
    mask = np.pad(raster.draw([*strokes, bridge], pen_width=0.05, size=900), 20)
    assert segment.components(mask)[1] == 1
    digits = segment.mask_digits(mask)
    assert len(digits) == 2
    (_, first), (_, second) = digits
    assert first[2] == second[0]  # cut at one column
    assert mask[:, int(first[2])].sum() < 0.1 * mask.shape[0]  # through the bridge, not a ring


def test_a_wide_digit_is_not_cut():
    ink = raster.draw([SHAPES["0"][0] * [2.2, 1]], size=500)  # a zero over twice as wide as high
    mask = np.pad(ink, 10)
    assert len(segment.mask_digits(mask)) == 1
