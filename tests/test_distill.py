"""Distillation: a teacher's answers as part of the training targets (nn/training/distill.py)."""

import numpy as np
import pytest

from nn.data.mix import DrawnSet
from nn.networks.model_file import ModelFileError
from nn.networks.network import Network, one_hot
from nn.training import retrain
from nn.training.config import MLPConfig
from nn.training.distill import Teacher, load_teacher, targets
from nn.training.train import Run, TrainConfig, train
from tests.helpers import ROOT, bars, quiet


class Shifting(Teacher):
    """A teacher that answers from the ink alone: a bar's place (its label in toy_digits)
    plus `shift`, and 5 more for a bar standing upright, sure of it."""

    def __init__(self, weight: float, shift: int = 1):
        super().__init__(network=None, deskewed=False, weight=weight, sha256="")
        self.shift = shift

    def answers(self, images: np.ndarray) -> np.ndarray:
        return one_hot(self.read(images), 10)

    def read(self, images: np.ndarray) -> np.ndarray:
        ink = np.asarray(images, np.float32).reshape(-1, 28, 28) > 0  # (N, 28, 28)
        rows, columns = ink.any(axis=2), ink.any(axis=1)  # (N, 28) each
        upright = columns.sum(axis=1) < rows.sum(axis=1)
        place = np.where(upright, columns.argmax(axis=1), rows.argmax(axis=1))  # the bar's first line
        return ((place - 4) // 2 + self.shift + 5 * upright) % 10


def config(**overrides) -> TrainConfig:
    return TrainConfig(**{"validation": 40, "batch_size": 16, "learning_rate": 0.5, "augment": None,
                          "average": 0, "deskew": False, **overrides})  # fmt: skip


def test_each_target_is_the_label_mixed_with_the_teacher_s_answer_for_that_very_drawing(toy_digits):
    labels = np.arange(10)
    # Each digit drawn two ways the teacher tells apart, so a drawing given another's answer shows
    drawn = DrawnSet(
        "pen", np.stack([bars(labels, vertical=False), bars(labels, vertical=True)]), labels, 1.5
    )
    teacher = Shifting(weight=0.25)
    run = Run(
        Network.initialise(np.random.default_rng(0), (784, 16, 10)),
        *toy_digits,
        config(),
        [drawn],
        teacher=teacher,
    )
    images, labels, taught = run.epoch_data()
    assert len(images) == len(labels) == len(taught) == 160 + 15
    assert np.array_equal(taught, teacher.answers(images))
    assert ((teacher.read(images) - 1) % 5 == labels % 5).all()  # each drawing with its own label
    mixed = targets(labels, taught, teacher, run.net)
    assert np.allclose(mixed, 0.75 * one_hot(labels, 10) + 0.25 * teacher.answers(images))


def test_without_a_teacher_the_targets_are_the_labels_one_hot(toy_digits):
    net = Network.initialise(np.random.default_rng(0), (784, 16, 10))
    images, labels, taught = Run(net, *toy_digits, config()).epoch_data()
    assert taught is None
    assert np.array_equal(targets(labels, taught, None, net), one_hot(labels, 10))


@pytest.mark.parametrize("weight, learnt", [(0.0, 0), (1.0, 1)])
def test_a_network_learns_what_its_teacher_answers_as_much_as_its_weight_says(toy_digits, weight, learnt):
    images, labels = toy_digits
    net = Network.initialise(np.random.default_rng(0), (784, 32, 10))
    # No validation split: the epoch kept is the one that learnt its targets best
    cfg = config(validation=0, threshold=0, max_epochs=15)
    train(net, images, labels, cfg, log=quiet, teacher=Shifting(weight))
    said = net.predict(images.reshape(len(images), -1).astype(np.float32) / 255)
    assert np.mean(said == (labels + learnt) % 10) > 0.9


def test_a_teacher_that_is_not_there_stops_training_before_any_data_is_read(tmp_path, capsys):
    code = retrain.main(["--teacher", "nothing", "--mnist-dir", str(tmp_path / "no-mnist")])
    assert code == 2
    said = capsys.readouterr()
    assert "nothing.pkl: no such model file" in said.err and "loading MNIST" not in said.out


def test_the_784_250_10_learns_from_the_shipped_cnn_unless_given_no_teacher():
    teacher = MLPConfig().new_teacher()
    assert teacher.sha256 == (ROOT / "nn" / "models" / "cnn.pkl.sha256").read_text().split()[0]
    assert teacher.network.channels == 3 and not teacher.deskewed
    assert MLPConfig(teacher="").new_teacher() is None


def test_the_teacher_is_read_as_the_site_reads_a_model_its_checksum_first(tmp_path):
    (tmp_path / "cnn.pkl").write_bytes((ROOT / "nn" / "models" / "cnn.pkl").read_bytes())
    with pytest.raises(ModelFileError, match="no checksum file"):
        load_teacher(tmp_path / "cnn.pkl", 0.5)
