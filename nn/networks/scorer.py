"""The segment scorer: how likely a group of pieces of ink is one digit (and which one), a
part of one, several digits, or a mark that is no digit. NumPy only.

nn/ink/segment.py asks it about every candidate group of a drawing's pieces. It reads the
group's ink drawn small (nn/ink/pieces.py's sketch) and scaled into MNIST's 20x20 box (`view`),
and beside it the group's geometry against the line (FEATURES), measured in H, the line's
digit height: its width,
height and place, the space to its neighbours, how much of a piece it leaves out lies in
its columns, the widest gap inside it, and whether it cuts through one piece of ink.

It is a `Network` of nn/networks/network.py (784 + F inputs, a sigmoid hidden layer, CLASSES
softmax outputs), stored as a model file (nn/networks/model_file.py: a pickle of plain arrays with
a checksum file beside it, read through the safe unpickler) and trained by
`python3 -m nn.training.train_scorer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.ink.preprocess import BOX, SIDE, centre_by_mass, fit
from nn.networks.model_file import ModelFileError, load_model, save_model
from nn.networks.network import Network

SCORER_PATH = Path(__file__).resolve().parents[1] / "checks" / "scorer.pkl"
CLASSES = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "part", "several", "mark")
PART, SEVERAL, MARK = 10, 11, 12  # the outcomes that are not one digit
FEATURES = (
    "width / H",
    "height / H",
    "centre below the line's / H",
    "space to the left / H",
    "space to the right / H",
    "share of a piece left out that lies in its columns",
    "widest gap inside / H",
    "pieces / RUN",
    "pieces of ink it cuts through / 2",
    "pen width / H",
    "a photo",
    "all the drawing's pieces",
    "log height / width",
)
N_INPUTS = SIDE * SIDE + len(FEATURES)
RUN = 4  # a candidate holds at most this many pieces
FAR = 1.0  # of H: spaces are measured up to this far (no neighbour: this far)


@dataclass
class Line:
    """A drawing's pieces as the scorer measures them: left to right, in the drawing's units."""

    boxes: np.ndarray  # (N, 4) left, top, right, bottom
    sources: np.ndarray  # (N,) int: the stroke or part of the ink each piece was cut from
    height: float  # H
    middle: float  # the line's vertical centre
    pen: float  # the width of the ink's strokes
    photo: bool


def features(line: Line, runs: np.ndarray) -> np.ndarray:
    """(C, 2) candidate runs [start, stop) of the line's pieces -> (C, F) float32, in FEATURES' order."""
    boxes, h = line.boxes, line.height
    n = len(boxes)
    inside = (np.arange(n) >= runs[:, :1]) & (np.arange(n) < runs[:, 1:])  # (C, N): a candidate's pieces
    # Each candidate's box: the least and greatest of its pieces' (it has at least one).
    left, top = (np.where(inside, boxes[:, k], np.inf).min(axis=1) for k in (0, 1))  # (C,), (C,)
    right, bottom = (np.where(inside, boxes[:, k], -np.inf).max(axis=1) for k in (2, 3))
    width, height = right - left, bottom - top
    outside_right = np.where(inside | (np.arange(n) >= runs[:, :1]), -np.inf, boxes[:, 2])  # before it
    outside_left = np.where(inside | (np.arange(n) < runs[:, 1:]), np.inf, boxes[:, 0])  # after it
    overlap = np.minimum(right[:, None], boxes[:, 2]) - np.maximum(left[:, None], boxes[:, 0])  # (C, N)
    piece_width = np.maximum(boxes[:, 2] - boxes[:, 0], 1e-9)
    left_out = np.where(inside, 0.0, np.clip(overlap / piece_width, 0, 1)).max(axis=1)
    source = np.searchsorted(np.unique(line.sources), line.sources)  # (N,): 0..U-1, np.unique's inverse
    of_source = source[:, None] == np.arange(source.max(initial=-1) + 1)  # (N, U)
    has = inside.astype(np.intp) @ of_source  # (C, U): its pieces from each source
    sources_cut = ((has > 0) & (has < of_source.sum(axis=0))).sum(axis=1)  # (C,): some in, some out
    return np.stack(
        [
            width / h,
            height / h,
            ((top + bottom) / 2 - line.middle) / h,
            np.clip((left - outside_right.max(axis=1)) / h, -FAR, FAR),
            np.clip((outside_left.min(axis=1) - right) / h, -FAR, FAR),
            left_out,
            widest_gaps(boxes, runs) / h,
            np.minimum(runs[:, 1] - runs[:, 0], 2 * RUN) / RUN,
            np.minimum(sources_cut, 2) / 2,
            np.full(len(runs), line.pen / h),
            np.full(len(runs), float(line.photo)),
            ((runs[:, 0] == 0) & (runs[:, 1] == n)).astype(float),
            np.log(np.maximum(height, 1e-9) / np.maximum(width, 1e-9)),
        ],
        axis=1,
    ).astype(np.float32)


def widest_gaps(boxes: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """(C,) for each run [start, stop) of boxes (N, 4): the widest stretch of columns between
    its boxes that none of them covers."""
    length = runs[:, 1] - runs[:, 0]  # (C,)
    at = runs[:, :1] + np.arange(length.max())  # (C, L): each run's boxes, and past its end
    there = at < runs[:, 1:]
    at = np.where(there, at, 0)
    lefts = np.where(there, boxes[at, 0], np.inf)  # (C, L): past the end, right of everything
    order = np.argsort(lefts, axis=1)
    lefts = np.take_along_axis(lefts, order, axis=1)
    reach = np.maximum.accumulate(
        np.take_along_axis(np.where(there, boxes[at, 2], -np.inf), order, axis=1), axis=1
    )
    gaps = np.where(there[:, 1:], lefts[:, 1:] - reach[:, :-1], 0.0)  # (C, L - 1): before each box
    return np.maximum(gaps.max(axis=1, initial=0.0), 0.0)


def view(ink: np.ndarray) -> np.ndarray:
    """A candidate's sketch (h, w) bool -> (28, 28) float32 as the scorer sees it: scaled to
    fit MNIST's 20x20 box, aspect kept, centred by its mass (no stroke-width change: a
    sketch's pen is already in proportion to the line)."""
    # Both products are of ink and weights that are never negative: clipping is only at 1,
    # and the float32 products are the answer's dtype already.
    placed = centre_by_mass(np.minimum(fit(ink, BOX), 1))
    return np.minimum(placed, 1, out=placed)


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
