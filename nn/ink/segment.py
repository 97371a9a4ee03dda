"""Split a number written in one row into its digits, decided by recognition: from pen
strokes or from a photo's ink mask. NumPy only: serving, training and the benchmark all
segment through `digits`.

  1. pieces      the ink in pieces (nn/ink/pieces.py): pen strokes, or the connected parts of
                 a photo's ink, cut where digits may join or touch; specks set aside.
  2. candidates  every run of up to RUN_PIECES pieces, left to right, no wider than WIDEST H
                 (H: the line's digit height); each lone piece, each stroke or part that
                 was cut, whatever their width; and the whole drawing when it holds at most
                 RUN_PIECES pieces, whatever its width, or when it is no wider than WIDEST H,
                 however many pieces it holds (one digit may be in more: an 8 of two loops
                 each cut where the pen turns); a photo's whole always (see
                 `candidate_runs`).
  3. scores      the segment scorer (nn/networks/scorer.py) reads each candidate, its ink
                 in MNIST's form and its geometry (nn/ink/line.py), and says how likely it
                 is one digit, part of one, several, or a mark that is no digit (a lone
                 piece, or the whole drawing).
  4. best path   dynamic programming splits the pieces into digits and marks with the
                 highest product of those probabilities; when the whole drawing is a
                 candidate, that split is weighed against the whole as one digit and as
                 one mark on the same candidates (`as_whole`).

Each digit found keeps its own ink (and, from strokes, the points it was drawn with), drawn
or cropped on its own and preprocessed as a single digit is: the not-a-digit check judges
it drawn with the page's pen, as the person saw it, and the network reads it drawn with a
pen no wider than its size allows (nn.ink.raster.reading_pen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from nn.ink.line import MARK, PART, RUN_PIECES, SEVERAL, Line, features, view
from nn.ink.masks import Box
from nn.ink.pieces import MaskPieces, PenPieces
from nn.ink.preprocess import Placed, placed_working, working

WIDEST = 1.8  # of H: a run of pieces wider than this is not one digit


class Scores(Protocol):
    """What segmentation asks of the segment scorer (nn/networks/scorer.py's `Scorer`)."""

    def probabilities(self, pixels: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        """(C, 28, 28) and (C, F) -> (C, len(CLASSES)) probabilities."""


@dataclass
class Found:
    """One digit of a drawing: which pieces, where, and its ink."""

    members: list[int]  # indices of its pieces (left to right)
    box: Box  # in the drawing's units: the pad's, or the photo's pixels
    mask: np.ndarray  # (h, w) bool: its ink alone, as the network reads it (PenPieces.inks)
    placed: Placed  # that ink in MNIST's form, and how it got there (what the pen's direction follows)
    probabilities: np.ndarray  # (len(CLASSES),): what the scorer said of it
    # (working image, (28, 28)) of its ink as the page showed it, what the not-a-digit check
    # judges: made when asked, as the check stops at a number's first digit that is one
    seen: Callable[[], tuple[np.ndarray | None, np.ndarray | None]]

    @property
    def pixels(self) -> np.ndarray:
        """(28, 28) float32: its ink in MNIST's form."""
        return self.placed.pixels


@dataclass
class Candidates:
    """Every candidate digit of a drawing's pieces, as the scorer reads them."""

    runs: np.ndarray  # (C, 2) [start, stop) of pieces
    pixels: np.ndarray  # (C, 28, 28) float32: each one's sketch as the scorer sees it
    geometry: np.ndarray  # (C, F): line.features


def candidates(pieces: PenPieces | MaskPieces) -> Candidates:
    runs = candidate_runs(pieces.line)  # (C, 2)
    pixels = np.stack([view(pieces.sketch.of(range(a, b))) for a, b in runs])
    return Candidates(runs, pixels, features(pieces.line, runs))


def prepared(ink: np.ndarray) -> tuple[np.ndarray | None, Placed | None]:
    """A digit's ink (h, w) -> its working image and that image in MNIST's form, as a
    preprocess.Placed (its (28, 28) pixels, and how the ink got there: the pen's direction
    follows it); None for each where preprocessing finds no ink."""
    work = working(ink)
    return work, placed_working(work)


def pixels_of(placed: Placed | None) -> np.ndarray | None:
    """The (28, 28) pixels of what `prepared` placed, or None where it found no ink."""
    return None if placed is None else placed.pixels


def digits(
    pieces: PenPieces | MaskPieces, scorer: Scores, before_drawing=None, prepare=prepared
) -> list[Found]:
    """The digits the best path finds among the pieces, left to right, each drawn (or
    cropped) alone and in MNIST's form; [] when none reads as a digit (only marks).
    `before_drawing`, if given, is called with each digit's pieces (a list of lists of
    indices) before any is drawn: it may refuse what drawing them would cost. `prepare`
    makes each digit's working image and its Placed, as `prepared` does (a caller that has
    made them for some ink already may give them again)."""
    found = candidates(pieces)
    probabilities = scorer.probabilities(found.pixels, found.geometry)  # (C, classes)
    chosen = best_path(found, probabilities)
    runs = [list(range(*found.runs[c])) for c in chosen]
    if before_drawing is not None:
        before_drawing(runs)
    digits = []
    for c, members in zip(chosen, runs, strict=True):
        ink, page_ink = pieces.inks(members)
        work, placed = prepare(ink)
        if placed is None:  # no ink survives the shrinking: a speck after all
            continue
        seen = as_seen(work, placed, page_ink, prepare)
        digits.append(
            Found(members, run_box(pieces.line.boxes[members]), ink, placed, probabilities[c], seen)
        )
    return digits


def as_seen(work, placed, page_ink: Callable[[], np.ndarray] | None, prepare=prepared) -> Callable:
    """What makes a digit's (working image, (28, 28)) as the page showed it, for the
    not-a-digit check: `work` and the pixels `placed` holds when the network reads the same
    ink (`page_ink` None), else `page_ink` drawn and prepared when first asked."""
    if page_ink is None:
        return lambda: (work, pixels_of(placed))
    return lambda: seen_as_prepared(prepare(page_ink()))


def seen_as_prepared(prepared: tuple[np.ndarray | None, Placed | None]) -> tuple:
    """`prepared`'s (working image, Placed) as the not-a-digit check reads it: (working image, (28, 28))."""
    work, placed = prepared
    return work, pixels_of(placed)


def candidate_runs(line: Line) -> np.ndarray:
    """(C, 2) [start, stop) of every run of at most RUN_PIECES pieces no wider than WIDEST H;
    and of each lone piece and each whole stroke or part that was cut, whatever their size;
    and of the whole drawing when it holds at most RUN_PIECES pieces or is no wider than
    WIDEST H, and of a photo's whole always."""
    n = len(line.boxes)
    runs = {(start, start + 1) for start in range(n)}
    for size in range(2, min(n, RUN_PIECES) + 1):
        starts = n - size + 1
        # The least left and greatest right of each window of `size` boxes (exact, in any order)
        left, right = line.boxes[:starts, 0], line.boxes[:starts, 2]  # (n - size + 1,) each
        for j in range(1, size):
            left, right = (
                np.minimum(left, line.boxes[j : j + starts, 0]),
                np.maximum(right, line.boxes[j : j + starts, 2]),
            )
        width = right - left  # (n - size + 1,)
        runs.update((start, start + size) for start in np.flatnonzero(width <= WIDEST * line.height).tolist())
    for source in np.unique(line.sources):
        where = np.flatnonzero(line.sources == source)
        if where[-1] - where[0] + 1 == len(where):  # its pieces side by side
            runs.add((int(where[0]), int(where[-1]) + 1))
    # The whole drawing: perhaps one digit, however wide or in however many pieces. A pen
    # is lifted on purpose, so a drawing of many pieces wider than a digit is a number; a
    # photo's pieces are wherever its ink happens to break (a faint scan's digit in many short
    # bits, which make H, the median of their heights, far less than the digit's), so its
    # whole is always a candidate and the scorer weighs it against the split.
    sides = line.boxes[:, [0, 2]]  # (n, 2)
    width = sides.max() - sides.min()  # np.ptp's
    if n <= RUN_PIECES or width <= WIDEST * line.height or line.photo:
        runs.add((0, n))
    return np.array(sorted(runs), dtype=np.intp).reshape(-1, 2)


def best_path(found: Candidates, probabilities: np.ndarray) -> list[int]:
    """The candidates (indices) read as digits. The path through all the pieces with the
    highest sum of log-probabilities, each run of pieces on it one digit or a lone piece a
    mark, leaving the whole drawing out; then, when the whole drawing of several pieces is a
    candidate too, which of three readings is likeliest (`as_whole`): that path, the whole
    one digit, or the whole one mark (a letter, a scribble: then none)."""
    runs = found.runs
    n = int(runs[:, 1].max())
    logs = np.log(probabilities + 1e-12)  # (C, classes)
    one = np.log(probabilities[:, :10].sum(axis=1) + 1e-12)  # (C,): one digit, whichever
    lone = runs[:, 1] - runs[:, 0] == 1
    whole = (runs[:, 0] == 0) & (runs[:, 1] == n) & (n > 1)
    mark = np.where(lone, logs[:, MARK], -np.inf)
    best = np.full(n + 1, -np.inf)
    best[0] = 0.0
    back = [(-1, False)] * (n + 1)  # (the candidate that ends here, read as a digit)
    for c in np.argsort(runs[:, 1], kind="stable"):  # by where they end: each start settled first
        start, stop = runs[c]
        for score, is_digit in ((one[c], True), (mark[c], False)):
            if not whole[c] and best[start] + score > best[stop]:
                best[stop], back[stop] = best[start] + score, (c, is_digit)
    path, at = [], n
    while at > 0:
        path.append(back[at])
        at = runs[back[at][0]][0]
    path = path[::-1]
    if whole.any():
        path = as_whole(int(np.flatnonzero(whole)[0]), path, logs, one, mark)
    return [c for c, is_digit in path if is_digit]


def as_whole(
    w: int, path: list[tuple[int, bool]], logs: np.ndarray, one: np.ndarray, mark: np.ndarray
) -> list:
    """The likeliest of three readings of a drawing whose whole (candidate w) is a candidate:
    the path's digits and marks, with the whole several digits; the whole one digit; or the
    whole one mark. The whole alone against the path's product of one per digit would lose
    more the more digits the path holds, and a touching "41" would read as a mark; so the
    whole's readings count the path's candidates too, each part of it, as one factor: their
    geometric mean. (Their product would split more single digits: the path is the split
    that reads most like digits, so its pieces read less like parts than a digit's do.)"""
    along = sum(one[c] if is_digit else mark[c] for c, is_digit in path)
    parts = np.mean([logs[c, PART] for c, _ in path])
    readings = [
        (logs[w, SEVERAL] + along, path),
        (one[w] + parts, [(w, True)]),
        (logs[w, MARK] + parts, [(w, False)]),
    ]
    return max(readings, key=lambda r: r[0])[1]


def run_box(boxes: np.ndarray) -> Box:
    """The box (left, top, right, bottom) around boxes (K, 4)."""
    return (
        float(boxes[:, 0].min()),
        float(boxes[:, 1].min()),
        float(boxes[:, 2].max()),
        float(boxes[:, 3].max()),
    )
