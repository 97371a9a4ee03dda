"""The not-a-digit check: does a drawing look like a digit at all? NumPy only.

The digit networks have ten outputs and must answer one of them, and preprocessing scales
any ink up to MNIST's 20-pixel box, so a dot reaches them as a filled disc and is read as
"0, 99% sure". What tells a dot, a dash or a scribble from a digit is what that scaling
throws away, so the check looks at the ink mask before it (`shape_features`): the pen's
width against the ink's extent, the ink's length in pen widths, the box's aspect, how much
of it is filled, the separate pieces and the holes, and the ink's main direction. Beside
them it reads the same ink in MNIST's 28x28 form (what the network reads, unless the
network reads a small pen digit drawn thinner: nn.ink.raster.reading_pen), which tells a W
or a K from a digit.

A small network (features and pixels -> a layer of ReLU units, HIDDEN of
nn/training/train_not_digit.py -> 2 softmax outputs: digit, not a digit) weighs them; a
drawing is refused when its "not a digit" probability reaches the threshold stored with it
for its source (nn/training/train_not_digit.py chooses them): one for pen strokes
("strokes"), chosen on validation writers' drawn digits, and one for photos ("photo"),
chosen on validation writers' scans, their pen digits as photos and held-out MNIST digits
as photos, whose ink looks otherwise. Pixel arrays, already in MNIST's form, are not
checked.

The check is stored as the models are (nn/networks/model_file.py, kind "check"), in
nn/checks/not_digit.pkl with its checksum file beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nn.ink import preprocess
from nn.ink.masks import bounding_box, ink_pixels, piece_sizes, stroke_width
from nn.ink.preprocess import SIDE, WORK
from nn.networks.network import softmax

CHECK_PATH = Path(__file__).resolve().parents[1] / "checks" / "not_digit.pkl"
FEATURES = (
    "log pen width / extent",
    "log length in pen widths",
    "log height / width",
    "fill of the box",
    "pieces",
    "share of the largest piece",
    "holes",
    "share of the box in holes",
    "log elongation",
    "cos 2 angle",
    "sin 2 angle",
)
N_FEATURES = len(FEATURES)
N_INPUTS = N_FEATURES + SIDE * SIDE
PIECE = 0.02  # of the ink: a smaller piece is a speck, not a piece
HOLE = 0.005  # of the box: a smaller hole is where strokes cross, not a loop
COUNTED_PIECES, COUNTED_HOLES = 6, 4  # the pieces and holes features count up to these
PARAM_NAMES = ("W1", "b1", "W2", "b2", "mean", "scale")
SOURCES = ("strokes", "photo")  # each has its threshold


def working(mask: np.ndarray) -> np.ndarray:
    """An (H, W) ink mask cropped and resampled so its longer side is WORK pixels, as
    preprocessing's step 4 makes it (nn.ink.preprocess.working); the crop when nothing survives."""
    work = preprocess.working(mask)
    return mask[bounding_box(mask)] if work is None else work


def shape_features(mask: np.ndarray) -> np.ndarray:
    """An ink mask (H, W), at any resolution -> (N_FEATURES,) float32, in FEATURES' order."""
    return working_features(working(mask))


def working_features(work: np.ndarray) -> np.ndarray:
    """shape_features of an ink mask whose working image (see `working`) is `work`."""
    height, width = work.shape
    area = float(np.count_nonzero(work))
    pen = max(stroke_width(work), 1.0)
    pieces = piece_sizes(work)
    # Background pieces not touching the frame are holes; 4-connected, the ink's complement.
    background = np.ones((height + 2, width + 2), bool)  # the ink's complement, framed
    background[1:-1, 1:-1] = ~work
    background = piece_sizes(background, diagonal=False)
    holes = np.sort(background)[:-1] if len(background) > 1 else background[:0]  # the largest: outside
    holes = holes[holes >= HOLE * height * width]
    ys, xs = ink_pixels(work)
    spread = covariance(np.stack([xs, ys]).astype(np.float64)) if area > 1 else np.eye(2)
    low, high = np.maximum(np.linalg.eigvalsh(spread + 0.25 * np.eye(2)), 1e-6)  # a pixel's own spread
    angle = 0.5 * np.arctan2(2 * spread[0, 1], spread[0, 0] - spread[1, 1])  # of the main axis
    return np.array(
        [
            np.log(pen / WORK),
            np.log(area / pen**2),
            np.log(height / width),
            area / (height * width),
            min(np.count_nonzero(pieces >= PIECE * area), COUNTED_PIECES) / COUNTED_PIECES,
            pieces.max() / area,
            min(len(holes), COUNTED_HOLES) / COUNTED_HOLES,
            holes.sum() / (height * width),
            0.5 * np.log(high / low),
            np.cos(2 * angle),
            np.sin(2 * angle),
        ],
        dtype=np.float32,
    )


def covariance(x: np.ndarray) -> np.ndarray:
    """np.cov of rows of samples (K, N) float64, N >= 2, in place: its very operations,
    without the checks of its options that cost more than the sums for a few rows."""
    x -= x.mean(axis=1)[:, None]
    c = np.dot(x, x.T.conj())
    c *= np.true_divide(1, x.shape[1] - 1)
    return c.squeeze()


def inputs(masks: list[np.ndarray], pixels: np.ndarray) -> np.ndarray:
    """Ink masks and their (N, 28, 28) pixels in MNIST's form -> (N, N_INPUTS) unscaled inputs."""
    shapes = np.stack([shape_features(m) for m in masks])  # (N, F)
    return np.concatenate([shapes, np.asarray(pixels, np.float32).reshape(len(masks), -1)], axis=1)


@dataclass
class Check:
    """The network: inputs (N, N_INPUTS) -> (N, 2) probabilities of digit, not a digit."""

    W1: np.ndarray  # (N_INPUTS, H)
    b1: np.ndarray  # (H,)
    W2: np.ndarray  # (H, 2)
    b2: np.ndarray  # (2,)
    mean: np.ndarray  # (N_FEATURES,): the shape features are standardised, the pixels not
    scale: np.ndarray  # (N_FEATURES,)
    thresholds: dict[str, float]  # source -> refuse at this "not a digit" probability or more
    meta: dict = field(default_factory=dict)  # how it was trained and what it measured
    sha256: str = ""  # of the file it was read from

    def standardised(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([(x[:, :N_FEATURES] - self.mean) / self.scale, x[:, N_FEATURES:]], axis=1)

    def hidden(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(self.standardised(x) @ self.W1 + self.b1, 0.0)  # (N, H)

    def params(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in PARAM_NAMES}

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.hidden(x) @ self.W2 + self.b2)  # (N, 2)

    def not_digit(self, x: np.ndarray) -> np.ndarray:
        """(N, N_INPUTS) -> (N,) the probability that each is not a digit."""
        return self.probabilities(x)[:, 1]

    def refused(self, x: np.ndarray, source: str) -> np.ndarray:
        """(N, N_INPUTS) from one of SOURCES -> (N,) bool: not a digit."""
        return self.not_digit(x) >= self.thresholds[source]

    def refuses(self, work: np.ndarray, pixels: np.ndarray, source: str) -> bool:
        """Whether one drawing is not a digit: its ink's working image (`working`) and that
        ink in MNIST's (28, 28) form, as preprocessing made both."""
        x = np.concatenate([working_features(work), np.asarray(pixels, np.float32).ravel()])
        return bool(self.refused(x[None], source)[0])
