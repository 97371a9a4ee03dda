"""Numbers as people write them: real ones read from a folder, and ones composed of real
single digits with the spacing real writers leave. NumPy only.

Real numbers (`crohme-numbers.jsonl.gz`, see the handwriting folder's README): each line a
number written inside handwritten maths, with each digit's strokes kept apart, so the true
segmentation is known. A number is placed on the pad as one drawing, by its whole box
(nn.data.handwriting.to_unit), and split by writer exactly as the single digits are
(nn.data.handwriting.side of the qualified writer id, e.g. `crohme/<writer>`).

Composed numbers: real single digits (pen strokes) written left to right, each scaled to a
height and set on a baseline that wander as real writers' do, with gaps between digits'
ink drawn from the gaps measured on real numbers (`spacing`), overlapping columns and
touching ink included. Everything is measured in H, the number's digit height.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.data import handwriting
from nn.ink import raster
from nn.ink.pieces import digit_height

NUMBERS_FILE = "crohme-numbers.jsonl.gz"
COLLECTION = "crohme"  # the writers' collection: the same writers wrote crohme.jsonl.gz
SITES = ("MfrDB", "KAIST", "MathBrush", "expressmatch")
SIZE_JITTER = 0.1  # a digit's height, relative to the number's (normal, sd)
BASELINE = 0.07  # of H: how far a digit's bottom wanders (normal, sd)
FLATTEST = 3.0  # width over height: a digit is scaled as if it were no flatter than this
TOUCH_DEPTH = (0.3, 0.95)  # pen widths between two touching digits' pen paths: their inks overlap


@dataclass(frozen=True, eq=False)
class WrittenNumber:
    label: str  # the digits, e.g. "1984"
    writer: str  # qualified: "crohme/<writer>"
    site: str  # one of SITES, or "composed"
    strokes: tuple[np.ndarray, ...]  # (M, 2) points each, in the pad's units
    groups: tuple[tuple[int, ...], ...]  # each digit's stroke indices, left to right
    owners: tuple[np.ndarray, ...] | None = None  # (M,) per stroke: each point's digit, -1 a mark

    def point_owners(self) -> list[np.ndarray]:
        """(M,) per stroke: the digit (left to right) each point belongs to; -1: a mark."""
        if self.owners is not None:
            return list(self.owners)
        owners = [np.full(len(s), -1) for s in self.strokes]
        for d, group in enumerate(self.groups):
            for i in group:
                owners[i][:] = d
        return owners


def load_numbers(folder: Path) -> list[WrittenNumber]:
    """The real numbers in the folder's NUMBERS_FILE."""
    path = folder / NUMBERS_FILE
    if not path.is_file():
        raise handwriting.HandwritingError(f"{path} not found")
    numbers = []
    for line, row in handwriting.json_rows(path):
        try:
            numbers.append(number_of(row))
        except (KeyError, TypeError, ValueError) as exc:
            raise handwriting.HandwritingError(f"{path}, line {line}: {exc}") from None
    return numbers


def number_of(row: dict) -> WrittenNumber:
    digits = row["digits"]
    label = "".join(str(d["label"]) for d in digits)
    if label != row["number"] or not label.isdigit() or not all(type(d["label"]) is int for d in digits):
        raise ValueError(f"digits {label!r} do not spell the number {row['number']!r}")
    strokes, groups = [], []
    for d in digits:
        groups.append(tuple(range(len(strokes), len(strokes) + len(d["strokes"]))))
        strokes += d["strokes"]
    return WrittenNumber(
        label=label,
        writer=handwriting.qualified(COLLECTION, str(row["writer"])),
        site=str(row["site"]),
        strokes=handwriting.to_unit(strokes),
        groups=tuple(groups),
    )


def split(numbers: list[WrittenNumber], name: str) -> list[WrittenNumber]:
    """The numbers whose writers are on the named side (nn.data.handwriting.side)."""
    return [n for n in numbers if handwriting.side(n.writer) == name]


