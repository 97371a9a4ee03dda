"""The pen's direction as two more channels of a drawn digit (nn/ink/directions.py): the ink
channel is exactly the ink's own reading, the direction says which way the pen moved
there, and every step that reads, trains on or serves a digit carries it along."""

import numpy as np
import pytest

from nn.data import handwriting, mix
from nn.data.augment import AugmentConfig, augment
from nn.data.mix import DrawnSet
from nn.ink import raster
from nn.ink.directions import DIRECTIONS, no_directions, pen_channels
from nn.ink.preprocess import from_mask, network_inputs
from nn.networks.cnn import ConvNet
from nn.networks.model_file import save_model
from nn.training.config import CNNConfig
from nn.training.train import Run, train
from recognizer import services
from recognizer.drawings import Pixels, Strokes
from tests.helpers import ONE, ZERO, quiet, real_handwriting, toy_digits, written

ACROSS, DOWN = 1, 2  # the channels of the direction across and down
RIGHTWARDS = [[[0.2, 0.5], [0.8, 0.55]]]  # a dash drawn left to right


def reversed_strokes(strokes: list) -> list:
    return [stroke[::-1] for stroke in strokes]


def test_the_ink_channel_is_the_ink_s_own_reading_exactly():
    drawings = [ONE, ZERO, RIGHTWARDS, written("47")[0]]
    drawings += [handwriting.to_unit(row["strokes"]) for _, row in rows("digilets", 40)]
    for strokes in drawings:
        assert np.array_equal(pen_channels(strokes)[0], from_mask(raster.draw_read(strokes)))


def rows(name: str, count: int) -> list:
    return [
        r
        for _, r in zip(
            range(count), handwriting.json_rows(real_handwriting() / f"{name}.jsonl.gz"), strict=False
        )
    ]


def test_a_stroke_drawn_left_to_right_points_across_and_drawn_back_points_the_other_way():
    forth, back = pen_channels(RIGHTWARDS), pen_channels(reversed_strokes(RIGHTWARDS))
    inked = forth[0] > 0.5
    across, down = (forth[c][inked] / forth[0][inked] for c in (ACROSS, DOWN))
    assert across.mean() > 0.95 and 0 < down.mean() < 0.15  # a little downhill
    assert np.allclose(back[1:], -forth[1:], atol=1e-5)
    assert np.array_equal(back[0], forth[0])  # the same ink either way


def test_a_one_drawn_downwards_points_down():
    channels = pen_channels(ONE)
    inked = channels[0] > 0.5
    assert (channels[DOWN][inked] / channels[0][inked]).mean() > 0.95
    assert np.abs(channels[ACROSS][inked]).max() < 0.05


def test_there_is_no_direction_off_the_ink_and_none_beyond_a_unit():
    channels = pen_channels(ZERO)
    assert not channels[1:][:, channels[0] == 0].any()
    assert np.abs(channels[1:]).max() <= 1


def test_a_photo_s_pixels_have_no_direction():
    pixels = from_mask(raster.draw_read(ONE))
    channels = no_directions(pixels)
    assert channels.shape == (1 + DIRECTIONS, 28, 28)
    assert np.array_equal(channels[0], pixels) and not channels[1:].any()


def test_a_network_reading_the_direction_gets_it_after_the_ink_and_zeros_where_there_is_none():
    channels = pen_channels(ONE)[None]  # (1, 3, 28, 28)
    rows = network_inputs(channels, channels=3)
    assert rows.shape == (1, 3 * 784)
    assert np.array_equal(rows[0, :784], channels[0, 0].ravel())
    assert np.array_equal(rows[0, 784:], channels[0, 1:].ravel())
    ink_alone = network_inputs(channels[:, 0], channels=3)
    assert np.array_equal(ink_alone[0, :784], rows[0, :784]) and not ink_alone[0, 784:].any()
    assert np.array_equal(network_inputs(channels), rows[:, :784])  # the ink alone, for a 1-channel network


def test_the_direction_is_never_read_deskewed():
    with pytest.raises(ValueError, match="upright"):
        network_inputs(pen_channels(ONE)[None], deskewed=True, channels=3)


def test_a_distortion_moves_the_direction_with_the_ink():
    channels = np.stack([pen_channels(s) for s in (ONE, ZERO, RIGHTWARDS)])  # (3, 3, 28, 28)
    moved = augment(channels, np.random.default_rng(0), AugmentConfig(thickness=0.0))
    alone = augment(channels[:, 0], np.random.default_rng(0), AugmentConfig(thickness=0.0))
    assert np.array_equal(moved[:, 0], alone)  # the ink as it moves alone
    assert not np.allclose(moved, channels)  # it did move
    # the dash's direction, the same all along it, is where its ink went, and nowhere else
    dash = moved[2]
    assert (dash[ACROSS] / np.maximum(dash[0], 1e-6))[dash[0] > 0.5].mean() > 0.9
    assert not dash[ACROSS][dash[0] == 0].any()


