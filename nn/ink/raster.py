"""Pen strokes to pixels, with the drawing page's pen, straight at the size preprocessing
works at. NumPy only: training and serving draw strokes through this one function.

A drawing's strokes are a list; a stroke is a list of (x, y) points in units of the pad's
height (y from 0 to 1, pointing down; x from 0 to the pad's width, at most 2), as the page
records them. The page smooths each stroke with quadratic curves through the midpoints of
successive points, and strokes it with a round pen PEN_WIDTH units wide (round caps and joins); a lone point is a dot. `draw` makes
the same shape, scaled so that the ink's longer side spans `size` pixels: how many pixels
the person's screen had never matters, only the shape and the pen.

The ink is a mask, as the preprocessing's first step would make of an anti-aliased
drawing: a pixel is ink when its centre lies within half a pen width of the curve.

The network reads a digit drawn with a pen no wider than READING_PEN of its lines' longer
side (`reading_pen`): on a small pad a person writing a long number writes each digit a few
pen widths tall, and the page's pen would make it a blob. MNIST's strokes are about that
thin against their digits; a digit the size the pad is written at keeps the page's pen.

What drawing costs is bounded by construction: the pen's positions are made and drawn
CHUNK at a time into the fixed grid, so memory never grows with the path's length, and
time grows with the path's length times the pen's width, which `ink` measures beforehand
from the points alone.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from nn.ink.preprocess import WORK

PEN_WIDTH = 0.06  # of the pad's height (the unit); the page draws with this width (it is sent to it)
CURVE_STEPS = 4  # straight pieces per quadratic curve: under a pixel at the working size
SPACING = 1.0  # pixels between the pen's positions along the curve
MIN_RADIUS = 0.75  # pixels: a thinner pen would leave gaps between the pixels it inks
CHUNK = 2048  # pen positions made and drawn at a time
READING_PEN = 0.15  # of a digit's lines' longer side: the widest pen the network reads it drawn with
THINNEST_READING_PEN = 0.25  # of the page's pen: the thinnest a digit is read with (a dot stays a blob)

Stroke = Sequence[Sequence[float]]  # as the page sends it: [x, y] points
StrokeArrays = list[np.ndarray]  # a drawing's strokes as arrays, (M, 2) points each
_T = (np.arange(CURVE_STEPS) / CURVE_STEPS)[:, None, None]  # (T, 1, 1): where along each curve
BERNSTEIN = ((1 - _T) ** 2, 2 * _T * (1 - _T), _T**2)  # each (T, 1, 1): a quadratic curve's weights


def curve(stroke: np.ndarray) -> np.ndarray:
    """The page's smoothed path of a stroke (M, 2) -> (K, 2) points along it.

    moveTo p0; a quadratic curve with control p_i to the midpoint of p_i and p_i+1 for each
    inner point; lineTo the last point (static/recognizer/js/strokes.js draws the same)."""
    if len(stroke) < 3:
        return stroke
    mids = (stroke[1:-1] + stroke[2:]) / 2  # (M-2, 2): where each curve ends
    starts = np.concatenate([stroke[:1], mids[:-1]])  # (M-2, 2)
    controls = stroke[1:-1]  # (M-2, 2)
    start, control, end = BERNSTEIN
    points = start * starts + control * controls + end * mids  # (T, M-2, 2): each curve's step t
    points = points.transpose(1, 0, 2).reshape(-1, 2)  # (T (M-2), 2): curve by curve
    return np.concatenate([points, mids[-1:], stroke[-1:]])  # (T (M-2) + 2, 2)


def along(path: np.ndarray, spacing: float) -> np.ndarray:
    """Points every `spacing` (or closer) along a polyline (K, 2), both ends included."""
    return np.concatenate(list(positions(path, spacing)))


def positions(path: np.ndarray, spacing: float) -> Iterator[np.ndarray]:
    """The points of `along`, CHUNK at a time: (C, 2) each. They are np.interp at the values
    np.linspace(0, length, count) gives, each value made as linspace makes it."""
    x, y = path[:, 0], path[:, 1]  # (K,) each
    arc = np.empty(len(path))  # (K,): the length along the path to each point
    arc[0] = 0.0
    np.cumsum(np.hypot(x[1:] - x[:-1], y[1:] - y[:-1]), out=arc[1:])
    count = max(2, math.ceil(arc[-1] / spacing) + 1)
    step = arc[-1] / (count - 1)
    for start in range(0, count, CHUNK):
        at = np.arange(start, min(start + CHUNK, count), dtype=np.float64) * step  # (C,)
        if start + CHUNK >= count:
            at[-1] = arc[-1]  # linspace's last value is the end itself
        points = np.empty((len(at), 2))  # (C, 2)
        points[:, 0], points[:, 1] = np.interp(at, arc, x), np.interp(at, arc, y)
        yield points


@dataclass
class Path:
    """A stroke as the page draws it, worked out once for all that measure or draw it."""

    stroke: np.ndarray  # (M, 2): its points
    points: np.ndarray  # (K, 2): its smoothed path (`curve`)
    low: np.ndarray  # (2,): the path's least x and y (empty when it has no points)
    high: np.ndarray  # (2,): and its greatest
    length: float  # the sum of its steps' lengths


def path(stroke: Stroke | np.ndarray) -> Path:
    """A stroke (a list of [x, y], or (M, 2)) as a Path."""
    stroke = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
    points = curve(stroke)
    if not len(points):
        return Path(stroke, points, points[:0], points[:0], 0.0)
    x, y = points.T  # (K,) each: a reduction along them is many times quicker than across (K, 2)
    steps = points[1:] - points[:-1]  # (K-1, 2)
    low, high = np.array([x.min(), y.min()]), np.array([x.max(), y.max()])
    return Path(stroke, points, low, high, np.hypot(steps[:, 0], steps[:, 1]).sum())


def extent(strokes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The least and the greatest (x, y) of strokes' points (M, 2): (2,) each."""
    points = np.concatenate(strokes)  # (P, 2)
    return points.min(axis=0), points.max(axis=0)


