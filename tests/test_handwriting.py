"""Real handwriting sets: reading each format, unit scaling, the split by writer, letters
kept apart from digits, and pixels made exactly as the site makes them. On small files
written here; one test reads the real folder when HANDWRITING_DIR names it."""

import gzip
import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest

from nn.data import handwriting as hw
from nn.training.evaluate import expected_calibration_error
from recognizer.drawings import Strokes

SEVEN = [[[10, 10], [90, 10], [40, 210]]]  # device units, y down: 80 wide, 200 tall
ONE = [[[300, 100], [300, 500]]]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in rows)
    return path


def unipen_row(label=7, writer="aga/amy", site="aga", checked=True, strokes=SEVEN) -> dict:
    return {"label": label, "writer": writer, "site": site, "country": "", "checked": checked,
            "strokes": strokes}  # fmt: skip


def pen_rows(labels: list, writer: str) -> list[dict]:
    return [{"label": label, "writer": writer, "strokes": ONE} for label in labels]


def semeion_line(image: np.ndarray, label: int) -> str:
    one_hot = np.eye(10, dtype=int)[label]
    return " ".join(f"{v:.4f}" for v in [*image.ravel(), *one_hot]) + " \r\n"


def write_semeion(path: Path, images, digits) -> Path:
    path.write_bytes("".join(semeion_line(i, d) for i, d in zip(images, digits, strict=True)).encode())
    return path


def bar(width: int = 4) -> np.ndarray:
    """A 16x16 scan of a one: a vertical bar from top to bottom."""
    image = np.zeros((16, 16), int)
    image[:, 8 - width // 2 : 8 + width // 2] = 1
    return image


def ring() -> np.ndarray:
    """A 16x16 scan of a zero stretched to fill its box: ink all along the edges."""
    image = np.ones((16, 16), int)
    image[3:-3, 3:-3] = 0
    return image


def test_a_drawing_is_scaled_into_the_pad_by_its_bounding_box_keeping_its_aspect():
    (stroke,) = hw.to_unit(SEVEN)
    low, high = stroke.min(axis=0), stroke.max(axis=0)
    assert np.allclose(high - low, [0.65 * 80 / 200, 0.65])  # the longer side is the typical size
    assert np.allclose((low + high) / 2, [0.5, 0.5])  # in the middle of the pad
    assert stroke[2, 1] > stroke[0, 1]  # y still points down: the stem ends below the bar


def test_a_lone_dot_lands_in_the_middle_of_the_pad_and_empty_strokes_are_dropped():
    strokes = hw.to_unit([[], [[123, -456]]])
    assert len(strokes) == 1 and np.allclose(strokes[0], [[0.5, 0.5]])


def test_unipen_rows_keep_their_site_and_unchecked_labels_are_kept_flagged(tmp_path):
    write_jsonl(tmp_path / "unipen-1a.jsonl.gz", [unipen_row(checked=True), unipen_row(1, checked=False)])
    first, second = hw.load_digits(tmp_path)
    assert (first.label, first.set, first.site, first.checked) == (7, "unipen", "aga", True)
    assert (second.label, second.checked) == (1, False)
    assert first.writer == "unipen/aga/amy"  # qualified: another set's "aga/amy" is someone else
    assert np.allclose(first.strokes[0], hw.to_unit(SEVEN)[0])


def test_a_drawing_flatter_than_any_digit_is_left_out_as_a_slip_of_the_set(tmp_path):
    dash = [[[100, 300], [500, 310]]]  # 400 wide, 10 high: a dash labelled 1
    write_jsonl(tmp_path / "unipen-1a.jsonl.gz", [unipen_row(1, strokes=dash), unipen_row(1, strokes=ONE)])
    assert [s.strokes[0][0, 0] for s in hw.load_digits(tmp_path)] == [0.5]  # the upright one alone


def test_writer_ids_already_naming_their_set_are_not_prefixed_twice(tmp_path):
    write_jsonl(tmp_path / "numberpad.jsonl.gz", pen_rows([3], "numberpad/bridger"))
    write_jsonl(tmp_path / "chars74k.jsonl.gz", pen_rows([0], "chars74k/07"))
    writers = {s.set: (s.writer, s.site, s.checked) for s in hw.load_digits(tmp_path)}
    assert writers == {
        "chars74k": ("chars74k/07", "chars74k", True),
        "numberpad": ("numberpad/bridger", "numberpad", True),
    }


def test_letters_are_kept_apart_from_digits_and_go_with_their_writers(tmp_path):
    write_jsonl(tmp_path / "chars74k.jsonl.gz", pen_rows([0, 1, 2], "chars74k/07"))
    write_jsonl(tmp_path / hw.LETTERS["chars74k"], pen_rows(list("AxO"), "chars74k/07"))
    digits, letters = hw.load_digits(tmp_path), hw.load_letters(tmp_path)
    assert [s.label for s in digits] == [0, 1, 2]  # the letters file is not a digit set
    assert [s.label for s in letters] == ["A", "x", "O"]
    assert {s.set for s in letters} == {"chars74k-letters"}
    assert {hw.side(s.writer) for s in digits + letters} == {hw.side("chars74k/07")}
    with pytest.raises(hw.HandwritingError, match="line 1: label 'A' is not a digit"):
        hw.load_pen(tmp_path / hw.LETTERS["chars74k"], "chars74k")


def test_a_folder_of_letters_alone_holds_no_digits(tmp_path):
    write_jsonl(tmp_path / hw.LETTERS["chars74k"], pen_rows(["K"], "chars74k/01"))
    with pytest.raises(hw.HandwritingError, match="holds none of"):
        hw.load_digits(tmp_path)
    assert hw.absent(tmp_path) == hw.all_files()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (unipen_row(label=10), "line 2: label 10 is not a digit 0-9"),
        (unipen_row(label=True), "line 2: label True is not a digit"),
        (unipen_row(strokes=[[[1, 2], [3]]]), "line 2: "),
        (unipen_row(strokes=[]), "line 2: a drawing needs finite points"),
        (unipen_row(writer=""), "line 2: a writer must be"),
        ({"label": 1, "strokes": ONE}, "line 2: 'writer'"),
    ],
)
def test_a_malformed_row_is_an_error_naming_the_file_and_line(tmp_path, row, message):
    write_jsonl(tmp_path / "unipen-1a.jsonl.gz", [unipen_row(), row])
    with pytest.raises(hw.HandwritingError, match=f"unipen-1a.jsonl.gz, {message}"):
        hw.load_digits(tmp_path)


