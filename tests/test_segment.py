"""Segmenting a number into its digits (nn/ink/segment.py) with the shipped segment scorer:
strokes and a photo's parts cut into pieces, candidate digits scored, the best path kept;
and, with HANDWRITING_DIR, real people's numbers and single digits."""

import json
from pathlib import Path

import numpy as np
import pytest

from nn.ink import raster, segment
from nn.ink.cuts import seams
from nn.ink.line import CLASSES, MARK, PART, RUN_PIECES, SEVERAL, Line
from nn.ink.masks import components
from nn.ink.pieces import MAX_PIECES, TooManyPieces, digit_height, joins, mask_pieces, pen_pieces
from nn.ink.preprocess import from_mask
from nn.networks.scorer import load_scorer
from tests.helpers import SHAPES, written

# "41" written with the mouse on the drawing page, the 1 against the end of the 4's bar:
# three strokes, the 4's two and the 1's, in the pad's units from x = 0
TOUCHING_41 = json.loads((Path(__file__).parent / "golden" / "touching-41-strokes.json").read_text())


@pytest.fixture(scope="module")
def scorer():
    return load_scorer()


def groups(strokes, scorer):
    """Each digit found: the drawing's strokes it was drawn from."""
    pieces = pen_pieces(strokes)
    return [sorted({pieces.spans[i][0] for i in d.members}) for d in segment.digits(pieces, scorer)]


@pytest.mark.parametrize("number", ["2026", "177", "45", "1", "0124567", "4545454545", "21", "41", "1372"])
def test_a_number_s_strokes_are_grouped_into_its_digits(number, scorer):
    strokes, truth = written(number)
    assert groups(strokes, scorer) == truth


@pytest.mark.parametrize("digit", ["4", "5", "7"])
def test_a_digit_drawn_in_two_strokes_is_one_digit(digit, scorer):
    strokes, _ = written(digit)
    assert groups(strokes, scorer) == [[0, 1]]


def test_digits_come_left_to_right_whatever_order_they_were_drawn_in(scorer):
    strokes, _ = written("2026")
    order = [3, 1, 0, 2]  # the 6 first, then the 0, ...
    shuffled = [strokes[i] for i in order]
    assert groups(shuffled, scorer) == [[2], [1], [3], [0]]


def test_a_crossbar_drawn_after_the_whole_number_still_joins_its_seven(scorer):
    strokes, _ = written("177")
    late = [strokes[0], strokes[1], strokes[3], strokes[2], strokes[4]]  # first 7's bar after the second 7
    assert groups(late, scorer) == [[0], [1, 3], [2, 4]]


@pytest.mark.parametrize("gap", [0.06, 0.0, -0.05])
def test_digits_written_close_together_touching_or_overlapping_stay_apart(gap, scorer):
    strokes, truth = written("2026", gap=gap)
    assert groups(strokes, scorer) == truth


def test_two_digits_written_without_lifting_the_pen_are_cut_apart(scorer):
    strokes, _ = written("21")
    joined = [strokes[0] + strokes[1]]  # the pen runs on from the 2's foot to the 1's flag
    pieces = pen_pieces(joined)
    found = segment.digits(pieces, scorer)
    assert len(found) == 2
    (first,), (second,) = (pieces.drawn(d.members) for d in found)
    assert first[0].tolist() == strokes[0][0] and second[-1].tolist() == strokes[1][-1]


def test_a_stroke_is_cut_only_where_a_digit_tall_part_of_it_lies_left_of_the_rest():
    two = np.array(SHAPES["2"][0])  # its foot runs back under its curve: no part lies apart
    assert joins(two, 0.05, 0.5) == []
    one = np.array(SHAPES["1"][0]) + [0.8, 0]
    assert joins(np.concatenate([two, one]), 0.05, 0.5)[0] == len(two) - 1  # where the 2 ends
    flag = np.array([[0.0, 0.3], [0.3, 0.0], [0.3, 1.0]])  # a one's flag is apart, but not tall
    assert joins(flag, 0.05, 0.5) == []


def test_a_dot_beside_a_number_is_not_a_digit(scorer):
    strokes, truth = written("12")
    dot = [[1.05, 0.74]]
    assert groups([*strokes, dot], scorer) == truth


def test_a_dash_after_a_number_is_not_a_digit(scorer):
    strokes, truth = written("12")
    dash = [[0.7, 0.5], [0.8, 0.5], [0.9, 0.5]]
    assert groups([*strokes, dash], scorer) == truth


def test_each_digit_is_drawn_as_if_it_were_alone(scorer):
    # draw scales a drawing's own box to the working size: a digit's strokes drawn out of a
    # number give the very pixels of that digit drawn alone, wherever it sat on the pad.
    strokes, _ = written("27")
    found = segment.digits(pen_pieces(strokes), scorer)
    alone, _ = written("7", left=0.3, top=0.1)
    np.testing.assert_array_equal(found[1].pixels, from_mask(raster.draw_read(alone)))


