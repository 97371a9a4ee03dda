"""Pen strokes to pixels, with the drawing page's pen, straight at the size preprocessing
works at. NumPy only: training and serving draw strokes through this one function.

A drawing is a list of strokes; a stroke is a list of (x, y) points in units of the pad's
side (0..1, y pointing down), as the page records them. The page smooths each stroke with
quadratic curves through the midpoints of successive points, and strokes it with a round
pen PEN_WIDTH of the side wide (round caps and joins); a lone point is a dot. `draw` makes
the same shape, scaled so that the ink's longer side spans `size` pixels: how many pixels
the person's screen had never matters, only the shape and the pen.

The ink is a mask, as the preprocessing's first step would make of an anti-aliased
drawing: a pixel is ink when its centre lies within half a pen width of the curve.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .preprocess import WORK

PEN_WIDTH = 0.06  # of the pad's side; the page draws with this width (it is sent to it)
CURVE_STEPS = 4  # straight pieces per quadratic curve: under a pixel at the working size
SPACING = 1.0  # pixels between the pen's positions along the curve
MIN_RADIUS = 0.75  # pixels: a thinner pen would leave gaps between the pixels it inks

Stroke = Sequence[Sequence[float]]


def curve(stroke: np.ndarray) -> np.ndarray:
    """The page's smoothed path of a stroke (M, 2) -> (K, 2) points along it.

    moveTo p0; a quadratic curve with control p_i to the midpoint of p_i and p_i+1 for each
    inner point; lineTo the last point (static/recognizer/js/strokes.js draws the same)."""
    if len(stroke) < 3:
        return stroke
    mids = (stroke[1:-1] + stroke[2:]) / 2  # (M-2, 2): where each curve ends
    starts = np.concatenate([stroke[:1], mids[:-1]])  # (M-2, 2)
    controls = stroke[1:-1]  # (M-2, 2)
    t = (np.arange(CURVE_STEPS) / CURVE_STEPS)[None, :, None]  # (1, T, 1)
    points = (1 - t) ** 2 * starts[:, None] + 2 * t * (1 - t) * controls[:, None] + t**2 * mids[:, None]
    return np.concatenate([points.reshape(-1, 2), mids[-1:], stroke[-1:]])  # (T (M-2) + 2, 2)


def along(path: np.ndarray, spacing: float) -> np.ndarray:
    """Points every `spacing` (or closer) along a polyline (K, 2), both ends included."""
    steps = np.hypot(*np.diff(path, axis=0).T)  # (K-1,)
    arc = np.concatenate([[0.0], np.cumsum(steps)])  # (K,)
    at = np.linspace(0.0, arc[-1], max(2, int(np.ceil(arc[-1] / spacing)) + 1))
    return np.stack([np.interp(at, arc, path[:, 0]), np.interp(at, arc, path[:, 1])], axis=1)


def draw(strokes: Sequence[Stroke], pen_width: float = PEN_WIDTH, size: int = WORK) -> np.ndarray:
    """Strokes in unit coordinates -> (H, W) bool ink, its longer side `size` pixels."""
    paths = [curve(np.asarray(s, dtype=np.float64).reshape(-1, 2)) for s in strokes]
    low, scale, shape = frame(paths, pen_width, size)
    pen = [along((p - low) * scale, SPACING) for p in paths if len(p)]
    return stamp(np.concatenate(pen), max(pen_width / 2 * scale, MIN_RADIUS), shape)


def frame(paths: list[np.ndarray], pen_width: float, size: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Where the ink of these paths lies: its top-left corner in units (2,), the pixels per
    unit that make its longer side `size`, and the (H, W) that holds it."""
    if not any(len(p) for p in paths):
        raise ValueError("a drawing needs at least one point")
    points = np.concatenate(paths)  # (P, 2)
    radius = pen_width / 2
    low = points.min(axis=0) - radius  # (2,)
    extent = points.max(axis=0) + radius - low  # (2,)
    scale = size / extent.max()
    width, height = np.clip(np.ceil(extent * scale - 1e-9).astype(int), 1, size)
    return low, scale, (int(height), int(width))


def stamp(centres: np.ndarray, radius: float, shape: tuple[int, int]) -> np.ndarray:
    """Ink every pixel whose centre lies within `radius` of one of the pen's positions
    (S, 2) in pixels: the union of discs, which gives round caps and joins."""
    k = int(radius) + 1
    reach = np.arange(-k, k + 1)  # (R,): pixels either side of a position
    base = np.floor(centres).astype(np.intp)  # (S, 2)
    dx2 = (base[:, :1] + reach + 0.5 - centres[:, :1]) ** 2  # (S, R): squared distances across
    dy2 = (base[:, 1:] + reach + 0.5 - centres[:, 1:]) ** 2  # (S, R): and down
    near = dy2[:, :, None] + dx2[:, None, :] <= radius**2  # (S, R, R)
    height, width = shape
    side = width + 2 * k  # drawn in a frame k pixels wide: every disc fits, nothing to clip
    rows = (base[:, 1:] + k + reach) * side  # (S, R): flat index of each row's first pixel
    pixels = rows[:, :, None] + (base[:, :1] + k + reach)[:, None, :]  # (S, R, R)
    ink = np.zeros((height + 2 * k) * side, bool)
    ink[pixels[near]] = True
    return ink.reshape(height + 2 * k, side)[k:-k, k:-k]
