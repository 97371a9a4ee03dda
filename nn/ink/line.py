"""A drawing's pieces as a line of candidate digits, and what segmentation (nn/ink/segment.py)
measures of each candidate for the segment scorer: its geometry against the line
(`features`, in FEATURES' order, measured in H, the line's digit height) and its ink scaled
into MNIST's 20x20 box (`view`). NumPy only.

A candidate is a run of at most RUN_PIECES neighbouring pieces; the scorer says how likely
it is each of CLASSES: one digit, part of one, several digits, or a mark that is no digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn.ink.preprocess import BOX, centre_by_mass, fit

CLASSES = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "part", "several", "mark")
PART, SEVERAL, MARK = 10, 11, 12  # the outcomes that are not one digit
RUN_PIECES = 4  # a candidate holds at most this many pieces
FEATURES = (
    "width / H",
    "height / H",
    "centre below the line's / H",
    "space to the left / H",
    "space to the right / H",
    "share of a piece left out that lies in its columns",
    "widest gap inside / H",
    "pieces / RUN_PIECES",
    "pieces of ink it cuts through / 2",
    "pen width / H",
    "a photo",
    "all the drawing's pieces",
    "log height / width",
)
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
    begun = np.arange(n) >= runs[:, :1]  # (C, N): its first piece and those after it
    unended = np.arange(n) < runs[:, 1:]  # (C, N): those before its end
    inside = begun & unended  # (C, N): a candidate's pieces
    # Each candidate's box: the least and greatest of its pieces' (it has at least one).
    left, top = (np.where(inside, boxes[:, k], np.inf).min(axis=1) for k in (0, 1))  # (C,), (C,)
    right, bottom = (np.where(inside, boxes[:, k], -np.inf).max(axis=1) for k in (2, 3))
    width, height = right - left, bottom - top
    outside_right = np.where(begun, -np.inf, boxes[:, 2])  # (C, N): the pieces before it
    outside_left = np.where(unended, np.inf, boxes[:, 0])  # and after it
    overlap = np.minimum(right[:, None], boxes[:, 2]) - np.maximum(left[:, None], boxes[:, 0])  # (C, N)
    piece_width = np.maximum(boxes[:, 2] - boxes[:, 0], 1e-9)
    left_out = np.where(inside, 0.0, np.clip(overlap / piece_width, 0, 1)).max(axis=1)
    of_source = line.sources[:, None] == np.unique(line.sources)  # (N, U): each piece's source
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
            np.minimum(runs[:, 1] - runs[:, 0], 2 * RUN_PIECES) / RUN_PIECES,
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
    order = np.arange(len(runs))[:, None], np.argsort(lefts, axis=1)  # (C, 1), (C, L): each run's, by left
    lefts = lefts[order]
    reach = np.maximum.accumulate(np.where(there, boxes[at, 2], -np.inf)[order], axis=1)
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