def usps_line(label: int, ink: np.ndarray) -> str:
    return " ".join(f"{v:.4f}" for v in [label, *(2 * ink.ravel() - 1)]) + "\n"


def write_usps(folder: Path, train: list[int], test: list[int]) -> None:
    for name, digits in (("usps-train.gz", train), ("usps-test.gz", test)):
        with gzip.open(folder / name, "wt", encoding="ascii") as f:
            f.writelines(usps_line(d, bar() * 0.75) for d in digits)


def test_usps_rows_are_grey_scans_whose_test_file_is_the_test_side_and_whose_training_file_never_is(tmp_path):
    write_usps(tmp_path, train=[3] * 40, test=[5, 6])
    samples = hw.load_digits(tmp_path)
    assert [s.label for s in samples] == [3] * 40 + [5, 6]
    assert samples[0].set == "usps" and np.allclose(samples[0].image, bar() * 0.75)
    assert [s.label for s in hw.split(samples, "test")] == [5, 6]
    train, validation = hw.split(samples, "train"), hw.split(samples, "validation")
    assert len(train) + len(validation) == 40 and len(train) > len(validation) > 0
    assert hw.paper(samples[0].image)[2:-2, 8].tolist() == [64] * 16  # three quarters ink: dark grey


def test_a_usps_line_that_is_not_a_digit_and_256_levels_is_an_error_naming_the_file_and_line(tmp_path):
    write_usps(tmp_path, train=[3], test=[5])
    with gzip.open(tmp_path / "usps-test.gz", "at", encoding="ascii") as f:
        f.write("12 " + " ".join(["-1"] * 256) + "\n")
    with pytest.raises(hw.HandwritingError, match="usps-test.gz, line 2: expected a digit"):
        hw.load_digits(tmp_path)


