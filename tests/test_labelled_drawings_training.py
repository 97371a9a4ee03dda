"""Labelled drawings in training: a stable held-out split, and mixing them in with a weight."""

import numpy as np
import pytest

from nn.data.labelled_drawings import held_out_mask, load_labelled_drawings, split_labelled_drawings
from nn.data.mix import DrawnSet
from nn.data.mnist import MnistError, write_idx
from nn.networks.network import Network
from nn.training.train import Run, TrainConfig, train
from tests.helpers import bars, quiet


def random_drawings(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def test_the_held_out_part_is_about_the_fraction_asked_for():
    images, labels = random_drawings(2000)
    assert 0.17 < held_out_mask(images, labels, 0.2).mean() < 0.23
    assert not held_out_mask(images, labels, 0.0).any()


def test_a_drawing_stays_on_its_side_when_more_labelled_drawings_arrive_in_any_order():
    images, labels = random_drawings(300)
    before = held_out_mask(images[:200], labels[:200], 0.2)
    order = np.random.default_rng(1).permutation(300)
    after = held_out_mask(images[order], labels[order], 0.2)
    assert np.array_equal(after[np.argsort(order)][:200], before)


def test_split_returns_disjoint_parts_covering_everything():
    images, labels = random_drawings(100)
    (train_x, train_y), (held_x, held_y) = split_labelled_drawings(images, labels, 0.3)
    assert len(train_y) + len(held_y) == 100 and len(held_y) > 0
    held = {x.tobytes() for x in held_x}
    assert not any(x.tobytes() in held for x in train_x)


def test_labelled_drawings_go_to_training_only_and_count_weight_times(toy_digits):  # noqa: F811
    labelled_labels = np.arange(10, dtype=np.uint8)
    cfg = TrainConfig(validation=40, augment=None, deskew=False, labelled_weight=3)
    drawn = DrawnSet("labelled", bars(labelled_labels, vertical=True)[None], labelled_labels, 3)
    run = Run(Network.initialise(np.random.default_rng(0), (784, 16, 10)), *toy_digits, cfg, [drawn])
    assert [len(labels) for _, labels in run.val_sets.values()] == [40]
    images, labels, _ = run.epoch_data()
    assert len(images) == len(labels) == len(toy_digits[1]) - 40 + 3 * 10
    assert np.array_equal(np.bincount(labels[-30:]), [3] * 10)


def test_training_with_labelled_drawings_learns_their_style_without_them_it_does_not(toy_digits):  # noqa: F811
    rng = np.random.default_rng(2)
    labelled_labels = rng.integers(0, 10, 60).astype(np.uint8)
    drawings = (bars(labelled_labels, vertical=True), labelled_labels)
    held_labels = np.arange(10, dtype=np.uint8)
    held = bars(held_labels, vertical=True).reshape(10, -1).astype(np.float32) / 255

    def accuracy_on_held_out(labelled_drawings):
        cfg = TrainConfig(validation=40, batch_size=16, learning_rate=0.5, augment=None, average=0,
                          deskew=False, threshold=0, max_epochs=15, labelled_weight=2)  # fmt: skip
        net = Network.initialise(np.random.default_rng(0), (784, 32, 10))
        train(net, *toy_digits, cfg, log=quiet, labelled=labelled_drawings)
        return net.accuracy(held, held_labels)

    assert accuracy_on_held_out(drawings) == 1.0
    assert accuracy_on_held_out(None) <= 0.3


def test_loading_a_folder_without_the_export_says_how_to_make_it(tmp_path):
    with pytest.raises(MnistError, match="export_labelled_drawings"):
        load_labelled_drawings(tmp_path)


def test_loading_mismatched_files_is_a_clear_error(tmp_path):
    images, labels = random_drawings(5)
    write_idx(tmp_path / "labelled-drawings-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "labelled-drawings-labels-idx1-ubyte.gz", labels[:4])
    with pytest.raises(MnistError, match="expected N 28x28 images and N labels"):
        load_labelled_drawings(tmp_path)
