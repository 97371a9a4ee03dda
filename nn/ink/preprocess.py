"""Turn a grayscale drawing or photo into the 28x28 input MNIST was made of. NumPy only.

MNIST was built from bilevel NIST digits: each was scaled to fit a 20x20 box keeping its
aspect ratio (the anti-aliasing gives the grey levels), then placed in a 28x28 field so
that its centre of mass sits at the centre. `to_mnist` does the same to any image:

  1-2. ink mask  pixels past halfway from background to ink, whichever way round the ink
                 is (bilevel, like NIST): dark-on-light and light-on-dark alike;
  3. crop        to the ink's bounding box, at full resolution;
  4. work size   resampled (anti-aliased) so the longer side is WORK pixels, a crop over
                 twice that first averaged by whole blocks;
  5. thickness   strokes dilated or eroded toward MNIST's typical width, then re-cropped;
  6. 20x20 box   scaled to fit, aspect kept, anti-aliased: grey levels appear;
  7. centring    placed in 28x28 with its centre of mass at MNIST's (14, 14).

Every resampling is a pair of small matrix products (rows @ image @ cols.T).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from nn.ink.masks import bounding_box, coverage, framed_width, in_frame, stroke_width
from nn.ink.sampling import SIDE, bilinear

BOX = 20  # MNIST's box: a digit's longer side in the SIDE x SIDE field
WORK = 80  # side of the working image: 4x the box, so the final scaling anti-aliases
TARGET_WIDTH = 7.5  # stroke width at WORK scale that comes out as MNIST's (calibrated on MNIST)
MAX_STEPS = 6  # thickness changes by at most 12 px at WORK scale
SPECKS = 8  # this many extreme pixels may be noise
MIN_CONTRAST = 0.15  # less difference than this between ink and background is blank


@functools.lru_cache(maxsize=1024)
def resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights of a triangle filter, widened when shrinking (anti-aliasing).
    Made once for each pair of sizes (read-only): every drawing is resampled between a few.

    Each output pixel averages the input pixels under a tent centred on it; when shrinking
    by a factor s, the tent is s times wider so every input pixel contributes.
    """
    scale = n_in / n_out
    support = max(scale, 1.0)
    centres = (np.arange(n_out) + 0.5) * scale - 0.5  # output centres in input coordinates
    distance = np.abs(np.arange(n_in)[None, :] - centres[:, None]) / support
    weights = np.maximum(0.0, 1.0 - distance)
    matrix = (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
    matrix.flags.writeable = False
    return matrix


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Separable anti-aliased resize of a 2-D array: R_h @ image @ R_w.T."""
    rows = resample_matrix(image.shape[0], height)
    cols = resample_matrix(image.shape[1], width)
    return rows @ image.astype(np.float32) @ cols.T


def as_levels(gray: np.ndarray) -> np.ndarray:
    """Grey levels 0..255 as uint8: uint8 images as they are, float images in [0, 1] scaled."""
    gray = np.asarray(gray)
    if gray.dtype == np.uint8:
        return gray
    return (np.clip(gray, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)


def ink_mask(gray: np.ndarray) -> np.ndarray | None:
    """Pixels past halfway from the background to the ink, whichever way round the ink is;
    None when there is no ink to see. Works on 0..255 levels, in integers throughout.

    The background is the median of the border pixels; the ink is whichever extreme of the
    image lies farther from it.
    """
    levels = as_levels(gray)
    background = border_median(levels)
    low, high = extremes(levels, min(SPECKS, levels.size // 2))
    if high - background >= background - low:  # light ink on a dark background
        contrast = high - background
        mask = levels >= background + (contrast + 1) // 2
    else:
        contrast = background - low
        mask = levels <= background - (contrast + 1) // 2
    return mask if contrast >= MIN_CONTRAST * 255 else None


def border_median(levels: np.ndarray) -> int:
    """The median of the border pixels, rounded down."""
    # np.median's number, from the sorted levels: the middle one, or the two middle ones'
    # mean rounded down (whole numbers, so exactly int(np.median(...))).
    ordered = np.sort(np.concatenate([levels[0], levels[-1], levels[:, 0], levels[:, -1]]))
    half = len(ordered) // 2
    return int(ordered[half]) if len(ordered) % 2 else (int(ordered[half - 1]) + int(ordered[half])) // 2


def extremes(levels: np.ndarray, k: int) -> tuple[int, int]:
    """The (k+1)-th darkest and (k+1)-th brightest levels: a few specks are ignored, a dot
    is still seen."""
    flat = levels.ravel()
    # A photo mostly holds more than k pixels of both its darkest and its brightest level
    # (the ink's, the paper's): then those are the answer, two passes instead of a partition.
    low, high = flat.min(), flat.max()
    if np.count_nonzero(flat == low) > k and np.count_nonzero(flat == high) > k:
        return int(low), int(high)
    low, high = np.partition(flat, [k, flat.size - 1 - k])[[k, flat.size - 1 - k]]
    return int(low), int(high)


def normalise_thickness(
    mask: np.ndarray, target: float = TARGET_WIDTH, tolerance: float = 1.25
) -> np.ndarray:
    """Dilate thin strokes or erode thick ones of a bool mask, one pixel a side at a time,
    until the measured width is within `tolerance` of the target (at most MAX_STEPS steps).

    Erosion stops before it would remove more than half of the ink, so a thin part of a
    thick digit is never erased.
    """
    # The mask is kept in a frame of background, which measuring and each step's 3x3 cross
    # both read: made once, not once for each.
    framed = in_frame(mask)
    area = np.count_nonzero(framed)
    for _ in range(MAX_STEPS):
        width = framed_width(framed, area)
        if width < target / tolerance:
            framed = crossed(framed, np.logical_or)
            area = np.count_nonzero(framed)
        elif width > target * tolerance:
            shrunk = crossed(framed, np.logical_and)
            shrunk_area = np.count_nonzero(shrunk)
            if shrunk_area < area / 2:
                break
            framed, area = shrunk, shrunk_area
        else:
            break
    return framed[1:-1, 1:-1]


def crossed(framed: np.ndarray, combine: np.ufunc) -> np.ndarray:
    """Framed images (..., H + 2, W + 2) (`in_frame`) -> the same, each pixel inside its
    frame combined with its four neighbours, a 3x3 cross: a bool mask's dilation (or) or
    erosion (and), grey images' (maximum, minimum)."""
    side = framed.shape[-1]
    flat = framed.reshape(-1)
    out = np.zeros_like(framed)
    # Row by row as one line: the neighbours of the pixels from the second row's to the
    # last row's are the line moved by one and by a row, every slice of it contiguous.
    start, stop = side, flat.size - side
    inner = out.reshape(-1)[start:stop]
    combine(flat[start:stop], flat[start - 1 : stop - 1], out=inner)
    for shift in (1, -side, side):
        combine(inner, flat[start + shift : stop + shift], out=inner)
    out[..., 0] = out[..., -1] = 0  # the frames' sides, which the line passed through
    if framed.ndim > 2:  # and the frame rows between stacked images
        out[..., 0, :] = out[..., -1, :] = 0
    return out


def placement_matrix(n_in: int, offset: float, n_out: int = SIDE) -> np.ndarray:
    """(n_out, n_in) linear-interpolation weights that move a row of n_in pixels so its
    first pixel lands at `offset` (fractional) in a row of n_out; ink past the edge is lost.

    Output i reads input i - offset: the weight of input j is max(0, 1 - |i - j - offset|),
    which only the two diagonals i - j = floor(offset) and floor(offset) + 1 can make
    nonzero (elsewhere the distance is 1 or more, rounded or not). Those two weights are
    worked out by that very formula and written along their diagonals."""
    if not math.isfinite(offset):  # no ink to place: every weight NaN
        return np.maximum(0.0, 1.0 - np.abs(steps(n_out, n_in) - offset)).astype(np.float32)
    matrix = np.zeros((n_out, n_in), np.float32)
    flat = matrix.reshape(-1)
    first = math.floor(offset)
    for shift in (first, first + 1):  # i - j
        weight = max(0.0, 1.0 - abs(shift - offset))
        # The diagonal i = j + shift: from (shift, 0), or (0, -shift), a row and a column a step.
        start = shift * n_in if shift >= 0 else -shift
        count = min(n_in, n_out - shift) if shift >= 0 else min(n_in + shift, n_out)
        if weight and count > 0:
            flat[start : start + count * (n_in + 1) : n_in + 1] = weight
    return matrix


@functools.lru_cache(maxsize=1024)
def steps(n_out: int, n_in: int) -> np.ndarray:
    """(n_out, n_in) int: i - j, made once for each pair of sizes (read-only)."""
    out = np.subtract.outer(np.arange(n_out), np.arange(n_in))
    out.flags.writeable = False
    return out


def centre_by_mass(box: np.ndarray) -> np.ndarray:
    """Place a box of ink in a 28x28 field with its centre of mass at (14, 14), to a
    fraction of a pixel: a whole-pixel rounding would let the same digit jump by one."""
    rows, cols = centring(box)
    return rows @ box @ cols.T


def centring(box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The matrices (28, h) and (28, w) that place a box of ink (h, w) as centre_by_mass does."""
    row_mass, col_mass = box.sum(axis=1, dtype=np.float64), box.sum(axis=0, dtype=np.float64)
    total = row_mass.sum()
    rows = placement_matrix(len(row_mass), SIDE / 2 - row_mass @ np.arange(len(row_mass)) / total)
    cols = placement_matrix(len(col_mass), SIDE / 2 - col_mass @ np.arange(len(col_mass)) / total)
    return rows, cols


def fit(mask: np.ndarray, longer: int) -> np.ndarray:
    """Resample a mask so its longer side is `longer` px, keeping the aspect ratio."""
    return resize(mask, *fitted(mask.shape, longer))


def fitted(shape: tuple[int, int], longer: int) -> tuple[int, int]:
    h, w = shape
    scale = longer / max(h, w)
    return max(1, round(h * scale)), max(1, round(w * scale))


def to_mnist(gray: np.ndarray, thickness: bool = True) -> np.ndarray | None:
    """A 2-D grayscale image (uint8 0..255, or float in [0, 1]) -> (28, 28) float32
    input in MNIST's form, or None if blank."""
    mask = ink_mask(gray)
    return None if mask is None else from_mask(mask, thickness)


def from_mask(mask: np.ndarray, thickness: bool = True) -> np.ndarray | None:
    """Steps 3-7 on a bilevel (H, W) ink mask, e.g. drawn strokes (nn/ink/raster.py) -> (28, 28)
    float32 input in MNIST's form, or None if there is no ink."""
    return from_working(working(mask), thickness)


def working(mask: np.ndarray) -> np.ndarray | None:
    """Steps 3-4: a bilevel (H, W) ink mask cropped to its ink and resampled so its longer
    side is WORK pixels -> (h, w) bool, or None if there is no ink or none survives."""
    box = bounding_box(mask)
    if box is None:
        return None
    crop = mask[box]
    if max(crop.shape) == WORK:  # drawn at the working size already (nn/ink/raster.py)
        return crop
    # Shrinking a stroke thinner than a pixel leaves it grey, and thresholding at 0.5 would
    # break it into dots: lower the threshold to the coverage such a stroke still has.
    scale = WORK / max(crop.shape)
    level = min(max(0.5 * stroke_width(crop) * scale, 0.1), 0.5)
    # The mask keeps the image's resolution (the edges of the ink are where they are); a crop
    # over twice the working size is first averaged by whole blocks, which anti-aliases as
    # the resampling would, at a fraction of its cost.
    work = resize(coverage(crop, max(crop.shape) // WORK), *fitted(crop.shape, WORK)) >= level
    return work if work.any() else None  # None: a few specks far apart


def from_working(work: np.ndarray | None, thickness: bool = True) -> np.ndarray | None:
    """Steps 5-7 on the working image `working` made -> (28, 28) float32, or None."""
    placed = placed_working(work, thickness)
    return None if placed is None else placed.pixels


@dataclass
class Placed:
    """A working image in MNIST's form, and how it got there: what moves a field drawn over
    the working image (the pen's direction, nn/ink/directions.py) exactly as its ink moved."""

    pixels: np.ndarray  # (28, 28) float32
    crop: tuple[slice, slice]  # of the working image, after the change of thickness
    mask: np.ndarray  # (h, w) bool: the ink there, thickness changed
    fit: tuple[np.ndarray, np.ndarray]  # (20 at most, h) and (.., w): step 6's resampling
    centre: tuple[np.ndarray, np.ndarray]  # (28, ..) each: step 7's placing

    def place(self, fields: np.ndarray) -> np.ndarray:
        """Fields (K, H, W) over the working image -> (K, 28, 28) float32, each weighed by the
        ink (zero off it) and moved as the ink was."""
        inked = fields[:, self.crop[0], self.crop[1]] * self.mask  # (K, h, w)
        (fit_rows, fit_cols), (rows, cols) = self.fit, self.centre
        return (rows @ (fit_rows @ inked.astype(np.float32) @ fit_cols.T) @ cols.T).astype(np.float32)


def placed_working(work: np.ndarray | None, thickness: bool = True) -> Placed | None:
    """Steps 5-7 on the working image `working` made, as a Placed; None where from_working is."""
    if work is None:
        return None
    crop = (slice(0, work.shape[0]), slice(0, work.shape[1]))
    if thickness:
        # Re-crop: a thick stroke's box is wider by its width, and that width has changed.
        work = normalise_thickness(work)
        crop = bounding_box(work)
        work = work[crop]
    shape = fitted(work.shape, BOX)
    fit_rows, fit_cols = resample_matrix(work.shape[0], shape[0]), resample_matrix(work.shape[1], shape[1])
    digit = fit_rows @ work.astype(np.float32) @ fit_cols.T  # resize(work, *shape), as `fit` makes it
    if digit.sum() <= 0:
        return None
    box = digit.clip(0, 1)
    rows, cols = centring(box)
    return Placed((rows @ box @ cols.T).clip(0, 1), crop, work, (fit_rows, fit_cols), (rows, cols))


def deskew(images: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Remove the slant of (N, 28, 28) digits in [0, 1] by a horizontal shear from their
    second moments (x' = x - alpha (y - cy), alpha = cov(x, y) / var(y)), keeping each
    centre of mass at (14, 14). Vectorised over the batch, in chunks that stay in cache."""
    images = np.asarray(images, dtype=np.float32)
    if len(images) > chunk:
        return np.concatenate([deskew(images[i : i + chunk]) for i in range(0, len(images), chunk)])
    ys, xs = np.indices((SIDE, SIDE), dtype=np.float32)
    mass = images.sum(axis=(1, 2)) + 1e-6
    cy = (images * ys).sum(axis=(1, 2)) / mass
    cx = (images * xs).sum(axis=(1, 2)) / mass
    dy, dx = ys - cy[:, None, None], xs - cx[:, None, None]
    var_y = (images * dy**2).sum(axis=(1, 2)) / mass
    cov = (images * dy * dx).sum(axis=(1, 2)) / mass
    # A flat stroke has almost no vertical spread: bound the shear so it stays in frame.
    alpha = np.clip(cov / np.maximum(var_y, 1e-6), -1.0, 1.0)[:, None]
    centre = SIDE / 2
    out_y, out_x = ys.reshape(1, -1), xs.reshape(1, -1)
    src_x = out_x + alpha * (out_y - centre) + (cx[:, None] - centre)
    src_y = np.broadcast_to(out_y + (cy[:, None] - centre), src_x.shape)
    return np.clip(bilinear(images, src_x, src_y), 0.0, 1.0)


def as_float(images: np.ndarray) -> np.ndarray:
    """uint8 images (0..255) or float images (0..1) -> float32 in [0, 1]."""
    images = np.asarray(images)
    return images.astype(np.float32) / 255.0 if images.dtype == np.uint8 else images.astype(np.float32)


def network_inputs(images: np.ndarray, deskewed: bool = False, channels: int = 1) -> np.ndarray:
    """(N, 28, 28) images, uint8 or float, or (N, C, 28, 28) channels, the ink first
    (nn/ink/directions.py) -> (N, channels x 784) float32 rows, channel after channel, as a
    network reading `channels` reads them: the ink, deskewed if the model was trained on
    deskewed digits, then the pen's direction, zero where the images have none (a photo).
    Training, evaluation and serving all go through here."""
    images = as_float(images)
    ink = images if images.ndim == 3 else images[:, 0]  # (N, 28, 28)
    x = ink.reshape(-1, SIDE, SIDE)
    if deskewed:
        x = deskew(x)
    rows = x.reshape(len(x), SIDE * SIDE)
    if channels == 1:
        return rows
    if deskewed:
        raise ValueError("the pen's direction is read upright only: a model reading it is not deskewed")
    out = np.zeros((len(x), channels * SIDE * SIDE), np.float32)
    out[:, : SIDE * SIDE] = rows
    if images.ndim == 4:
        out[:, SIDE * SIDE :] = images[:, 1:channels].reshape(len(x), -1)
    return out