def test_letters_of_every_collection_are_read_with_their_writers_collection(tmp_path):
    write_jsonl(tmp_path / hw.LETTERS["digilets"], pen_rows(["q", "Z"], "digilets/002"))
    letters = hw.load_letters(tmp_path)
    assert [(s.label, s.set, s.writer) for s in letters] == [
        ("q", "digilets-letters", "digilets/002"),
        ("Z", "digilets-letters", "digilets/002"),
    ]


def test_a_file_that_is_not_gzipped_json_lines_is_a_clear_error(tmp_path):
    (tmp_path / "chars74k.jsonl.gz").write_bytes(b"not gzip")
    with pytest.raises(hw.HandwritingError, match="is not gzipped JSON lines"):
        hw.load_digits(tmp_path)


def test_semeion_lines_are_read_as_scans_and_writer_groups_start_where_the_digits_start_again(tmp_path):
    digits = [0, 0, 1, 9, 0, 1, 1, 0]
    write_semeion(tmp_path / "semeion.data", [bar()] * len(digits), digits)
    samples = hw.load_digits(tmp_path)
    assert [s.label for s in samples] == digits
    assert [s.writer for s in samples] == ["semeion/group0"] * 4 + ["semeion/group1"] * 3 + ["semeion/group2"]
    assert samples[0].image.dtype == bool and np.array_equal(samples[0].image, bar().astype(bool))
    assert samples[0].strokes is None and samples[0].set == samples[0].site == "semeion"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1.0000 " * 266, "exactly one digit"),
        ("0.5000 " * 256 + "1 " + "0 " * 9, "each 0 or 1"),
        ("0 " * 265, "expected 266 values"),
        ("zero " * 266, "not numbers"),
    ],
)
def test_a_malformed_semeion_line_is_an_error_naming_the_line(tmp_path, line, message):
    (tmp_path / "semeion.data").write_text(semeion_line(bar(), 1) + line + "\r\n")
    with pytest.raises(hw.HandwritingError, match=f"semeion.data, line 2: .*{message}"):
        hw.load_digits(tmp_path)


def test_a_scan_filling_its_box_is_read_as_dark_ink_on_paper(tmp_path):
    write_semeion(tmp_path / "semeion.data", [ring()], [0])
    (zero,) = hw.load_digits(tmp_path)
    pixels = hw.pixels_of(zero)
    assert pixels[14, 14] < 0.1 < pixels[14, 5]  # a hole in the middle, ink at the side


def test_a_pen_sample_is_exactly_what_the_site_makes_of_the_same_strokes(tmp_path):
    write_jsonl(tmp_path / "unipen-1a.jsonl.gz", [unipen_row()])
    (seven,) = hw.load_digits(tmp_path)
    served = Strokes([s.tolist() for s in seven.strokes]).whole().pixels  # as a request's JSON strokes
    assert np.array_equal(hw.pixels([seven])[0], served)


def test_a_scan_with_no_ink_becomes_a_blank_input():
    blank = hw.Sample(3, "semeion/group0", "semeion", "semeion", image=np.zeros((16, 16), bool))
    assert hw.pixels_of(blank) is None
    images = hw.pixels([blank, blank])
    assert images.shape == (2, 28, 28) and not images.any()


def test_each_writer_lands_on_one_side_in_about_the_split_fractions():
    writers = [f"unipen/site{i % 17}/w{i:04d}" for i in range(4000)]
    sides = [hw.side(w) for w in writers]
    for name, fraction in hw.SPLITS.items():
        assert abs(sides.count(name) / len(writers) - fraction) < 0.03
    assert sides == [hw.side(w) for w in writers]  # deterministic


