"""Rare writing styles added in stroke space: a crossbar on a seven, a flag on a one, a
curled tail on a nine, a slash through a zero; each only where the drawing has the shape the style needs."""

import numpy as np

from nn.data.styles import NAMES, STYLES, crossbar, curl, flag, slash, styled

SEVEN = [np.array([[0.3, 0.2], [0.7, 0.2], [0.45, 0.8]])]
ONE = [np.array([[0.5, 0.2], [0.5, 0.8]])]
ZERO = [np.array([[0.5, 0.2], [0.3, 0.5], [0.5, 0.8], [0.7, 0.5], [0.5, 0.2]])]
NINE = [np.array([[0.6, 0.35], [0.45, 0.2], [0.35, 0.35], [0.5, 0.45], [0.6, 0.35], [0.6, 0.8]])]


def test_a_crossbar_crosses_the_sevens_stem_half_way_down():
    rng = np.random.default_rng(0)
    stem, bar = crossbar(SEVEN, rng)
    assert np.array_equal(stem, SEVEN[0])
    y = bar[:, 1].mean()
    assert 0.2 + 0.6 * 0.4 < y < 0.2 + 0.6 * 0.6
    x_stem = 0.7 + (0.45 - 0.7) * (y - 0.2) / 0.6  # where the stem is at that height
    assert bar[:, 0].min() < x_stem < bar[:, 0].max()


def test_a_seven_drawn_in_two_strokes_gets_no_second_bar():
    assert crossbar([*SEVEN, np.array([[0.4, 0.5], [0.6, 0.5]])], np.random.default_rng(0)) is None


def test_a_flag_starts_left_of_and_below_the_ones_top_and_leads_into_it():
    for seed in range(6):
        drawn = flag(ONE, np.random.default_rng(seed))
        stroke = drawn[0]
        assert stroke[0, 0] < 0.5 and 0.2 < stroke[0, 1] < 0.5
        assert np.allclose(stroke[-2:], ONE[0])  # then the stem as it was
        for foot in drawn[1:]:  # a foot, when there is one, is level at the bottom
            assert np.allclose(foot[:, 1], 0.8) and foot[0, 0] < 0.5 < foot[-1, 0]


def test_a_slanted_or_wide_stroke_is_no_one_to_flag():
    assert flag([np.array([[0.2, 0.2], [0.8, 0.5]])], np.random.default_rng(0)) is None


def test_a_curl_continues_the_nines_tail_under_and_to_the_left():
    drawn = curl(NINE, np.random.default_rng(0))
    tail = drawn[-1]
    assert np.array_equal(tail[: len(NINE[0])], NINE[0])
    hook = tail[len(NINE[0]) :]
    assert hook[:, 1].max() > 0.8 and hook[-1, 0] < 0.6  # below the old end, and back to its left


def test_a_nine_drawn_from_its_foot_up_is_curled_at_its_foot():
    tail = curl([NINE[0][::-1]], np.random.default_rng(0))[-1]
    assert np.array_equal(tail[: len(NINE[0])], NINE[0]) and tail[:, 1].max() > 0.8


def test_a_loop_without_a_tail_at_its_foot_gets_no_curl():
    assert curl([NINE[0][:-1]], np.random.default_rng(0)) is None


def test_a_slash_crosses_the_zero_from_below_left_to_above_right():
    for seed in range(6):
        drawn = slash(ZERO, np.random.default_rng(seed))
        assert np.array_equal(drawn[0], ZERO[0]) and len(drawn) == 2
        (x0, y0), (x1, y1) = drawn[1][0], drawn[1][-1]
        assert x0 < 0.5 < x1 and y0 >= 0.8 and y1 <= 0.2  # through the middle, y down
        assert np.allclose(drawn[1].mean(axis=0), [0.5, 0.5])


def test_a_flat_mark_is_no_zero_to_slash():
    assert slash([np.array([[0.1, 0.5], [0.9, 0.55]])], np.random.default_rng(0)) is None


def test_only_sevens_ones_nines_and_zeros_are_styled():
    class Sample:
        def __init__(self, label, strokes):
            self.label, self.strokes = label, strokes

    drawings, digits = styled([Sample(7, SEVEN), Sample(1, ONE), Sample(2, ONE), Sample(9, NINE), Sample(0, ZERO)],
                              np.random.default_rng(0))  # fmt: skip
    assert digits == [7, 1, 9, 0] and len(drawings) == 4


def test_every_style_has_the_name_the_benchmarks_print():
    assert NAMES.keys() == STYLES.keys() and all(NAMES.values())
