"""Real handwriting as training data: each pen digit drawn several ways through the serving
rasteriser, and an epoch taking a weight's worth of those drawings."""

import gzip
import json

import numpy as np
import pytest

from nn.data import handwriting as hw
from nn.data.mix import (
    DrawnSet,
    StrokeVariation,
    by_collection,
    draw_variants,
    held_out,
    real_handwriting,
    training_sets,
    vary,
)
from nn.ink import raster
from nn.ink.preprocess import from_mask
from nn.training.train import TrainConfig
from tests.helpers import ONE, ZERO

SEVEN = [np.array([[0.3, 0.2], [0.7, 0.2], [0.45, 0.8]]), np.array([[0.35, 0.5], [0.65, 0.5]])]


def test_the_first_drawing_of_a_digit_is_exactly_what_serving_makes_of_it():
    variants = draw_variants([SEVEN], 3, seed=0, v=StrokeVariation())
    assert np.array_equal(variants[0, 0], from_mask(raster.draw_read(SEVEN)))


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
    drawn = DrawnSet("pen", np.zeros((5, 7, 28, 28), np.float32), np.arange(7), 3)
    drawing, digit = drawn.picks(np.random.default_rng(0))
    assert np.array_equal(digit, np.tile(np.arange(7), 3))
    assert all(len(set(drawing[digit == d].tolist())) == 3 for d in range(7))


def test_a_weight_above_the_drawings_repeats_them():
    drawing, digit = DrawnSet("scans", np.ones((1, 4, 28, 28), np.float32), np.arange(4), 3).picks(
        np.random.default_rng(0)
    )
    assert len(digit) == 12 and np.array_equal(np.bincount(digit), [3] * 4) and not drawing.any()


def test_without_a_handwriting_folder_training_says_it_uses_mnist_alone():
    said = []
    assert real_handwriting(None, TrainConfig(), log=said.append) is None
    assert "MNIST alone" in said[0] and "HANDWRITING_DIR" in said[0]


def test_a_fractional_weight_takes_that_share_of_a_round_of_drawings():
    drawing, digit = DrawnSet("pen", np.zeros((3, 10, 28, 28), np.float32), np.arange(10), 1.5).picks(
        np.random.default_rng(0)
    )
    assert len(drawing) == len(digit) == 15
    assert set(np.bincount(digit, minlength=10).tolist()) == {1, 2}  # each digit once or twice


def samples_of(collection: str, count: int, strokes=True) -> list[hw.Sample]:
    shape = dict(strokes=(SEVEN[0],)) if strokes else dict(image=np.eye(16, dtype=bool))  # a one-stroke 7
    return [hw.Sample(7, f"{collection}/w{i}", collection, collection, **shape) for i in range(count)]


def test_every_collection_is_a_set_of_its_own_and_a_large_one_is_capped():
    samples = samples_of("unipen", 8) + samples_of("digilets", 2) + samples_of("semeion", 4, strokes=False)
    cfg = TrainConfig(pen_variants=2, pen_weight=2, scan_weight=2, style_weight=1, collection_cap=8)
    sets = {s.name: s for s in training_sets(samples, cfg, seed=0)}
    assert set(sets) == {"unipen", "unipen styles", "digilets", "digilets styles", "semeion"}
    assert {s.collection for s in sets.values()} == {"unipen", "digilets", "semeion"}
    assert sets["unipen"].weight == 1.0 and sets["digilets"].weight == 2  # 8 drawings an epoch at most
    assert sets["semeion"].variants.shape[:2] == (1, 4)  # a scan has one drawing


def test_a_collections_drawings_do_not_depend_on_which_others_are_there():
    cfg = TrainConfig(pen_variants=3, style_weight=0)
    alone = training_sets(samples_of("digilets", 2), cfg, seed=0)
    beside = training_sets(samples_of("unipen", 3) + samples_of("digilets", 2), cfg, seed=0)
    assert np.array_equal(alone[0].variants, beside[1].variants)


def test_held_out_digits_are_grouped_by_collection_in_the_files_order():
    samples = samples_of("usps", 2, strokes=False) + samples_of("unipen", 3)
    grouped = by_collection(held_out(samples))
    assert list(grouped) == ["unipen", "usps"]
    assert [len(labels) for _, labels in grouped.values()] == [3, 2]


def test_a_collection_left_out_is_neither_trained_nor_validated_on_but_held_whole(tmp_path):
    def rows(name: str, n: int) -> list[dict]:
        return [{"label": 7, "writer": f"{name}/w{i}", "strokes": [SEVEN[0].tolist()]} for i in range(n)]

    for name, n in (("chars74k", 12), ("numberpad", 5)):
        with gzip.open(tmp_path / f"{name}.jsonl.gz", "wt") as f:
            f.writelines(json.dumps(row) + "\n" for row in rows(name, n))
    cfg = TrainConfig(pen_variants=1, style_weight=0, leave_out="numberpad")
    real = real_handwriting(tmp_path, cfg, log=lambda _: None)
    samples, images, labels = real["left_out"]
    assert {s.set for s in samples} == {"numberpad"} and len(samples) == len(images) == len(labels) == 5
    assert [s.collection for s in real["train"]] == ["chars74k"]
    assert {s.set for side in ("validation", "test") for s in real[side][0]} <= {"chars74k"}
    with pytest.raises(hw.HandwritingError, match="no collection 'usps' to leave out"):
        real_handwriting(tmp_path, TrainConfig(leave_out="usps"), log=lambda _: None)