def traced(strokes: Sequence[Stroke | Path]) -> list[Path]:
    """Each stroke as a Path; one that is a Path already, as it is."""
    return [s if isinstance(s, Path) else path(s) for s in strokes]


def draw(strokes: Sequence[Stroke | Path], pen_width: float = PEN_WIDTH, size: int = WORK) -> np.ndarray:
    """Strokes in the pad's units (or their Paths) -> (H, W) bool ink, its longer side `size` pixels."""
    paths = traced(strokes)
    low, scale, shape = extent_frame(paths, pen_width, size)
    grid = Grid(max(pen_width / 2 * scale, MIN_RADIUS), shape)
    for p in paths:
        if len(p.points):
            for centres in positions((p.points - low) * scale, SPACING):
                grid.stamp(centres)
    return grid.ink()


def reading_pen(paths: Sequence[Path], pen_width: float = PEN_WIDTH) -> float:
    """The pen a digit's strokes (Paths) are read with: the page's, but no wider than
    READING_PEN of the longer side of their lines, nor thinner than THINNEST_READING_PEN
    of the page's."""
    paths = [p for p in paths if len(p.points)]
    if not paths:
        return pen_width
    low, high = np.minimum.reduce([p.low for p in paths]), np.maximum.reduce([p.high for p in paths])
    longer = float((high - low).max())  # the longer side of the lines
    return min(max(READING_PEN * longer, THINNEST_READING_PEN * pen_width), pen_width)  # np.clip's sums


def draw_read(strokes: Sequence[Stroke | Path], pen_width: float = PEN_WIDTH) -> np.ndarray:
    """A digit's strokes (or their Paths) drawn as the network reads them: with the
    `reading_pen`."""
    return read_and_seen(strokes, pen_width)[0]


def read_and_seen(
    strokes: Sequence[Stroke | Path], pen_width: float = PEN_WIDTH
) -> tuple[np.ndarray, Callable[[], np.ndarray] | None]:
    """A digit's strokes (or their Paths) drawn as the network reads them (`draw_read`),
    and what draws them as the page showed them, with `pen_width` (what the not-a-digit
    check judges): None when that is the very same ink."""
    paths = traced(strokes)
    pen = reading_pen(paths, pen_width)
    return draw(paths, pen), (None if pen == pen_width else functools.partial(draw, paths, pen_width))


def ink(strokes: Sequence[Stroke | Path], pen_width: float = PEN_WIDTH) -> float:
    """What drawing the strokes (or their Paths) costs, from their points alone: the pen's
    path length times its width, in squares of the ink's longer side (the same at any
    size). A digit is about 0.2; the pen going over and over one small spot is thousands."""
    paths = traced(strokes)
    _, scale, _ = extent_frame(paths, pen_width, WORK)
    pixels = sum(p.length * scale + 2 * SPACING for p in paths if len(p.points))
    return float(pixels * 2 * max(pen_width / 2 * scale, MIN_RADIUS) / WORK**2)


