"""A drawing's ink in pieces, for segmentation (nn/ink/segment.py) to group into digits: pen
strokes, or the connected parts of a photo's ink mask, left to right. NumPy only.

A stroke wider than JOIN H (H: the line's digit height) may be digits written without
lifting the pen, so it is also cut where a digit-tall part of it lies wholly left of the
rest (`joins`); a part of a photo's ink wider than TOUCH H may be digits that touch, so it
is also cut along the least-ink paths from its top to its bottom (nn/ink/cuts.py). Pieces far
smaller than the drawing's marks (under SPECK of their typical size both ways: grain, a
full stop) are set aside. A drawing may hold at most MAX_PIECES others.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nn.ink import raster
from nn.ink.cuts import slabs
from nn.ink.line import Line
from nn.ink.masks import boxed_components, component_boxes, coverage, enlarged, ink_box, stroke_width

SPECK = 0.2  # of the typical piece's size: a piece smaller than this both ways is no digit, nor part of one
JOIN = 1.0  # of H: a stroke wider than this may be several digits written without lifting the pen
CORNER = np.pi / 4  # radians: a sharper turn inside a stroke may be where two digits join
TALL = 0.5  # of H: each part a stroke is cut into is at least this high, as a digit is
TURN_GAP = 0.2  # of H: cuts inside a stroke lie this far along it from its ends and each other
MAX_PIECES = 64  # pieces read in one drawing: the work is bounded by RUN_PIECES times this
GRID = 256  # masks are split into parts at most this many pixels a side (any-ink blocks)
DOTS = 2.0  # of the parts' typical size: the coarsest grid a mask of too many parts is read on,
# so a dotted print's dots, as far apart as they are large, join, and marks further apart do not
SKETCH = 32  # pixels to H: the scale the scorer's view of each piece is drawn at
SKETCH_PEN = 3.0  # pixels: the pen strokes are sketched with


class TooManyPieces(ValueError):
    """More pieces of ink than a drawing may hold; `count` says how many."""

    def __init__(self, count: int):
        super().__init__(f"{count} pieces of ink; at most {MAX_PIECES} are read")
        self.count = count


@dataclass
class Sketch:
    """Every piece's ink drawn small, all at one scale (about SKETCH pixels to H): what the
    segment scorer looks at, cheap to put together for each candidate."""

    inks: list[np.ndarray]  # (h, w) bool each
    corners: np.ndarray  # (N, 2) int: where each one's top-left pixel lies (column, row)

    def of(self, members) -> np.ndarray:
        """The pieces' ink together, cropped to them."""
        return pasted(self.inks, self.corners, list(members))


@dataclass
class PenPieces:
    """Strokes, or pieces of strokes, left to right."""

    paths: list[raster.Path]  # the drawing's strokes
    spans: list[tuple[int, int, int]]  # (stroke, first point, end) of each piece
    line: Line
    sketch: Sketch
    pen_width: float

    def drawn(self, members) -> list[np.ndarray]:
        """The strokes the pieces are (M, 2) each: each stroke whole, or the part of it they span."""
        return [self.paths[k].stroke[a:b] for k, a, b in self.parts(members)]

    def traced(self, members) -> list[raster.Path]:
        """`drawn`'s strokes as Paths: a whole stroke's is the drawing's own."""
        return [part_path(self.paths[k], a, b) for k, a, b in self.parts(members)]

    def parts(self, members) -> list[tuple[int, int, int]]:
        """(stroke, first point, end) of each stroke the pieces are, in the strokes' order."""
        parts: dict[int, tuple[int, int]] = {}
        for k, a, b in (self.spans[i] for i in members):
            low, high = parts.get(k, (a, b))
            parts[k] = (min(low, a), max(high, b))
        return [(k, a, b) for k, (a, b) in sorted(parts.items())]

    def inks(self, members) -> tuple[np.ndarray, Callable[[], np.ndarray] | None]:
        """The pieces drawn as a drawing of them alone is: as the network reads them, and
        what draws them as the page showed them, None when that is the same ink
        (nn.ink.raster.read_and_seen)."""
        return raster.read_and_seen(self.traced(members), self.pen_width)