def candidates_of(runs, probabilities):
    return segment.Candidates(np.array(runs), np.zeros((len(runs), 28, 28)), np.zeros((len(runs), 1)))


def test_the_best_path_has_the_highest_product_of_probabilities():
    # Pieces 0, 1, 2: "0 1 | 2" as one digit and 2 alone (0.9 * 0.8, the whole read as
    # several: 0.7) beats each alone (0.6 * 0.6 * 0.8 * 0.7) and all three as one (0.3, the
    # path's candidates part of it: the geometric mean of 0.1 and 0.2); a mark is never a digit.
    runs = [[0, 1], [1, 2], [2, 3], [0, 2], [0, 3]]
    one = np.array([0.6, 0.6, 0.8, 0.9, 0.3])
    probabilities = np.zeros((5, len(CLASSES)))
    probabilities[:, 0] = one
    probabilities[:, PART] = 1 - one
    probabilities[4, [PART, SEVERAL]] = [0.0, 0.7]
    found = candidates_of(runs, probabilities)
    assert segment.best_path(found, probabilities) == [3, 2]
    probabilities[2, [0, PART, MARK]] = [0.1, 0.0, 0.9]  # piece 2 is a mark: left out
    assert segment.best_path(found, probabilities) == [3]


def test_a_number_whose_digits_read_as_digits_is_not_taken_whole_for_a_mark():
    # The touching "41" as the scorer reads it: the 4's two strokes a 4 (0.98), the 1 against
    # its bar more likely part of a digit than one (0.15), and the whole several digits
    # (0.76) more than a mark (0.15) or one digit (0.09). The whole a mark, one probability,
    # was more likely than the path's product of two; weighed on the same candidates, it is not.
    runs = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    probabilities = np.zeros((6, len(CLASSES)))
    probabilities[0, PART] = 1.0
    probabilities[1, [4, PART, SEVERAL]] = [0.98, 0.01, 0.01]
    probabilities[2, [4, SEVERAL, MARK]] = [0.09, 0.76, 0.15]
    probabilities[3, [1, PART]] = [0.03, 0.97]
    probabilities[4, [1, SEVERAL]] = [0.01, 0.99]
    probabilities[5, [1, PART]] = [0.15, 0.85]
    assert segment.best_path(candidates_of(runs, probabilities), probabilities) == [1, 5]
    # A whole read as a mark, whose pieces read as parts more than as digits, stays one.
    probabilities[1, [4, PART, SEVERAL]] = [0.3, 0.69, 0.01]
    probabilities[2, [4, SEVERAL, MARK]] = [0.09, 0.11, 0.8]
    assert segment.best_path(candidates_of(runs, probabilities), probabilities) == []


@pytest.mark.parametrize("left", np.arange(0.1, 0.75, 0.04).round(2).tolist())
def test_a_1_written_against_a_4_s_bar_reads_41_wherever_it_is_on_the_pad(left, scorer):
    strokes = [[[x + left, y] for x, y in stroke] for stroke in TOUCHING_41]
    assert groups(strokes, scorer) == [[0, 1], [2]]


def test_a_digit_in_more_pieces_than_a_run_holds_is_a_candidate_as_a_whole():
    # An 8 of two loops, each cut where the pen turns, or a scan's broken 5: one digit in
    # more than RUN_PIECES pieces, together no wider than a digit; no run holds them all but the whole.
    n = RUN_PIECES + 2
    narrow = np.array([[0.2 * i, 0.0, 0.2 * i + 0.3, 1.0] for i in range(n)])  # 1.3 H wide in all
    runs = segment.candidate_runs(Line(narrow, np.arange(n), 1.0, 0.5, 0.1, photo=False)).tolist()
    assert [0, n] in runs and max(b - a for a, b in runs if [a, b] != [0, n]) == RUN_PIECES
    wide = narrow * [2, 1, 2, 1]  # 2.6 H wide: a number, whose pieces are never one digit
    assert [0, n] not in segment.candidate_runs(Line(wide, np.arange(n), 1.0, 0.5, 0.1, photo=False)).tolist()


def test_a_photo_s_whole_is_a_candidate_however_wide_and_however_many_pieces():
    # A faint scan's 4 in six bits of ink, each a third of its height: H (their median
    # height) is a third of the digit's, so the digit is over WIDEST H wide. A scan's flat,
    # wide 2 broken into as many bits is wider than tall too. A pen's same pieces, three
    # times as far apart, are a number: it was lifted on purpose.
    n = RUN_PIECES + 2
    short = np.array([[0.15 * i, 0.7 * (i % 2), 0.15 * i + 0.25, 0.7 * (i % 2) + 0.3] for i in range(n)])
    line = Line(short, np.arange(n), digit_height(short), 0.5, 0.05, photo=True)
    assert np.ptp(short[:, [0, 2]]) > segment.WIDEST * line.height
    assert [0, n] in segment.candidate_runs(line).tolist()
    flat = short * [3, 1, 3, 1]  # wider than tall
    assert np.ptp(flat[:, [0, 2]]) > np.ptp(flat[:, [1, 3]])
    assert [0, n] in segment.candidate_runs(Line(flat, np.arange(n), 0.3, 0.5, 0.05, photo=True)).tolist()
    assert [0, n] not in segment.candidate_runs(
        Line(flat, np.arange(n), 0.3, 0.5, 0.05, photo=False)
    ).tolist()


