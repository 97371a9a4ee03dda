"""Labelled drawings (people's own digits from the site, exported by `manage.py export_labelled_drawings`):
reading them, and splitting off a held-out part for evaluation.

The split is by content: a drawing is held out when the hash of its pixels and label falls
below the held-out fraction. So the trainer and the evaluator agree on it without sharing
any state, and a drawing stays on its side as more labelled drawings arrive.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from nn.data.handwriting import unit_hash
from nn.data.mnist import MnistError, parse_idx
from nn.ink.preprocess import SIDE

IMAGES_FILE = "labelled-drawings-images-idx3-ubyte.gz"
LABELS_FILE = "labelled-drawings-labels-idx1-ubyte.gz"
STROKES_FILE = "labelled-drawings-strokes.jsonl.gz"  # the drawn ones, in the pen sets' format


def load_labelled_drawings(folder: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) uint8 images and (N,) uint8 labels from a folder written by export_labelled_drawings."""
    folder = Path(folder)
    arrays = []
    for name in (IMAGES_FILE, LABELS_FILE):
        path = folder / name
        if not path.is_file():
            raise MnistError(
                f"{path} not found: run `python3 manage.py export_labelled_drawings --output {folder}` first"
            )
        try:
            arrays.append(parse_idx(gzip.decompress(path.read_bytes())))
        except (OSError, EOFError) as exc:
            raise MnistError(f"{path} is not a gzipped IDX file ({exc})") from None
    images, labels = arrays
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or labels.ndim != 1 or len(images) != len(labels):
        raise MnistError(
            f"{folder}: expected N 28x28 images and N labels, got {images.shape} and {labels.shape}"
        )
    if labels.size and labels.max() > 9:
        raise MnistError(f"{folder}: labels must be digits 0-9")
    return images, labels


def held_out_mask(images: np.ndarray, labels: np.ndarray, fraction: float) -> np.ndarray:
    """True for the drawings kept for evaluation: a stable fraction of them, by content."""

    return np.array(
        [
            unit_hash(image.tobytes() + bytes([int(label)])) < fraction
            for image, label in zip(images, labels, strict=True)
        ],
        dtype=bool,
    )


def split_labelled_drawings(images, labels, fraction: float):
    """((train images, train labels), (held-out images, held-out labels))."""
    held = held_out_mask(images, labels, fraction)
    return (images[~held], labels[~held]), (images[held], labels[held])
