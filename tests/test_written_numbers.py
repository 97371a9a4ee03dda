"""Numbers as people write them (nn/data/written_numbers.py): the real numbers' file read and
split by writer, the gaps measured on them, and numbers composed of single digits written
apart, touching, with a mark, or joined in one stroke."""

import gzip
import json

import numpy as np
import pytest

from nn.data import handwriting
from nn.data import written_numbers as wn
from nn.data.handwriting import HandwritingError, Sample
from nn.ink import raster
from nn.ink.pieces import digit_height

ROW = {
    "number": "17",
    "writer": "crohme/MfrDB/007",
    "site": "MfrDB",
    "digits": [
        {"label": 1, "strokes": [[[10, 0], [10, 40]]]},
        {"label": 7, "strokes": [[[20, 0], [40, 0], [28, 40]], [[24, 20], [36, 20]]]},
    ],
}


def numbers_file(tmp_path, rows):
    with gzip.open(tmp_path / wn.NUMBERS_FILE, "wt") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    return tmp_path


def test_a_real_number_is_one_drawing_with_each_digit_s_strokes_known(tmp_path):
    (number,) = wn.load_numbers(numbers_file(tmp_path, [ROW]))
    assert (number.label, number.site, number.groups) == ("17", "MfrDB", ((0,), (1, 2)))
    assert number.writer == "crohme/MfrDB/007"  # already qualified: not prefixed twice
    points = np.concatenate(number.strokes)
    assert np.ptp(points, axis=0).max() == pytest.approx(handwriting.TYPICAL_SIZE)  # placed as one drawing
    assert wn.split([number], handwriting.side(number.writer)) == [number]


@pytest.mark.parametrize(
    "row, message",
    [
        ({**ROW, "number": "71"}, "do not spell"),
        ({**ROW, "digits": [{"label": "1", "strokes": [[[0, 0]]]}]}, "do not spell"),
        ({k: v for k, v in ROW.items() if k != "writer"}, "writer"),
    ],
)
def test_a_malformed_number_is_an_error_naming_the_file_and_line(tmp_path, row, message):
    with pytest.raises(HandwritingError, match=rf"line 2: .*{message}"):
        wn.load_numbers(numbers_file(tmp_path, [ROW, row]))


def test_the_gaps_are_measured_between_neighbouring_digits_in_their_number_s_height(tmp_path):
    (number,) = wn.load_numbers(numbers_file(tmp_path, [ROW]))
    # the 1 ends at x 10, the 7 starts at 20; both are 40 high: a quarter of the height
    np.testing.assert_allclose(wn.spacing([number]), [0.25])


def digit(label, strokes, writer="w"):
    return Sample(label, writer, "test", "test", strokes=tuple(np.array(s, float) for s in strokes))


ONE = digit(1, [[[0.5, 0.2], [0.5, 0.8]]])
ZERO = digit(0, [[[0.5 + 0.25 * np.cos(t), 0.5 + 0.3 * np.sin(t)] for t in np.linspace(0, 6.28, 30)]])


def test_a_composed_number_keeps_each_digit_s_strokes_and_the_gap_drawn():
    rng = np.random.default_rng(0)
    number = wn.compose([ONE, ZERO, ONE], np.array([0.3]), rng)
    assert number.label == "101" and number.groups == ((0,), (1,), (2,))
    boxes = wn.digit_boxes(number)
    np.testing.assert_allclose((boxes[1:, 0] - boxes[:-1, 2]) / digit_height(boxes), 0.3, rtol=0.15)


def test_digits_composed_touching_have_inks_that_touch_but_do_not_swallow_each_other():
    for seed in range(5):
        number = wn.compose([ZERO, ZERO], np.array([0.3]), np.random.default_rng(seed), touch=True)
        first, second = (np.concatenate([raster.curve(number.strokes[i]) for i in g]) for g in number.groups)
        near = np.sqrt(((first[:, None] - second[None]) ** 2).sum(axis=2)).min()
        assert near < raster.PEN_WIDTH  # the pen's inks overlap
        assert wn.digit_boxes(number)[1, 0] > wn.digit_boxes(number)[0, 0] + 0.2  # side by side


def test_a_mark_belongs_to_no_digit_and_the_digits_after_it_make_room():
    rng = np.random.default_rng(1)
    number = wn.with_mark(wn.compose([ONE, ONE, ONE], np.array([0.2]), rng), rng)
    owners = number.point_owners()
    assert len(number.strokes) == 4 and (owners[3] == -1).all()
    assert number.groups == ((0,), (1,), (2,))


def test_two_digits_joined_are_one_stroke_whose_points_belong_to_each():
    rng = np.random.default_rng(2)
    number = wn.joined(wn.compose([ONE, ZERO], np.array([0.2]), rng), rng)
    assert len(number.strokes) == 1 and number.groups == ((0,), (0,))
    assert number.point_owners()[0].tolist() == [0] * 2 + [1] * 30


def test_a_photo_of_a_number_has_each_digit_s_ink_apart():
    rng = np.random.default_rng(3)
    gray, inks = wn.photo(wn.compose([ONE, ZERO], np.array([0.3]), rng), rng)
    assert gray.dtype == np.uint8 and len(inks) == 2
    assert not (inks[0] & inks[1]).any()
    assert gray[inks[0]].mean() < 100 < gray[~(inks[0] | inks[1])].mean()