def part_path(whole: raster.Path, start: int, end: int) -> raster.Path:
    """The Path of points [start, end) of a stroke: the stroke's own when that is all of it."""
    return whole if (start, end) == (0, len(whole.stroke)) else raster.path(whole.stroke[start:end])


@dataclass
class MaskPieces:
    """Parts of a photo's ink, or slabs of a part, left to right."""

    crops: list[np.ndarray]  # (h, w) bool each: its ink within its box
    line: Line  # boxes in pixels, right and bottom exclusive
    sketch: Sketch

    def inks(self, members) -> tuple[np.ndarray, None]:
        """The pieces' ink at full resolution, cropped to them, and None: a photo's ink is
        read as it was seen (PenPieces.inks)."""
        return pasted(self.crops, self.line.boxes[:, :2].astype(int), list(members)), None


def pasted(inks: list[np.ndarray], corners: np.ndarray, members: list[int]) -> np.ndarray:
    """The union of some of the inks (h, w), each with its top-left corner (column, row);
    one ink alone is itself (not to be written to)."""
    if len(members) == 1:
        return inks[members[0]]
    # Plain numbers: for a few small inks, NumPy's calls cost more than the sums they make.
    placed = [(*corners[i].tolist(), *inks[i].shape) for i in members]  # (left, top, h, w) each
    left, top = min(p[0] for p in placed), min(p[1] for p in placed)
    right, bottom = max(p[0] + p[3] for p in placed), max(p[1] + p[2] for p in placed)
    out = np.zeros((bottom - top, right - left), bool)
    for i, (x, y, h, w) in zip(members, placed, strict=True):
        out[y - top : y - top + h, x - left : x - left + w] |= inks[i]
    return out


def line_of(boxes: np.ndarray, sources: np.ndarray, pen: float, photo: bool) -> tuple[Line, np.ndarray]:
    """The line of pieces (N, 4) left to right, less the specks (a piece of a stroke or part
    that is no speck is kept, however small); and which pieces it kept, in its order.
    TooManyPieces past MAX_PIECES."""
    # np.isin(sources, sources[not_specks(boxes)]), for sources that are small whole numbers
    has_mark = np.zeros(sources.max(initial=-1) + 1, bool)  # (max + 1,): which have a piece no speck
    has_mark[sources[not_specks(boxes)]] = True
    kept = np.flatnonzero(has_mark[sources])
    height = digit_height(boxes[kept])
    if len(kept) > MAX_PIECES:
        raise TooManyPieces(len(kept))
    kept = kept[np.argsort((boxes[kept, 0] + boxes[kept, 2]) / 2, kind="stable")]
    tall = boxes[kept][boxes[kept, 3] - boxes[kept, 1] >= height / 2]
    middle = median((tall[:, 1] + tall[:, 3]) / 2)
    return Line(boxes[kept], sources[kept], height, middle, pen, photo), kept


def not_specks(boxes: np.ndarray) -> np.ndarray:
    """The pieces (N, 4) (indices) that are not far smaller than the drawing's marks: at
    least SPECK of the typical size (the median longer side of those at least half as large
    as the largest) one way or the other."""
    size = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])  # (N,)
    return np.flatnonzero(size >= SPECK * typical_size(boxes))


def typical_size(boxes: np.ndarray) -> float:
    """The median longer side of the pieces (N, 4) at least half as large as the largest."""
    size = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])  # (N,)
    return median(size[size >= size.max() / 2])


def digit_height(boxes: np.ndarray) -> float:
    """H: the median height of the pieces (N, 4) at least half as tall as the tallest."""
    heights = boxes[:, 3] - boxes[:, 1]  # (N,)
    return max(median(heights[heights >= heights.max() / 2]), 1e-9)


def median(values: np.ndarray) -> float:
    """np.median of some values (N,), N >= 1: the same number, at a fraction of its cost."""
    ordered = np.sort(values)
    half = len(ordered) // 2
    return float(ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2)


# Strokes.


