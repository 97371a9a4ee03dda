"""The segment scorer: how likely a group of pieces of ink is one digit (and which one), a
part of one, several digits, or a mark that is no digit (nn/ink/line.py's CLASSES). NumPy
only.

nn/ink/segment.py asks it about every candidate group of a drawing's pieces. It reads the
group's ink drawn small (nn/ink/pieces.py's sketch) and scaled into MNIST's 20x20 box, and
beside it the group's geometry against the line, in the line's digit height
(nn/ink/line.py's `view` and `features` make both; its FEATURES name the geometry).

It is a `Network` of nn/networks/network.py (784 + F inputs, a sigmoid hidden layer, CLASSES
softmax outputs), stored as a model file (nn/networks/model_file.py: a pickle of plain
arrays with a checksum file beside it, read through the safe unpickler) and trained by
`python3 -m nn.training.train_scorer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.ink.line import CLASSES, FEATURES
from nn.ink.preprocess import SIDE
from nn.networks.model_file import ModelFileError, load_model, save_model
from nn.networks.network import Network

SCORER_PATH = Path(__file__).resolve().parents[1] / "checks" / "scorer.pkl"
N_INPUTS = SIDE * SIDE + len(FEATURES)


def inputs(pixels: np.ndarray, geometry: np.ndarray) -> np.ndarray:
    """(C, 28, 28) ink in MNIST's form and (C, F) features -> (C, N_INPUTS) network inputs."""
    return np.concatenate([pixels.reshape(len(pixels), -1), geometry], axis=1).astype(np.float32)


@dataclass
class Scorer:
    network: Network
    meta: dict
    sha256: str = ""

    def probabilities(self, pixels: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        """(C, 28, 28) and (C, F) -> (C, len(CLASSES)) probabilities."""
        return self.network.predict_proba(inputs(pixels, geometry))


def load_scorer(path: str | Path = SCORER_PATH) -> Scorer:
    """The scorer in `path`, its checksum verified; ModelFileError if it is not one."""
    model = load_model(path, verify=True)
    sizes = getattr(model.network, "sizes", None)
    if (
        model.meta.get("name") != "scorer"
        or sizes is None
        or (sizes[0], sizes[2]) != (N_INPUTS, len(CLASSES))
    ):
        raise ModelFileError(f"{path}: not a segment scorer of {N_INPUTS} inputs and {len(CLASSES)} outcomes")
    return Scorer(model.network, model.meta, model.sha256)


def save_scorer(path: str | Path, network: Network, meta: dict) -> None:
    """Write the scorer and its checksum file, as a model file is written."""
    save_model(path, network, {**meta, "name": "scorer"})