def digit_boxes(number: WrittenNumber) -> np.ndarray:
    """(D, 4) each digit's box of points (left, top, right, bottom), left to right."""
    boxes = []
    for group in number.groups:
        low, high = raster.extent([number.strokes[i] for i in group])
        boxes.append([*low, *high])
    return np.array(boxes)


def spacing(numbers: list[WrittenNumber]) -> np.ndarray:
    """(G,) the gaps between neighbouring digits' points, in H of their number: negative
    where their columns overlap."""
    gaps = []
    for number in numbers:
        boxes = digit_boxes(number)
        gaps += list((boxes[1:, 0] - boxes[:-1, 2]) / digit_height(boxes))
    return np.array(gaps)


def compose(
    digits: Sequence[handwriting.Sample], gaps: np.ndarray, rng: np.random.Generator, touch: bool = False
) -> WrittenNumber:
    """Pen digits written left to right as one number, placed on the pad as a real number
    is: each gap between their points drawn from `gaps` (in H), or with `touch`, each digit
    moved left until its ink touches the one before (its pen's path within TOUCH_DEPTH pen
    widths of the other's)."""
    shapes = [scaled(d, rng) for d in digits]
    widths = [np.ptp(np.concatenate(s)[:, 0]) for s in shapes]
    extent = max(sum(widths) + np.median(gaps) * (len(digits) - 1), 1.0)  # in H, on the pad TYPICAL_SIZE
    pen = raster.PEN_WIDTH * extent / handwriting.TYPICAL_SIZE  # the pad's pen, in H
    strokes, groups, right = [], [], 0.0
    for shape, width in zip(shapes, widths, strict=True):
        left = right + gaps[rng.integers(len(gaps))] if strokes else 0.0
        if strokes and touch:
            before = [strokes[i] for i in groups[-1]]
            left = touching_at(before, shape, right, width, pen * rng.uniform(*TOUCH_DEPTH))
        groups.append(tuple(range(len(strokes), len(strokes) + len(shape))))
        strokes += [s + [left, 0] for s in shape]
        right = max(right, left + width)
    label = "".join(str(d.label) for d in digits)
    return WrittenNumber(label, digits[0].writer, "composed", handwriting.to_unit(strokes), tuple(groups))


def scaled(digit: handwriting.Sample, rng: np.random.Generator) -> list[np.ndarray]:
    """A digit's strokes scaled to a height jittered around 1, its left edge at 0 and its
    bottom on a wandering baseline at 1."""
    low, high = raster.extent(digit.strokes)
    height = max(high[1] - low[1], (high[0] - low[0]) / FLATTEST, 1e-9)  # a flat one as no flatter
    scale = max(rng.normal(1, SIZE_JITTER), 0.6) / height
    bottom = 1 + rng.normal(0, BASELINE)
    return [(s - [low[0], high[1]]) * scale + [0, bottom] for s in digit.strokes]


def touching_at(
    before: list[np.ndarray], shape: list[np.ndarray], right: float, width: float, reach: float
) -> float:
    """Where to put a digit's left edge so that its pen path comes within `reach` of the
    strokes before it, whose right edge is at `right` (bisection: nearer as it moves left)."""
    mine, theirs = dense(shape), dense(before)[:, None]  # (A, 2), (B, 1, 2)
    low, high = right - 0.6 * width, right + 0.3
    for _ in range(20):
        middle = (low + high) / 2
        near = np.sqrt(((mine + [middle, 0] - theirs) ** 2).sum(axis=2)).min() < reach
        low, high = (middle, high) if near else (low, middle)
    return high


def dense(strokes: list[np.ndarray]) -> np.ndarray:
    """(A, 2) points every 0.01 H along the pen's smoothed paths."""
    return np.concatenate([raster.along(raster.curve(s), 0.01) for s in strokes])


def regrouped(strokes: list[np.ndarray], owners: list[np.ndarray], number: WrittenNumber) -> WrittenNumber:
    """The number with other strokes and owners; each digit's group is the strokes it owns points of."""
    count = len(number.groups)
    groups = tuple(tuple(i for i, o in enumerate(owners) if (o == d).any()) for d in range(count))
    return WrittenNumber(number.label, number.writer, number.site, tuple(strokes), groups, tuple(owners))