def stroke_boxes(strokes, pen_width: float = raster.PEN_WIDTH) -> np.ndarray:
    """(S, 4) boxes of strokes' ink (left, top, right, bottom): the points plus the pen's radius."""
    arrays = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    # No strokes, or one without points: the error NumPy gives for each stroke on its own.
    if min(map(len, arrays), default=0) == 0:
        low = np.array([a.min(axis=0) for a in arrays]) - pen_width / 2
        return np.concatenate([low, low], axis=1)
    # Each stroke's least and greatest point, all strokes at once (a least value is exact).
    points = np.concatenate(arrays)  # (P, 2)
    starts = list(itertools.accumulate((len(a) for a in arrays[:-1]), initial=0))  # (S,): where each starts
    low = np.minimum.reduceat(points, starts, axis=0) - pen_width / 2  # (S, 2)
    high = np.maximum.reduceat(points, starts, axis=0) + pen_width / 2  # (S, 2)
    return np.concatenate([low, high], axis=1)


def pen_pieces(strokes, pen_width: float = raster.PEN_WIDTH) -> PenPieces:
    """A drawing's strokes (each a list of [x, y], or its nn.ink.raster.Path) as pieces:
    whole strokes, and the pieces of those wider than JOIN H between the points where the
    pen turns."""
    paths = raster.traced(strokes)
    arrays = [p.stroke for p in paths]
    whole = stroke_boxes(arrays, pen_width)  # (S, 4)
    height = digit_height(whole)
    spans = []
    for k, stroke in enumerate(arrays):
        ends = stroke[:, 0].max() - stroke[:, 0].min() + pen_width > JOIN * height and joins(
            stroke, TURN_GAP * height, TALL * height
        )
        edges = [0, *(ends or []), len(stroke)]
        # each piece runs from one cut point to the next, both included: neighbours share it
        spans += [(k, a, min(b + 1, len(stroke))) for a, b in zip(edges, edges[1:], strict=False)]
    # The pieces' boxes: the strokes' own when none was cut
    boxes = (
        whole if len(spans) == len(arrays) else stroke_boxes([arrays[k][a:b] for k, a, b in spans], pen_width)
    )
    line, kept = line_of(boxes, np.array([k for k, _, _ in spans]), pen_width, photo=False)
    spans = [spans[i] for i in kept]
    return PenPieces(
        paths, spans, line, pen_sketch([part_path(paths[k], a, b) for k, a, b in spans], line), pen_width
    )


def pen_sketch(pieces: list[raster.Path], line: Line) -> Sketch:
    """Pieces of strokes drawn at SKETCH pixels to H with a pen SKETCH_PEN pixels wide,
    however wide the page's is: MNIST's strokes are about that thin against its digits."""
    scale = SKETCH / line.height  # pixels per unit
    radius = SKETCH_PEN / 2
    placed, shapes, corners = [], [], []
    for piece in pieces:
        centres = raster.along(piece.points * scale, max(raster.SPACING, radius / 3))  # (A, 2)
        low = np.floor(centres.min(axis=0) - radius).astype(int)  # (2,): its top-left pixel
        shape = np.ceil(centres.max(axis=0) + radius).astype(int) - low + 1  # (2,): columns, rows
        placed.append(centres - low)
        shapes.append((int(shape[1]), int(shape[0])))
        corners.append(low)
    return Sketch(raster.stamps(placed, radius, shapes), np.array(corners))


