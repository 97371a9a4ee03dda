"""A drawing, as the parser types it: `Strokes` (read drawn with nn.ink.raster's reading pen,
judged by the not-a-digit check as the page's pen drew them), a `Photo`
(image bytes) decoded, or `Pixels` already in MNIST's (28, 28) form. Each gives its digits
in MNIST's form: a number is split into its digits (nn/ink/segment.py, with the segment
scorer nn/checks/scorer.pkl), each drawn or cropped on its own; a drawing of one digit, or
one where nothing reads as a digit (for the not-a-digit check to judge), is read whole.
Each kind is made MNIST's form here and nowhere else, for predicting and labelling alike."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from nn.ink import directions, raster, segment
from nn.ink.masks import Box, bounding_box, slices_box
from nn.ink.pieces import PenPieces, TooManyPieces, mask_pieces, pen_pieces, stroke_boxes
from nn.ink.preprocess import Placed, ink_mask
from nn.networks.scorer import SCORER_PATH, Scorer, load_scorer

from . import imaging, model_store
from .errors import BlankDrawing, TooLarge
from .limits import MAX_DIGITS, MAX_INK, MAX_PIECES

WHOLE: Box = (0.0, 0.0, 1.0, 1.0)


@dataclass
class DigitInk:
    """One digit's ink in a drawing, in MNIST's form, and where it came from."""

    pixels: np.ndarray  # (28, 28) float32: what the network reads
    box: Box  # strokes: in their units; a photo: fractions of its width and height
    # (working image, (28, 28)) of its ink as the page showed it, what the not-a-digit
    # check judges, made when asked; None for pixels, which are not checked
    seen: Callable[[], tuple[np.ndarray | None, np.ndarray | None]] | None = None
    strokes: list[int] | None = None  # indices into the drawing's strokes
    crop: np.ndarray | None = None  # a photo: the grey levels of the box, to keep with a label
    # its strokes, or the parts of strokes it was drawn with, as lists: made when asked (only
    # a labelled digit keeps them), by this
    listed_strokes: Callable[[], list] | None = None
    # the pen's direction across and down over `pixels` (2, 28, 28), made when asked (only a
    # network that reads it asks: nn/ink/directions.py); None for a photo or pixels, which have none
    directions: Callable[[], np.ndarray] | None = None

    @property
    def own_strokes(self) -> list | None:
        """Its strokes, or the parts of strokes it was drawn with; None for a photo or pixels."""
        return None if self.listed_strokes is None else self.listed_strokes()


@dataclass(frozen=True)
class Strokes:
    """Pen strokes: lists of [x, y] points in units of the pad's height (y down; on a wide
    pad x runs to 2)."""

    strokes: list
    # what the not-a-digit check is told it is (not_digit.SOURCES); None: never checked
    source: ClassVar[str | None] = "strokes"
    # its kind as a labelled drawing's request fingerprint names it: the fingerprints are
    # stored with their idempotency keys, so these names stay as they are
    fingerprint_name: ClassVar[str] = "list"

    def digits(self) -> list[DigitInk]:
        """Its digits, left to right; the whole drawing when nothing reads as a digit."""
        # Each stroke's smoothed path is worked out once, for the budget, the pieces and drawing.
        paths = raster.traced(self.strokes)
        # Each stroke at its own size: it bounds sketching the pieces, and drawing the whole
        # (it is never less than the whole drawing's ink)
        affordable([[p] for p in paths])
        found, read = segmented(pen_pieces, paths, affordable_digits)
        if not read:
            return [self.drawn(paths)]
        return [
            DigitInk(
                inked(d.pixels),
                d.box,
                d.seen,
                sorted({found.spans[i][0] for i in d.members}),
                listed_strokes=functools.partial(as_lists, found.drawn(d.members)),
                directions=functools.partial(
                    pen_directions, found.traced(d.members), found.pen_width, d.mask, d.placed
                ),
            )
            for d in read
        ]

    def whole(self) -> DigitInk:
        """The whole drawing read as one digit."""
        affordable([[stroke] for stroke in self.strokes])  # as pieces bounds it
        return self.drawn()

    def drawn(self, paths: list[raster.Path] | None = None) -> DigitInk:
        """The whole drawing as one digit's ink (`paths`: its strokes' Paths, when made)."""
        ink, page_ink = raster.read_and_seen(self.strokes if paths is None else paths)
        work, placed = segment.prepared(ink)
        box = segment.run_box(stroke_boxes(self.strokes))
        seen, strokes = segment.as_seen(work, placed, page_ink), list(range(len(self.strokes)))
        paths = raster.traced(self.strokes) if paths is None else paths
        pen = functools.partial(pen_directions, paths, raster.PEN_WIDTH, ink, placed)
        return DigitInk(
            inked(segment.pixels_of(placed)),
            box,
            seen,
            strokes,
            listed_strokes=lambda: self.strokes,
            directions=pen,
        )

    def content(self) -> bytes:
        return json.dumps(self.strokes, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Photo:
    """Image bytes (one of recognizer/imaging.py's FORMATS), decoded once there."""

    image: bytes
    source: ClassVar[str | None] = "photo"
    fingerprint_name: ClassVar[str] = "bytes"

    @functools.cached_property
    def gray(self) -> np.ndarray:
        """(H, W) grey levels."""
        return imaging.decode(self.image)

    @functools.cached_property
    def mask(self) -> np.ndarray | None:
        return ink_mask(self.gray)

    @functools.cached_property
    def ink_slices(self) -> tuple[slice, slice]:
        """The rows and columns of the mask that hold ink (masks.bounding_box), found once."""
        return bounding_box(self.mask)

    @functools.cached_property
    def prepared(self) -> tuple[np.ndarray | None, Placed | None]:
        """The whole photo's working image and that image in MNIST's form (segment.prepared),
        or None for each where it is blank."""
        # Of the mask cropped to its ink: preprocessing crops it so first.
        return segment.prepared(self.mask[self.ink_slices]) if self.mask is not None else (None, None)

    def prepare(self, ink: np.ndarray) -> tuple[np.ndarray | None, Placed | None]:
        """segment.prepared, for a part of the photo: the whole's when it is all the ink."""
        return self.prepared if np.array_equal(ink, self.mask[self.ink_slices]) else segment.prepared(ink)

    def digits(self) -> list[DigitInk]:
        """Its digits, left to right; one digit, or none, is the photo as a whole."""
        whole = self.whole()  # first: what is blank as a whole (a few specks) stays blank
        _, parts = segmented(mask_pieces, self.mask, prepare=self.prepare)
        if len(parts) <= 1 and (not parts or np.count_nonzero(parts[0].mask) == np.count_nonzero(self.mask)):
            return [whole]
        scale = self.scale()
        return [
            DigitInk(
                inked(part.pixels),
                tuple((np.array(part.box) / scale).tolist()),
                part.seen,
                crop=self.gray[int(part.box[1]) : int(part.box[3]), int(part.box[0]) : int(part.box[2])],
            )
            for part in parts
        ]

    def whole(self) -> DigitInk:
        """The whole photo read as one digit."""
        pixels = inked(segment.pixels_of(self.prepared[1]))
        box = np.array(slices_box(*self.ink_slices)) / self.scale()
        seen = functools.partial(segment.seen_as_prepared, self.prepared)
        return DigitInk(pixels, tuple(box.tolist()), seen, crop=self.gray)

    def scale(self) -> np.ndarray:
        """(4,): what divides a box in pixels into fractions of the width and height."""
        height, width = self.gray.shape
        return np.array([width, height, width, height], dtype=np.float64)

    def content(self) -> bytes:
        return self.image


@dataclass(frozen=True)
class Pixels:
    """A (28, 28) float32 array in MNIST's form: always one digit, read as it is."""

    pixels: np.ndarray
    source: ClassVar[str | None] = None  # MNIST's form already: no preprocessing, so no check
    fingerprint_name: ClassVar[str] = "ndarray"

    def digits(self) -> list[DigitInk]:
        return [self.whole()]

    def whole(self) -> DigitInk:
        return DigitInk(inked(self.pixels if self.pixels.any() else None), WHOLE)

    def content(self) -> bytes:
        return np.ascontiguousarray(self.pixels).tobytes()


Drawing = Strokes | Photo | Pixels


def scorer() -> Scorer:
    """The segment scorer from nn/checks/, through the model store; NoModel if its file is
    missing or was never valid."""
    return model_store.load(SCORER_PATH, load_scorer, "the segment scorer")


def segmented(split, ink, before_drawing=lambda found, runs: None, prepare=segment.prepared) -> tuple:
    """The pieces of strokes or of an ink mask (`split`: pen_pieces or mask_pieces) and the
    digits segmentation finds among them (`prepare`: see segment.digits); TooLarge past
    MAX_PIECES pieces of ink or past MAX_DIGITS digits, or when `before_drawing` (given the
    pieces and each digit's) refuses to draw the digits found, before any is drawn."""
    try:
        found = split(ink)
    except TooManyPieces as exc:
        raise TooLarge(
            f"the drawing holds {exc.count} pieces of ink, more than the {MAX_PIECES} that "
            f"{MAX_DIGITS} digits may be written with: at most {MAX_DIGITS} are read"
        ) from None

    def bounded(runs: list[list[int]]) -> None:
        if len(runs) > MAX_DIGITS:
            raise TooLarge(f"the drawing holds {len(runs)} digits; at most {MAX_DIGITS} are read")
        before_drawing(found, runs)

    return found, segment.digits(found, scorer(), bounded, prepare)


def affordable_digits(found: PenPieces, runs: list[list[int]]) -> None:
    """TooLarge unless drawing each digit's strokes at the working size, as it will be, is
    affordable."""
    affordable([found.traced(members) for members in runs])


def affordable(parts: list) -> None:
    """TooLarge, before anything is drawn, when drawing these strokes (each part at the
    working size, as it will be) would take more than MAX_INK (nn.ink.raster.ink)."""
    ink = sum(raster.ink(part) for part in parts)
    if ink > MAX_INK:
        raise TooLarge(
            f"the strokes are too long for their size: the pen would go over their area {ink:.0f} "
            f"times; at most {MAX_INK:g} times is drawn (a digit takes about 0.2)"
        )


def as_lists(arrays: list[np.ndarray]) -> list:
    """Arrays (M, 2) as lists of [x, y]."""
    return [a.tolist() for a in arrays]


def pen_directions(paths: list[raster.Path], pen_width: float, ink: np.ndarray, placed: Placed) -> np.ndarray:
    """(2, 28, 28): the pen's direction over a digit's pixels, from its Paths, its ink as
    the network reads it and that ink's Placed (directions.channels)."""
    return directions.channels(paths, pen_width, ink, placed)[1:]


def inked(pixels: np.ndarray | None) -> np.ndarray:
    """The pixels, or BlankDrawing where preprocessing found no ink."""
    if pixels is None:
        raise BlankDrawing("no digit found: the drawing is blank")
    return pixels