def with_mark(number: WrittenNumber, rng: np.random.Generator) -> WrittenNumber:
    """The number with a mark that is no digit after one of its digits (the digits after it
    moved right to make room): a full stop, a comma, an apostrophe or a dash."""
    boxes = digit_boxes(number)
    h = digit_height(boxes)
    after = int(rng.integers(len(boxes)))
    left, top, bottom = boxes[after, 2] + rng.uniform(0.08, 0.25) * h, boxes[after, 1], boxes[after, 3]
    kind = rng.integers(4)
    if kind == 0:  # a full stop: a tap, or a tiny scrawl
        mark = [left, bottom] + rng.normal(0, 0.01 * h, (int(rng.integers(1, 4)), 2))
    elif kind == 1:  # a comma
        mark = np.linspace([left + 0.04 * h, bottom - 0.04 * h], [left, bottom + 0.12 * h], 5)
    elif kind == 2:  # an apostrophe: a thousands separator
        mark = np.linspace([left + 0.03 * h, top], [left, top + 0.15 * h], 5)
    else:  # a dash
        middle = (top + bottom) / 2 + rng.normal(0, 0.08) * h
        mark = np.linspace([left, middle], [left + rng.uniform(0.2, 0.45) * h, middle], 8)
    room = np.ptp(mark[:, 0]) + rng.uniform(0.1, 0.3) * h
    owners = number.point_owners()
    strokes = [s + [room, 0] if (o > after).all() else s for s, o in zip(number.strokes, owners, strict=True)]
    return regrouped([*strokes, mark], [*owners, np.full(len(mark), -1)], number)


def joined(number: WrittenNumber, rng: np.random.Generator) -> WrittenNumber:
    """The number with two neighbouring digits written without lifting the pen: the last
    stroke of one and the first of the next made one stroke."""
    pair = int(rng.integers(len(number.groups) - 1))
    first, second = number.groups[pair][-1], number.groups[pair + 1][0]
    owners = number.point_owners()
    keep = [i for i in range(len(number.strokes)) if i not in (first, second)]
    strokes = [number.strokes[i] for i in keep] + [
        np.concatenate([number.strokes[first], number.strokes[second]])
    ]
    return regrouped(
        strokes, [owners[i] for i in keep] + [np.concatenate([owners[first], owners[second]])], number
    )


def photo(number: WrittenNumber, rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """The number written on paper with a pen of some width, and a little grain: (grey
    levels (H, W) uint8, each digit's own ink (H, W) bool in the same frame)."""
    h = digit_height(digit_boxes(number))
    pen = h * rng.uniform(0.06, 0.2)
    paths = raster.traced(number.strokes)
    low, scale, shape = raster.extent_frame(paths, pen, int(rng.integers(300, 900)))
    radius = max(pen / 2 * scale, raster.MIN_RADIUS)
    inks = [np.zeros(shape, bool) for _ in number.groups]
    ink = np.zeros(shape, bool)
    for path, stroke, owner in zip(paths, number.strokes, number.point_owners(), strict=True):
        centres = raster.along(
            (path.points - low) * scale, max(raster.SPACING, radius / 3)
        )  # (A, 2) in pixels: discs overlapping
        ink |= raster.stamp(centres, radius, shape)
        nearest = np.argmin(((centres[:, None] - (stroke - low) * scale) ** 2).sum(axis=2), axis=1)  # (A,)
        for d in set(owner.tolist()) - {-1}:  # each digit's part of the stroke: its points' pen positions
            inks[d] |= raster.stamp(centres[owner[nearest] == d], radius, shape)
    margin = 30
    ink, inks = np.pad(ink, margin), [np.pad(i, margin) for i in inks]
    grain = np.zeros(ink.shape, bool)
    specks = rng.integers(0, 40)
    grain[rng.integers(0, ink.shape[0], specks), rng.integers(0, ink.shape[1], specks)] = True
    gray = np.where(ink | grain, rng.integers(20, 90), rng.integers(180, 250)).astype(np.int16)
    gray = np.clip(gray + rng.normal(0, 6, gray.shape), 0, 255).astype(np.uint8)
    return gray, inks