def joins(stroke: np.ndarray, spacing: float, tall: float = 0.0) -> list[int]:
    """Where a stroke (M, 2) may pass from one digit to the next, written without lifting
    the pen: among the points that split it into a part wholly left of the rest (within
    `spacing`), each part at least `tall` high, those that end a stretch of such points and
    those where the pen turns by more than CORNER; `spacing` along it from its ends and
    from each other."""
    x, y = stroke[:, 0], stroke[:, 1]
    before = np.maximum.accumulate(y) - np.minimum.accumulate(y)  # (M,): the height up to each point
    after = (np.maximum.accumulate(y[::-1]) - np.minimum.accumulate(y[::-1]))[::-1]  # and from it
    apart = np.maximum.accumulate(x) <= np.minimum.accumulate(x[::-1])[::-1] + spacing  # (M,)
    apart &= (before >= tall) & (after >= tall)
    step = np.diff(stroke, axis=0)  # (M-1, 2)
    cross = step[:-1, 0] * step[1:, 1] - step[:-1, 1] * step[1:, 0]
    turn = np.abs(np.arctan2(cross, (step[:-1] * step[1:]).sum(axis=1)))  # (M-2,): at points 1..M-2
    corner = np.concatenate([[False], turn > CORNER, [False]])  # (M,)
    ends = np.diff(apart.astype(np.int8), prepend=0, append=0)  # +1 where a stretch starts, -1 after it
    edge = np.zeros(len(stroke), bool)
    edge[np.flatnonzero(ends[:-1] == 1)] = True
    edge[np.flatnonzero(ends[1:] == -1)] = True
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(*step.T))])  # (M,)
    chosen: list[int] = []
    for i in np.flatnonzero(apart & (edge | corner)):
        if spacing <= arc[i] <= arc[-1] - spacing and (not chosen or arc[i] - arc[chosen[-1]] >= spacing):
            chosen.append(int(i))
    return chosen


# Masks.


def mask_pieces(mask: np.ndarray) -> MaskPieces:
    """An (H, W) ink mask as pieces: its connected parts, found on a coarse grid (at most
    GRID a side, where a broken stroke's small gaps close; coarser while more than
    MAX_PIECES parts are not specks, as a dotted print's dots are, up to DOTS of their
    typical size), each wider than TOUCH H also cut where digits may touch; the ink itself
    keeps full resolution. TooManyPieces past MAX_PIECES."""
    factor = -(-max(mask.shape) // GRID)
    largest = None  # the coarsest grid allowed, in pixels
    while True:
        # coarse: (n, 4) the parts' boxes, in coarse pixels
        labels, count, coarse = boxed_components(coverage(mask, factor) > 0)
        big = not_specks(coarse)
        height = digit_height(coarse[big])
        if len(big) <= MAX_PIECES:
            break
        if largest is None:  # DOTS of the first parts' typical size, measured on the ink itself
            fine = enlarged(labels.astype(np.int32), factor)
            fine = np.where(mask, fine[: mask.shape[0], : mask.shape[1]], -1)
            largest = DOTS * typical_size(component_boxes(fine, count)[big])
        if 2 * factor > largest:
            break
        factor *= 2
    if len(big) > MAX_PIECES:
        raise TooManyPieces(len(big))
    crops, boxes, sources = [], [], []
    for k in big:
        lf, t, r, b = (coarse[k] * factor).astype(int)
        own = enlarged(labels[t // factor : b // factor, lf // factor : r // factor] == k, factor)
        ink = mask[t:b, lf:r] & own[: min(b, mask.shape[0]) - t, : min(r, mask.shape[1]) - lf]
        il, it, ir, ib = (int(v) for v in ink_box(ink))
        ink = ink[it:ib, il:ir]
        for slab in slabs(ink, height * factor):
            sl, st, sr, sb = (int(v) for v in ink_box(slab))
            crops.append(slab[st:sb, sl:sr])
            boxes.append((lf + il + sl, t + it + st, lf + il + sr, t + it + sb))
            sources.append(k)
    line, kept = line_of(
        np.array(boxes, dtype=np.float64), np.array(sources), stroke_width(mask, framed=False), photo=True
    )
    crops = [crops[i] for i in kept]
    return MaskPieces(crops, line, mask_sketch(crops, line))


def mask_sketch(crops: list[np.ndarray], line: Line) -> Sketch:
    """Parts of a photo's ink shrunk by whole blocks (those at least half ink, or any ink
    where that leaves none) to about SKETCH pixels to H."""
    factor = max(1, round(line.height / SKETCH))
    corners = line.boxes[:, :2].astype(int) // factor  # (N, 2)
    shrunk = [coverage(c, factor) >= 0.5 for c in crops]
    return Sketch(
        [s if s.any() else coverage(c, factor) > 0 for s, c in zip(shrunk, crops, strict=True)], corners
    )