def test_the_split_is_by_writer_disjoint_and_stable_when_rows_are_added(tmp_path):
    rows = [unipen_row(d % 10, writer=f"aga/w{d // 5:02d}") for d in range(200)]  # 40 writers, 5 digits each
    path = write_jsonl(tmp_path / "unipen-1a.jsonl.gz", rows)
    before = {name: hw.split(hw.load_digits(tmp_path), name) for name in hw.SPLITS}
    writers = {name: {s.writer for s in part} for name, part in before.items()}
    assert sum(len(p) for p in before.values()) == 200 and all(writers.values())
    assert not any(writers[a] & writers[b] for a, b in itertools.combinations(hw.SPLITS, 2))
    more = [unipen_row(3, writer=f"aga/w{i:02d}") for i in range(30, 90)]
    write_jsonl(path, more[:30] + rows + more[30:])
    after = {name: {s.writer for s in hw.split(hw.load_digits(tmp_path), name)} for name in hw.SPLITS}
    assert all(writers[name] <= after[name] for name in hw.SPLITS)


def test_an_unknown_split_is_refused():
    with pytest.raises(ValueError, match="unknown split 'tests'"):
        hw.split([], "tests")


def test_the_flag_wins_over_the_variable_and_neither_means_mnist_alone(tmp_path, monkeypatch):
    monkeypatch.delenv(hw.ENV_VAR, raising=False)
    assert hw.find_folder() is None
    monkeypatch.setenv(hw.ENV_VAR, str(tmp_path))
    assert hw.find_folder() == tmp_path
    (tmp_path / "other").mkdir()
    assert hw.find_folder(str(tmp_path / "other")) == tmp_path / "other"
    assert hw.ENV_VAR in hw.not_found_message() and hw.FLAG in hw.not_found_message()


def test_a_folder_named_but_not_there_is_an_error_saying_who_named_it(tmp_path, monkeypatch):
    monkeypatch.setenv(hw.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(hw.HandwritingError, match=f"{hw.ENV_VAR} names .*nowhere"):
        hw.find_folder()
    with pytest.raises(hw.HandwritingError, match=f"{hw.FLAG} names .*gone"):
        hw.find_folder(str(tmp_path / "gone"))


def test_the_calibration_error_is_nil_when_confidence_matches_accuracy_and_the_gap_when_not():
    confidence = np.array([0.8] * 10 + [0.99] * 10)  # two bins of ten answers
    honest = np.array([True] * 8 + [False] * 2 + [True] * 10)  # 80% and 100% right: ~ as sure
    assert expected_calibration_error(confidence, honest) == pytest.approx(0.5 * 0.01)
    proud = np.array([True] * 8 + [False] * 2 + [True] * 5 + [False] * 5)  # 99% sure, half right
    assert expected_calibration_error(confidence, proud) == pytest.approx(0.5 * 0.49)
    assert expected_calibration_error(np.array([1.0]), np.array([True])) == 0.0  # top bin holds 1.0


@pytest.mark.skipif(not os.environ.get(hw.ENV_VAR), reason=f"set {hw.ENV_VAR} to the real handwriting folder")
def test_the_real_sets_load_with_their_published_counts_and_no_writer_on_two_sides():
    folder = hw.find_folder()
    samples = hw.load_digits(folder)
    counts = {name: sum(s.set == name for s in samples) for name in hw.FILES}
    assert counts == {
        "unipen": 15953 - 23,  # flatter than a digit (hw.plausible): dashes and slips
        "chars74k": 550,
        "numberpad": 822,
        "digilets": 5286,
        "crohme": 12722 - 3,
        "semeion": 1593,
        "usps": 9298,
    }
    writers = {name: len({s.writer for s in samples if s.set == name}) for name in ("unipen", "digilets")}
    assert writers == {"unipen": 268, "digilets": 106}
    assert len({s.writer for s in samples if s.set == "semeion"}) == 6  # groups of 10 or 20 writers
    usps = {side: sum(s.set == "usps" for s in hw.split(samples, side)) for side in hw.SPLITS}
    assert usps["test"] == 2007 and usps["train"] + usps["validation"] == 7291  # its own test file
    letters = hw.load_letters(folder)
    assert len(letters) == 2860 + 27494 and all(isinstance(s.label, str) for s in letters)
    sides: dict[str, set] = {}
    for s in samples + letters:
        sides.setdefault(s.writer, set()).add(hw.side(s.writer))
    assert all(len(v) == 1 for v in sides.values())
    assert {hw.side(s.writer) for s in samples} == set(hw.SPLITS)
