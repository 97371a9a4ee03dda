"""Distillation: a trained network's answers as part of another network's training targets.

A network learns from a label only which digit a drawing is; a teacher's probabilities
also say how much it looks like the others (a 7 a little like a 1, a 4 like a 9), and a
small network that learns from them generalises better than from labels alone (Hinton,
Vinyals and Dean, "Distilling the Knowledge in a Neural Network", 2015). Each training
target is the label, one-hot, mixed with the teacher's calibrated answer for the
undistorted drawing (the distortions of training leave a digit what it was, and reading
each epoch's distorted drawings again would cost a teacher's pass over every one of them).

The teacher reads each drawing as it was trained to: its own deskewing and channels (a
drawing without the pen's direction as a photo is read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.networks.model_file import load_model
from nn.networks.network import Classifier, one_hot
from nn.training.evaluate import probabilities


@dataclass
class Teacher:
    """A trained network whose answers are part of another's training targets, and how much."""

    network: Classifier
    deskewed: bool  # whether it reads digits deskewed, as it was trained
    weight: float  # of each target, the teacher's share; the label's is the rest
    sha256: str  # of its model file

    def answers(self, images: np.ndarray) -> np.ndarray:
        """(N, 28, 28) images or (N, C, 28, 28) channels -> (N, 10) its calibrated probabilities."""
        return probabilities(self.network, images, self.deskewed)


def load_teacher(path: str | Path, weight: float) -> Teacher:
    """The teacher in a model file (checked against its checksum file, as the site reads one)."""
    model = load_model(path, verify=True)
    return Teacher(model.network, model.deskewed, weight, model.sha256)


def targets(
    labels: np.ndarray, taught: np.ndarray | None, teacher: Teacher | None, net: Classifier
) -> np.ndarray:
    """(N,) labels and the teacher's (N, classes) answers for them -> (N, classes) the
    training targets of `net`: the labels one-hot, mixed with the answers when there is a teacher."""
    hot = one_hot(labels, net.n_classes, net.dtype)
    return (
        hot if teacher is None else ((1 - teacher.weight) * hot + teacher.weight * taught).astype(net.dtype)
    )
