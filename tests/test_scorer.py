"""The segment scorer (nn/networks/scorer.py, nn/ink/line.py, nn/training/train_scorer.py):
its file is a checksummed model file that only a scorer passes, its geometry is measured in
the line's height, candidates are labelled from the true digits; and, with HANDWRITING_DIR,
the shipped scorer segments the real test writers' numbers and never splits their single
digits, drawn or scanned."""

import numpy as np
import pytest

from nn.data import handwriting
from nn.data import written_numbers as wn
from nn.ink import segment
from nn.ink.line import CLASSES, MARK, PART, SEVERAL, Line, features
from nn.ink.pieces import mask_pieces, pen_pieces
from nn.ink.preprocess import ink_mask
from nn.networks.model_file import ModelFileError, save_model
from nn.networks.scorer import N_INPUTS, load_scorer
from nn.training.train_scorer import labels, pen_digits
from tests.helpers import real_handwriting, tiny_network

NUMBERS_RIGHT = 0.97  # of the real test writers' numbers, segmented exactly
SPLIT = 0.001  # of the real test writers' single digits, at most


def test_the_shipped_scorer_is_a_network_reading_pixels_and_geometry_with_an_outcome_for_each_class():
    scorer = load_scorer()
    assert scorer.network.sizes[0] == N_INPUTS and scorer.network.sizes[2] == len(CLASSES)
    assert CLASSES[PART:] == ("part", "several", "mark")
    assert scorer.meta["segmented_right"]["real numbers"] >= 0.95  # validation writers', when trained


def test_a_digit_model_is_not_a_scorer(tmp_path):
    save_model(tmp_path / "mlp.pkl", tiny_network(), {"name": "mlp"})
    with pytest.raises(ModelFileError, match="not a segment scorer"):
        load_scorer(tmp_path / "mlp.pkl")


def test_the_geometry_is_measured_in_the_line_s_height():
    # Three pieces on a line 2 high: a digit, a bar 0.5 to its right, and a digit past it.
    boxes = np.array([[0.0, 0.0, 1.0, 2.0], [1.5, 0.0, 2.5, 0.2], [3.0, 0.0, 4.0, 2.0]])
    line = Line(boxes, np.arange(3), height=2.0, middle=1.0, pen=0.2, photo=False)
    (first, both) = features(line, np.array([[0, 1], [0, 2]]))
    np.testing.assert_allclose(first[:6], [0.5, 1.0, 0.0, 1.0, 0.25, 0.0])  # nothing to its left: FAR
    np.testing.assert_allclose(both[:7], [1.25, 1.0, 0.0, 1.0, 0.25, 0.0, 0.25])  # a gap of 0.5 inside
    assert both[9] == pytest.approx(0.1) and both[11] == 0.0  # pen / H; not the whole drawing


def test_candidates_are_labelled_a_digit_a_part_several_or_a_mark():
    owners = np.array([0, 0, 1, -1])  # pieces: two of the first digit, one of the second, a mark
    runs = np.array([[0, 2], [0, 1], [1, 3], [2, 3], [3, 4], [2, 4]])
    assert labels(runs, owners, "47").tolist() == [4, PART, SEVERAL, 7, MARK, SEVERAL]


def test_a_drawing_of_no_digit_is_one_mark_whose_pieces_are_parts_of_it():
    runs = np.array([[0, 1], [1, 2], [0, 2]])  # a letter in two strokes
    assert labels(runs, np.array([-1, -1]), "").tolist() == [PART, PART, MARK]


@pytest.fixture(scope="module")
def folder():
    return real_handwriting()


def test_the_real_test_writers_numbers_are_segmented_right(folder):
    scorer = load_scorer()
    numbers = wn.split(wn.load_numbers(folder), "test")
    right = 0
    for number in numbers:
        pieces = pen_pieces(number.strokes)
        found = [
            tuple(sorted({pieces.spans[i][0] for i in d.members})) for d in segment.digits(pieces, scorer)
        ]
        right += found == list(number.groups)
    assert len(numbers) > 100 and right / len(numbers) >= NUMBERS_RIGHT


def test_a_real_test_writer_s_single_digit_is_never_split(folder):
    scorer = load_scorer()
    digits = [s for writer in pen_digits(folder, "test").values() for s in writer]
    split = sum(len(segment.digits(pen_pieces(s.strokes), scorer)) > 1 for s in digits)
    assert len(digits) > 3000 and split / len(digits) <= SPLIT


SCANS = {
    "usps": handwriting.load_usps,
    "semeion": lambda folder: handwriting.load_semeion(folder / "semeion.data"),
}


@pytest.mark.parametrize("name", SCANS)
def test_a_real_test_scan_of_a_single_digit_is_never_split(folder, name):
    # USPS's faint scans break into many bits of ink: a flat, wide 2 in eight of them is one
    # digit only if the photo's whole is a candidate, however wide.
    scans = [s for s in SCANS[name](folder) if handwriting.side_of(s) == "test"]
    scorer = load_scorer()
    split = sum(
        len(segment.digits(mask_pieces(ink_mask(handwriting.paper(s.image))), scorer)) > 1 for s in scans
    )
    assert len(scans) > 150 and split / len(scans) <= SPLIT
