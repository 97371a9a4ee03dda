"""A drawing's digits in MNIST's form: strokes drawn with the page's pen, a photo decoded,
a pixel array as it is; a number split into its digits (nn/segment.py), each drawn or
cropped on its own. A drawing of one digit is read whole, as it was before numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn import raster, segment
from nn.preprocess import bounding_box, from_mask, from_working, ink_mask, to_mnist, working

from . import imaging
from .errors import BlankDrawing, TooLarge
from .limits import MAX_DIGITS, MAX_INK

Drawing = list | bytes | np.ndarray  # strokes, image bytes, or a (28, 28) MNIST-form array


@dataclass
class Piece:
    """One digit's ink in a drawing, in MNIST's form, and where it came from."""

    pixels: np.ndarray  # (28, 28) float32
    work: np.ndarray | None  # (h, w) bool: its ink at the working size (the not-a-digit check's)
    box: segment.Box  # strokes: in their units; an image: fractions of its width and height
    strokes: list[int] | None = None  # indices into the drawing's strokes
    crop: np.ndarray | None = None  # a photo: the grey levels of the box, to keep with a label


def pieces(drawing: Drawing) -> list[Piece]:
    """The digits in a drawing, left to right (nn/segment.py), each in MNIST's form. A
    drawing that is one digit is drawn whole, exactly as before numbers were read."""
    if isinstance(drawing, bytes):
        return photo_pieces(imaging.decode(drawing))
    if isinstance(drawing, np.ndarray):
        return [Piece(mnist_pixels(drawing), None, (0.0, 0.0, 1.0, 1.0))]
    groups = limited(segment.strokes(drawing))
    affordable([drawing] if len(groups) == 1 else [[drawing[i] for i in g] for g in groups])
    if len(groups) == 1:
        return [stroke_piece(drawing, list(range(len(drawing))))]
    return [stroke_piece([drawing[i] for i in g], g) for g in groups]


def stroke_piece(strokes: list, indices: list[int]) -> Piece:
    """Strokes of one digit drawn with the page's pen, then in MNIST's form."""
    work = working(raster.draw(strokes))
    return Piece(inked(from_working(work)), work, stroke_box(strokes), indices)


def stroke_box(strokes: list) -> segment.Box:
    boxes = segment.stroke_boxes(strokes)  # (S, 4)
    return tuple(float(v) for v in np.concatenate([boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)]))


def photo_pieces(gray: np.ndarray) -> list[Piece]:
    """The digits in a decoded photo, (H, W) grey levels; its ink mask found once, and
    each piece's working image shared by preprocessing and the not-a-digit check."""
    mask = ink_mask(gray)
    work = None if mask is None else working(mask)
    whole = inked(from_working(work))  # first: what is blank as a whole (a few specks) stays blank
    parts = limited(segment.mask_digits(mask))
    height, width = gray.shape
    scale = np.array([width, height, width, height], dtype=np.float64)
    if len(parts) <= 1:  # one digit: the photo as a whole, as always
        rows, cols = bounding_box(mask)
        box = np.array([cols.start, rows.start, cols.stop, rows.stop]) / scale
        return [Piece(whole, work, tuple(box.tolist()), crop=gray)]
    return [photo_piece(gray, ink, box, scale) for ink, box in parts]


def photo_piece(gray: np.ndarray, ink: np.ndarray, box: segment.Box, scale: np.ndarray) -> Piece:
    """One digit of a photo: its ink (a mask of its box) and the box in the photo's pixels."""
    work = working(ink)
    crop = gray[int(box[1]) : int(box[3]), int(box[0]) : int(box[2])]
    return Piece(inked(from_working(work)), work, tuple((np.array(box) / scale).tolist()), crop=crop)


def limited(groups: list) -> list:
    if len(groups) > MAX_DIGITS:
        raise TooLarge(f"the drawing holds {len(groups)} digits or marks; at most {MAX_DIGITS} are read")
    return groups


def affordable(parts: list) -> None:
    """TooLarge, before anything is drawn, when drawing these strokes (each part at the
    working size, as it will be) would take more than MAX_INK (nn.raster.ink)."""
    ink = sum(raster.ink(part) for part in parts)
    if ink > MAX_INK:
        raise TooLarge(
            f"the strokes are too long for their size: the pen would go over their area {ink:.0f} "
            f"times; at most {MAX_INK:g} times is drawn (a digit takes about 0.2)"
        )


def mnist_pixels(drawing: Drawing) -> np.ndarray:
    """A drawing in MNIST's (28, 28) form: strokes drawn with the page's pen, image bytes
    (PNG, JPEG, WebP or GIF) decoded, either then preprocessed; a pixel array as it is."""
    if isinstance(drawing, bytes):
        return photo_pixels(imaging.decode(drawing))
    if isinstance(drawing, np.ndarray):
        return inked(drawing if drawing.any() else None)
    affordable([drawing])
    return inked(from_mask(raster.draw(drawing)))


def photo_pixels(gray: np.ndarray) -> np.ndarray:
    """A decoded photo, (H, W) grey levels, in MNIST's (28, 28) form."""
    return inked(to_mnist(gray))


def inked(pixels: np.ndarray | None) -> np.ndarray:
    """The pixels, or BlankDrawing where preprocessing found no ink."""
    if pixels is None:
        raise BlankDrawing("no digit found: the drawing is blank")
    return pixels