def extent_frame(paths: list[Path], pen_width: float, size: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Where the ink of these Paths lies: its top-left corner in units (2,), the pixels per
    unit that make its longer side `size`, and the (H, W) that holds it; from the Paths'
    least and greatest points, worked out when they were traced."""
    paths = [p for p in paths if len(p.points)]
    return fitted([p.low for p in paths], [p.high for p in paths], pen_width, size)


def fitted(lows: list, highs: list, pen_width: float, size: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """`extent_frame` from each path's least and greatest points (2,): a least or greatest of them
    is the least or greatest of all the points, exactly."""
    if not lows:
        raise ValueError("a drawing needs at least one point")
    radius = pen_width / 2
    least = lows[0] if len(lows) == 1 else np.minimum.reduce(lows)  # (2,)
    greatest = highs[0] if len(highs) == 1 else np.maximum.reduce(highs)  # (2,)
    # Plain numbers from here: the same sums as on (2,) arrays, at a fraction of their cost.
    (left, top), (right, bottom) = least.tolist(), greatest.tolist()
    left, top = left - radius, top - radius
    across, down = right + radius - left, bottom + radius - top  # the extent
    scale = size / max(across, down)
    width, height = (min(max(math.ceil(e * scale - 1e-9), 1), size) for e in (across, down))
    return np.array([left, top]), scale, (height, width)


def stamp(centres: np.ndarray, radius: float, shape: tuple[int, int]) -> np.ndarray:
    """Ink every pixel whose centre lies within `radius` of one of the pen's positions
    (S, 2) in pixels: the union of discs, which gives round caps and joins."""
    grid = Grid(radius, shape)
    grid.stamp(centres)
    return grid.ink()


def stamps(centres: list[np.ndarray], radius: float, shapes: list[tuple[int, int]]) -> list[np.ndarray]:
    """`stamp` of each set of positions (S_i, 2) into its own (H_i, W_i), the very same
    pixels, drawn together: the grids are stacked in one, each below the last with its own
    frame, so every disc is the same sums at the same place in its own grid."""
    k = int(radius) + 1
    tops = np.cumsum([0] + [h + 2 * k for h, _ in shapes])  # each grid's first row, frame included
    grid = Grid(radius, (int(tops[-1]) - 2 * k, max(w for _, w in shapes)))
    for points, top in zip(centres, tops[:-1].tolist(), strict=False):
        grid.stamp(points, top)
    covered = grid.covered()
    return [
        covered[top + k : top + k + h, k : k + w]
        for (h, w), top in zip(shapes, tops[:-1].tolist(), strict=True)
    ]


class Grid:
    """An (H, W) grid that discs of one radius are drawn into, CHUNK centres at a time.

    In each row it reaches, a disc inks one run of pixels: those whose centres lie within
    the radius of its centre. The run's two ends are found with the very sums and
    comparison that testing each pixel would make, so the pixels are exactly those. A run is
    two marks, +1 where it starts and -1 after its end, and a cumulative sum along each row
    turns the marks into ink: memory is the grid and CHUNK x (2k + 1) runs, time the number
    of positions times the pen's diameter."""

    def __init__(self, radius: float, shape: tuple[int, int]):
        self.radius, self.shape = radius, shape
        self.k = k = int(radius) + 1  # a disc reaches k pixels beyond its centre's pixel
        height, width = shape
        # A frame k pixels wide: every disc fits, nothing to clip. One more column holds
        # the marks after runs that end at the frame's right edge.
        self.side = width + 2 * k + 1
        self.marks = np.zeros((height + 2 * k) * self.side, np.intp)  # +1 and -1 marks: whole numbers
        self.pending: list[np.ndarray] = []  # centres not drawn yet: fewer than CHUNK
        self.shifts: list[np.ndarray] = []  # and the rows each is moved down by
        self.count = 0

    def stamp(self, centres: np.ndarray, shift: int = 0) -> None:
        """A disc at each of the pen's positions (S, 2), in pixels, `shift` rows further
        down the grid than they say (drawn CHUNK at a time)."""
        self.pending.append(centres)
        self.shifts.append(np.full(len(centres), shift, np.intp))
        self.count += len(centres)
        if self.count >= CHUNK:
            self.flush()

    def flush(self) -> None:
        centres = np.concatenate(self.pending) if self.pending else np.empty((0, 2))
        shifts = np.concatenate(self.shifts) if self.shifts else np.empty(0, np.intp)
        self.pending, self.shifts, self.count = [], [], 0
        for start in range(0, len(centres), CHUNK):
            self.runs(centres[start : start + CHUNK], shifts[start : start + CHUNK, None])

    def runs(self, centres: np.ndarray, shift: np.ndarray) -> None:
        k = self.k
        base = np.floor(centres).astype(np.intp)  # (C, 2): the pixel each centre is in
        left, x = base[:, :1], centres[:, :1]  # (C, 1)
        # A pixel's centre, whole numbers plus a half, is exact however it is summed: the
        # half is added to the centre's pixel first, to the smaller arrays.
        reach = np.arange(-k, k + 1.0)  # (R,): rows either side of a centre's pixel
        dy2 = ((base[:, 1:] + 0.5) + reach - centres[:, 1:]) ** 2  # (C, R): squared distances down
        # Squared distances across, the same for every row: to the pixels -k - 1 .. k + 1
        # columns from the centre's (C, 2k + 3), in a flat table read at each row's ends.
        dx2 = (((left + 0.5) + np.arange(-k - 1, k + 2.0) - x) ** 2).ravel()
        at_zero = np.arange(len(x))[:, None] * (2 * k + 3) + k + 1  # (C, 1): offset 0's place in it
        limit = self.radius**2
        # A row's nearest pixel to the centre is the one under it: no ink there, none in the row.
        reached = dy2 + dx2[at_zero] <= limit  # (C, R)
        half = np.sqrt(np.maximum(limit - dy2, 0.0))  # (C, R): the run's half-width, near enough
        centre = x - left - 0.5  # (C, 1): the centre beyond its pixel's centre, in [-0.5, 0.5)

        def end(guess: np.ndarray, way: int) -> np.ndarray:
            """A run's end one way (`way` 1: its last pixel, -1: its first) as column offsets
            from the centre's pixel (C, R), exactly: the farthest of 0 .. way k whose centre
            lies within the radius, by the very sums and comparison that testing each pixel
            makes. A pixel's centre lies within half a pixel of the centre's, and rounding
            keeps the order of the distances across, so they grow from it outwards: the ink
            is one run, and its end the pixel that is ink with the next one not (or k away).
            The guess (C, R) is that pixel but where rounding puts it one off: those rows
            count their ink pixels instead."""
            end = np.minimum(np.maximum(guess if way == 1 else -guess, 0), k).astype(
                np.intp
            )  # (C, R): how far out
            place = at_zero + end if way == 1 else at_zero - end  # (C, R): where in dx2
            wrong = reached & ~((dy2 + dx2[place] <= limit) & ((end == k) | (dy2 + dx2[place + way] > limit)))
            if wrong.any():
                rows = np.flatnonzero(wrong)  # (W,)
                out = at_zero.ravel()[rows // dy2.shape[1], None] + way * np.arange(1, k + 1)  # (W, k)
                end.ravel()[rows] = (dy2.ravel()[rows, None] + dx2[out] <= limit).sum(axis=1)
            return end if way == 1 else -end

        last, first = end(np.floor(centre + half), 1), end(np.ceil(centre - half), -1)  # (C, R) each
        # (C, R): the flat index of offset 0 in each row a disc reaches
        row = ((base[:, 1:] + shift + k) * self.side + left + k) + np.arange(-k, k + 1) * self.side
        # +1 where each run starts, -1 after it ends: (N,) places each
        self.marks += np.bincount((row + first)[reached], minlength=len(self.marks))
        self.marks -= np.bincount((row + last + 1)[reached], minlength=len(self.marks))

    def ink(self) -> np.ndarray:
        """(H, W) bool: every pixel some disc covers."""
        k, (height, width) = self.k, self.shape
        return self.covered()[k : k + height, k : k + width]

    def covered(self) -> np.ndarray:
        """(H + 2k, W + 2k + 1) bool: the pixels some disc covers, the frame too."""
        self.flush()
        return np.cumsum(self.marks.reshape(self.shape[0] + 2 * self.k, self.side), axis=1) > 0