def test_too_many_pieces_of_ink_are_refused_before_any_is_read():
    dots = [[[0.01 * i, 0.5]] for i in range(MAX_PIECES + 1)]
    with pytest.raises(TooManyPieces, match=f"at most {MAX_PIECES}"):
        pen_pieces(dots)


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
    labels, count = components(mask)
    expected, expected_count = brute_components(mask)
    assert count == expected_count
    # the same partition: labels map one to one
    pairs = set(zip(labels[mask].tolist(), expected[mask].tolist(), strict=True))
    assert len(pairs) == count
    assert (labels[~mask] == -1).all()


def paper(number: str, gap: float = 0.3, height: int = 120, pen: float = 0.08) -> np.ndarray:
    """A number written on paper, as an ink mask."""
    strokes, _ = written(number, height=1.0, gap=gap, left=0, top=0)
    ink = raster.draw(strokes, pen_width=pen, size=height * 8)  # the width is the longer side
    return np.pad(ink, 20)


def photo_digits(mask, scorer):
    return segment.digits(mask_pieces(mask), scorer)


def test_a_photo_s_ink_is_grouped_into_its_digits(scorer):
    digits = photo_digits(paper("2026"), scorer)
    assert [int(d.probabilities[:10].argmax()) for d in digits] == [2, 0, 2, 6]  # the scorer's reading
    lefts = [d.box[0] for d in digits]
    assert lefts == sorted(lefts)


def test_grain_and_a_full_stop_on_the_paper_are_not_digits(scorer):
    mask = paper("45")
    rng = np.random.default_rng(0)
    mask[rng.integers(0, mask.shape[0], 300), rng.integers(0, mask.shape[1], 300)] = True  # grain
    mask[-30:-24, -18:-12] = True  # a full stop
    assert len(photo_digits(mask, scorer)) == 2


def test_a_broken_stroke_in_a_photo_is_one_digit(scorer):
    mask = paper("1")
    mask[mask.shape[0] // 2 : mask.shape[0] // 2 + 3] = False  # a gap across the stroke
    assert components(mask)[1] == 2
    assert len(photo_digits(mask, scorer)) == 1


def test_a_dotted_digit_is_one_digit(scorer):
    mask = paper("0")
    rows, cols = np.indices(mask.shape)
    dotted = mask & (rows // 8 % 2 == 0) & (cols // 8 % 2 == 0)  # the ring in dots, as a dotted print
    assert components(dotted)[1] > 10
    assert len(photo_digits(dotted, scorer)) == 1


@pytest.mark.parametrize(
    "number, gap",
    [
        ("20", -0.1),
        pytest.param(
            "10",
            -0.05,
            marks=pytest.mark.xfail(
                strict=True, reason="the 1's stem lies on the 0's side: no path through the ink parts them"
            ),
        ),
    ],
)
def test_two_digits_touching_on_paper_are_cut_apart(number, gap, scorer):
    mask = paper(number, gap=gap, pen=0.1)
    assert components(mask)[1] == 1
    digits = photo_digits(mask, scorer)
    assert len(digits) == 2
    assert digits[0].box[2] <= digits[1].box[0] + 0.3 * mask.shape[0]


@pytest.mark.parametrize("number, gap, pen", [("52", -0.05, 0.16), ("70", -0.05, 0.16), ("35", -0.05, 0.16)])
def test_digits_touching_in_a_thick_pen_s_ink_are_cut_along_the_gap_between_them(number, gap, pen, scorer):
    # A thick pen leaves no column, slanted or not, with little ink: the cut bends with the gap.
    mask = paper(number, gap=gap, pen=pen)
    assert components(mask)[1] == 1
    digits = photo_digits(mask, scorer)
    assert "".join(str(d.probabilities[:10].argmax()) for d in digits) == number


def test_a_cut_follows_the_least_ink_from_top_to_bottom():
    cost = np.ones((6, 7))
    cost[np.arange(6), [1, 2, 3, 3, 4, 5]] = 0  # a gap that runs down and to the right
    paths, crossed = seams(cost, reach=4)
    assert paths[2].tolist() == [1, 2, 3, 3, 4, 5] and crossed[2] == 0
    assert crossed[0] == 1  # its band (columns 0 to 4) misses the gap's last row only


def test_a_wide_digit_is_not_cut(scorer):
    ink = raster.draw([SHAPES["0"][0] * [2.2, 1]], size=500)  # a zero over twice as wide as high
    assert len(photo_digits(np.pad(ink, 10), scorer)) == 1
