"""The pen's direction as two more channels of a drawn digit: at each pixel of its ink, which
way the pen was moving there, across (x) and down (y). NumPy only: training and serving
read a drawing's channels through `pen_channels`.

An image shows where the ink is; the strokes also say in what order and which way it was
laid down, which tells a one's flag from a seven's bar, or a four written in one stroke from
a six. Online handwriting recognisers read it as extra channels of the image; so does the
CNN (nn/networks/cnn.py, INPUT_CHANNELS). A photo has no strokes: its direction channels are
zero, and the CNN is trained to read digits that way too.

The direction is drawn over the same grid as the ink (nn/ink/raster.py): each of the pen's
positions, a pixel apart along the page's smoothed path, adds its unit step to the pixels
around it, and a Gaussian as wide as the pen spreads it, so that every pixel the ink can
reach, its thickness changed, has the direction of the strokes nearest it (their mean where
strokes cross). The field then goes through every step that takes the ink to MNIST's form
(preprocess.Placed): cropped, resampled, weighed by the ink and placed as it is. Channel 0 is
exactly the ink's own reading, from_mask(raster.draw_read(...)).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nn.ink import raster
from nn.ink.masks import bounding_box
from nn.ink.preprocess import WORK, Placed, fitted, placed_working, resize, steps, working
from nn.ink.sampling import SIDE

DIRECTIONS = 2  # channels: the pen's direction across, and down


def pen_channels(
    strokes: Sequence[raster.Stroke | raster.Path], pen_width: float = raster.PEN_WIDTH
) -> np.ndarray | None:
    """A digit's strokes (or their Paths) -> (1 + DIRECTIONS, 28, 28) float32: its ink in
    MNIST's form, drawn as the network reads it (raster.draw_read, then from_mask), and the
    pen's direction across and down there, each in [-1, 1]; None where there is no ink."""
    paths = raster.traced(strokes)
    return channels(paths, pen_width, raster.draw_read(paths, pen_width))


def channels(
    paths: list[raster.Path], pen_width: float, ink: np.ndarray, placed: Placed | None = None
) -> np.ndarray | None:
    """`pen_channels` for Paths and the ink they make as the network reads them
    (raster.draw_read with `pen_width`: (H, W) bool, its longer side WORK); `placed`: that
    ink in MNIST's form, placed_working(working(ink)), when it is made already."""
    pen = raster.reading_pen(paths, pen_width)
    if placed is None:
        placed = placed_working(working(ink))
    if placed is None:
        return None
    field = on_working(direction_field(paths, pen, ink.shape), ink)  # (2, h, w)
    return np.concatenate([placed.pixels[None], placed.place(field).clip(-1, 1)])


def direction_field(paths: list[raster.Path], pen: float, shape: tuple[int, int]) -> np.ndarray:
    """(2, H, W): the pen's mean direction across and down near each pixel of the grid
    raster.draw draws these Paths into with this pen (zero where no stroke is near)."""
    low, scale, _ = raster.extent_frame(paths, pen, WORK)
    height, width = shape
    places, units = [np.empty((0, 2))], [np.empty((0, 2))]  # of every step of the pen, (S, 2) each
    for p in paths:
        if len(p.points) < 2:
            continue
        for centres in raster.positions((p.points - low) * scale, raster.SPACING):
            steps = centres[1:] - centres[:-1]  # (S, 2)
            length = np.hypot(steps[:, 0], steps[:, 1])
            moving = length > 0
            units.append(steps[moving] / length[moving, None])
            places.append((centres[1:] + centres[:-1])[moving] / 2 - 0.5)  # pixel centres at whole numbers
    sums = splat(np.concatenate(places), np.concatenate(units), shape)  # (3, H, W)
    radius = max(pen / 2 * scale, raster.MIN_RADIUS)
    spread = [gaussian(n, radius) for n in shape]  # (H, H), (W, W)
    blurred = spread[0] @ sums @ spread[1].T  # (3, H, W)
    weight = blurred[0]
    return np.divide(blurred[1:], weight, out=np.zeros((2, height, width)), where=weight > 1e-12)


CORNERS = np.array(
    [[0, 0], [1, 0], [0, 1], [1, 1]]
)  # (4, 2): the pixels around a place, (x, y) beyond its own


def splat(at: np.ndarray, units: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Each step's weight 1 and its unit direction (S, 2), added to the four pixels around its
    place `at` (S, 2) in pixels (x, y), bilinearly -> (3, H, W): weight, across, down."""
    height, width = shape
    base = np.floor(at)
    frac = at - base  # (S, 2)
    x = base[:, 0].astype(np.intp) + CORNERS[:, :1]  # (4, S)
    y = base[:, 1].astype(np.intp) + CORNERS[:, 1:]  # (4, S)
    w = np.abs(1 - CORNERS[:, :1] - frac[:, 0]) * np.abs(1 - CORNERS[:, 1:] - frac[:, 1])  # (4, S)
    inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)  # (4, S)
    index = (y * width + x)[inside]  # (K,)
    pixels = height * width
    at_channels = np.concatenate([index, index + pixels, index + 2 * pixels])  # (3K,)
    # Each corner's weight, and times the step's direction across and down: (K,) each
    weights = np.concatenate([w[inside], (w * units[:, 0])[inside], (w * units[:, 1])[inside]])
    return np.bincount(at_channels, weights, minlength=3 * pixels).reshape(3, height, width)


def gaussian(n: int, sigma: float) -> np.ndarray:
    """(n, n): a Gaussian of `sigma` pixels between every two of n pixels (unnormalised: the
    direction is a ratio of two sums blurred alike)."""
    # Its values depend only on i - j: each of the 2n - 1 differences is worked out once
    # and read into place.
    d = np.arange(1 - n, n) / sigma  # (2n - 1,): i - j from 1 - n to n - 1
    return np.exp(-0.5 * d**2)[steps(n, n) + (n - 1)]


def on_working(field: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """A field (K, H, W) over the drawn ink -> over its working image (preprocess.working):
    cropped to the ink, and resampled as the ink is when the crop's longer side is not WORK."""
    box = bounding_box(ink)
    crop = field[:, box[0], box[1]]
    if max(crop.shape[1:]) == WORK:
        return crop
    return np.stack([resize(f, *fitted(f.shape, WORK)) for f in crop])


def no_directions(pixels: np.ndarray) -> np.ndarray:
    """(28, 28) ink with no strokes behind it (a photo, pixels) -> (1 + DIRECTIONS, 28, 28)."""
    return np.concatenate([pixels[None], np.zeros((DIRECTIONS, SIDE, SIDE), pixels.dtype)])
