"""A drawing's digits in MNIST's form: strokes drawn with the page's pen, a photo decoded,
a pixel array as it is; a number split into its digits (nn/ink/segment.py, with the segment
scorer nn/checks/scorer.pkl), each drawn or cropped on its own. A drawing of one digit is
read whole, as it was before numbers; so is one where nothing reads as a digit, for the
not-a-digit check to judge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn.ink import raster, segment
from nn.ink.masks import Box, bounding_box
from nn.ink.pieces import MAX_PIECES, PenPieces, TooManyPieces, mask_pieces, pen_pieces, stroke_boxes
from nn.ink.preprocess import from_mask, from_working, ink_mask, to_mnist, working
from nn.networks.scorer import SCORER_PATH, Scorer, load_scorer

from . import imaging, model_store
from .errors import BlankDrawing, NoModel, TooLarge
from .limits import MAX_DIGITS, MAX_INK

Drawing = list | bytes | np.ndarray  # strokes, image bytes, or a (28, 28) MNIST-form array


@dataclass
class Piece:
    """One digit's ink in a drawing, in MNIST's form, and where it came from."""

    pixels: np.ndarray  # (28, 28) float32
    work: np.ndarray | None  # (h, w) bool: its ink at the working size (the not-a-digit check's)
    box: Box  # strokes: in their units; an image: fractions of its width and height
    strokes: list[int] | None = None  # indices into the drawing's strokes
    crop: np.ndarray | None = None  # a photo: the grey levels of the box, to keep with a label
    own_strokes: list | None = None  # its strokes, or the parts of strokes it was drawn with


def scorer() -> Scorer:
    """The segment scorer from nn/checks/, through the model store; NoModel if its file is
    missing or was never valid."""
    try:
        return model_store.load(SCORER_PATH, load_scorer)
    except NoModel as exc:
        raise NoModel(f"the segment scorer is not loaded: {exc}") from None


def pieces(drawing: Drawing) -> list[Piece]:
    """The digits in a drawing, left to right (nn/ink/segment.py), each in MNIST's form."""
    if isinstance(drawing, bytes):
        return photo_pieces(imaging.decode(drawing))
    if isinstance(drawing, np.ndarray):
        return [Piece(mnist_pixels(drawing), None, (0.0, 0.0, 1.0, 1.0))]
    # Each stroke at its own size: it bounds sketching the pieces, and drawing the whole
    # (it is never less than the whole drawing's ink)
    affordable([[stroke] for stroke in drawing])
    found, digits = segmented(pen_pieces, drawing)
    if not digits:
        return [stroke_piece(drawing, list(range(len(drawing))))]
    return [
        Piece(
            inked(d.pixels),
            d.work,
            d.box,
            sorted({found.spans[i][0] for i in d.members}),
            own_strokes=[s.tolist() for s in found.drawn(d.members)],
        )
        for d in digits
    ]


def segmented(split, drawing) -> tuple:
    """The drawing's pieces (`split`: pen_pieces or mask_pieces) and the digits
    segmentation finds among them; TooLarge past MAX_PIECES pieces of ink or past
    MAX_DIGITS digits, or when drawing the digits found would take more than MAX_INK,
    before any is drawn."""
    try:
        found = split(drawing)
    except TooManyPieces as exc:
        raise TooLarge(
            f"the drawing holds {exc.count} pieces of ink, more than the {MAX_PIECES} that "
            f"{MAX_DIGITS} digits may be written with: at most {MAX_DIGITS} are read"
        ) from None

    def before_drawing(runs: list[list[int]]) -> None:
        if len(runs) > MAX_DIGITS:
            raise TooLarge(f"the drawing holds {len(runs)} digits; at most {MAX_DIGITS} are read")
        if isinstance(found, PenPieces):  # each digit drawn at the working size, as it will be
            affordable([found.drawn(members) for members in runs])

    return found, segment.digits(found, scorer(), before_drawing)


def stroke_piece(strokes: list, indices: list[int]) -> Piece:
    """Strokes of one digit drawn with the page's pen, then in MNIST's form."""
    work = working(raster.draw(strokes))
    return Piece(inked(from_working(work)), work, stroke_box(strokes), indices, own_strokes=strokes)


def stroke_box(strokes: list) -> Box:
    boxes = stroke_boxes(strokes)  # (S, 4)
    return tuple(float(v) for v in np.concatenate([boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)]))


def photo_pieces(gray: np.ndarray) -> list[Piece]:
    """The digits in a decoded photo, (H, W) grey levels. One digit, or none, is the photo
    as a whole, as always; its ink mask is found once."""
    mask = ink_mask(gray)
    work = None if mask is None else working(mask)
    whole = inked(from_working(work))  # first: what is blank as a whole (a few specks) stays blank
    _, parts = segmented(mask_pieces, mask)
    height, width = gray.shape
    scale = np.array([width, height, width, height], dtype=np.float64)
    if len(parts) <= 1 and (not parts or parts[0].mask.sum() == mask.sum()):
        rows, cols = bounding_box(mask)
        box = np.array([cols.start, rows.start, cols.stop, rows.stop]) / scale
        return [Piece(whole, work, tuple(box.tolist()), crop=gray)]
    return [
        Piece(
            inked(part.pixels),
            part.work,
            tuple((np.array(part.box) / scale).tolist()),
            crop=gray[int(part.box[1]) : int(part.box[3]), int(part.box[0]) : int(part.box[2])],
        )
        for part in parts
    ]


def affordable(parts: list) -> None:
    """TooLarge, before anything is drawn, when drawing these strokes (each part at the
    working size, as it will be) would take more than MAX_INK (nn.ink.raster.ink)."""
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