def test_drawn_variants_carry_the_direction_when_asked():
    variants = mix.draw_variants([ONE, ZERO], 3, 0, mix.StrokeVariation(), with_directions=True)
    plain = mix.draw_variants([ONE, ZERO], 3, 0, mix.StrokeVariation())
    assert variants.shape == (3, 2, 3, 28, 28) and plain.shape == (3, 2, 28, 28)
    assert np.array_equal(variants[:, :, 0], plain)  # the same drawings, the same ink
    assert np.abs(variants[:, :, 1:]).sum() > 0


@pytest.fixture
def reading_directions(settings, tmp_path):
    """A CNN that reads the pen's direction, served alone (random weights: what matters is
    what it is given)."""
    network = ConvNet.initialise(np.random.default_rng(0), widths=(4, 6, 16), channels=3)
    save_model(tmp_path / "cnn.pkl", network, {"name": "cnn"})
    settings.MODEL_DIR, settings.DIGITS_MODEL = tmp_path, tmp_path / "cnn.pkl"
    return network


def answer_of(network, channels: np.ndarray) -> np.ndarray:
    return network.predict_proba(network_inputs(channels[None], channels=3))[0]


def test_a_network_reading_the_direction_is_given_the_strokes_direction(reading_directions):
    for strokes in (ONE, reversed_strokes(ONE)):
        read = services.predict(Strokes(strokes))
        expected = answer_of(reading_directions, pen_channels(strokes))
        assert np.allclose(read.probabilities, expected, atol=1e-6)
        assert np.array_equal(read.input, pen_channels(strokes)[0].ravel())  # the ink, as the page draws it
    forth, back = (services.predict(Strokes(s)).probabilities for s in (ONE, reversed_strokes(ONE)))
    assert not np.allclose(forth, back, atol=1e-4)  # the same ink, drawn the other way


def test_each_digit_of_a_number_is_given_its_own_strokes_direction(reading_directions):
    strokes, groups = written("47")
    read = services.predict(Strokes(strokes))
    assert len(read.digits) == 2
    for digit, group in zip(read.digits, groups, strict=True):
        expected = answer_of(reading_directions, pen_channels([strokes[i] for i in group]))
        assert np.allclose(digit.probabilities, expected, atol=1e-6)


def test_pixels_have_no_direction_to_give(reading_directions):
    pixels = from_mask(raster.draw_read(ONE))
    read = services.predict(Pixels(pixels))
    assert np.allclose(read.probabilities, answer_of(reading_directions, no_directions(pixels)), atol=1e-6)


def test_a_share_of_the_pen_drawings_keeping_their_direction_is_shown_drawn_backwards():
    images, labels = toy_digits()  # 180 kept for training, 20 held out
    drawn = mix.draw_variants([ONE] * 100, 2, 0, mix.StrokeVariation(), with_directions=True)
    extra = DrawnSet("pen", drawn, np.ones(100, np.int64), weight=2)

    def pen_drawings(reversal: float) -> np.ndarray:  # (200, 3, 28, 28): the one, drawn down the pad
        cfg = CNNConfig(widths=(4, 6, 16), validation=20, direction_reversal=reversal)
        return Run(cfg.new_network(), images, labels, cfg, [extra]).epoch_data()[0][180:]

    plain, backwards = pen_drawings(0.0), pen_drawings(0.5)
    assert np.array_equal(backwards[:, 0], plain[:, 0])  # the ink is left as it is
    assert np.array_equal(np.abs(backwards[:, 1:]), np.abs(plain[:, 1:]))  # only signs change
    kept = np.abs(plain[:, DOWN]).sum(axis=(1, 2)) > 0  # (200,): those keeping their direction
    assert (plain[kept, DOWN].sum(axis=(1, 2)) > 0).all()
    assert 0.3 < (backwards[kept, DOWN].sum(axis=(1, 2)) < 0).mean() < 0.7  # drawn up the pad


def test_a_cnn_reading_the_direction_trains_on_drawings_with_it_and_half_of_them_without(tmp_path):
    images, labels = toy_digits()  # MNIST's part: scans, no direction
    drawn = mix.draw_variants([ONE, ZERO] * 100, 2, 0, mix.StrokeVariation(), with_directions=True)
    extra = DrawnSet("pen", drawn, np.array([1, 0] * 100), weight=2)
    cfg = CNNConfig(widths=(4, 6, 16), validation=20, max_epochs=1)
    run = Run(cfg.new_network(), images, labels, cfg, [extra])
    epoch_images, epoch_labels, _ = run.epoch_data()
    assert epoch_images.shape == (180 + 400, 3, 28, 28) and len(epoch_labels) == 580
    scans, pen = epoch_images[:180], epoch_images[180:]
    assert not scans[:, 1:].any()
    with_direction = np.abs(pen[:, 1:]).sum(axis=(1, 2, 3)) > 0  # (400,)
    assert 0.4 < with_direction.mean() < 0.6  # direction_dropout: 0.5
    result = train(cfg.new_network(), images, labels, cfg, log=quiet, extra=[extra])
    assert result.history[0]["loss"] > 0
