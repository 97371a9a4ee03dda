"""Split a number written in one row into its digits, from pen strokes or from an ink mask.
NumPy only: serving and the benchmark segment through these functions.

Pieces of ink (strokes, or the connected components of a photo's ink) are grouped by their
boxes, measured against the typical digit height H of the drawing:

  1. overlap    pieces whose horizontal extents share OVERLAP of the narrower's width are
                one digit: a 7's crossbar, a 5's bar, a 4 in two strokes, a broken stroke;
  2. neighbours groups within TOUCH H or overlapping by DEEP H are one digit; so is a group under NESTLED of its
                neighbour's height within NESTLE H of it (a 4's open corner beside its
                stem), and a fragment shorter than FRAGMENT H within REACH H (a bar drawn
                beside its digit, the dots of a dotted photo);
  3. specks     a group smaller than SPECK H both ways, beside real digits, is not a digit;
  4. touching   (masks only) a group wider than SPLIT H is cut in two at its thinnest
                column, while the shape allows (a thin column, both sides tall): two digits
                written touching.

Groups come out left to right. A group is then drawn, or cropped, on its own and goes through
the same preprocessing as a single digit: its own box is what gets scaled to MNIST's box.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .raster import PEN_WIDTH

OVERLAP = 0.5  # of the narrower piece's width shared: one digit
FRAGMENT = 0.5  # of H: a piece shorter than this is part of a digit, not one on its own
REACH = 0.3  # of H: how far beside a digit a fragment may lie and still belong to it
TOUCH = 0.04  # of H: pieces closer than this are one digit (a dotted or broken line)
DEEP = 0.15  # of H: extents overlapping this much are one digit, however wide the pieces
NESTLE = 0.1  # of H: a clearly shorter piece this close to a taller one is part of it
NESTLED = 0.7  # of the taller's height: "clearly shorter"
SPECK = 0.2  # of H: a group smaller than this both ways is noise, not a digit
SPLIT = 1.4  # of H: a group wider than this is two digits touching, if a thin column joins them
CUT_MARGIN = 0.3  # of H: a cut leaves at least this much on either side
TALL = 0.6  # of H: both sides of a cut must be at least this tall, as digits are
THIN = 1.5  # stroke widths: a column with more ink than this is not where two digits touch
GRID = 256  # masks are grouped at most this many pixels a side (a mask's any-ink blocks)

Box = tuple[float, float, float, float]  # left, top, right, bottom


def stroke_boxes(strokes: Sequence, pen_width: float = PEN_WIDTH) -> np.ndarray:
    """(S, 4) boxes of strokes' ink (left, top, right, bottom): the points plus the pen's radius."""
    arrays = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    low = np.array([a.min(axis=0) for a in arrays]) - pen_width / 2  # (S, 2)
    high = np.array([a.max(axis=0) for a in arrays]) + pen_width / 2  # (S, 2)
    return np.concatenate([low, high], axis=1)


def strokes(strokes: Sequence, pen_width: float = PEN_WIDTH) -> list[list[int]]:
    """Strokes -> the indices of each digit's strokes, digits left to right, strokes in the
    order drawn; a speck's strokes are left out when there are digits beside it."""
    return group(stroke_boxes(strokes, pen_width))


def group(boxes: np.ndarray) -> list[list[int]]:
    """(N, 4) piece boxes -> groups of piece indices, left to right (see the module's steps)."""
    groups = [(tuple(b), [i]) for i, b in enumerate(boxes.tolist())]  # (box, members): floats, small
    groups = merge_overlapping(groups)
    height = digit_height(groups)
    groups = merge_neighbours(groups, height)
    groups = without_specks(groups, height)
    return [sorted(members) for _, members in sorted(groups, key=centre)]


Group = tuple[Box, list[int]]  # a group's box and its pieces


def joined(a: Group, b: Group) -> Group:
    (al, at, ar, ab), (bl, bt, br, bb) = a[0], b[0]
    return (min(al, bl), min(at, bt), max(ar, br), max(ab, bb)), a[1] + b[1]


def centre(g: Group) -> float:
    return (g[0][0] + g[0][2]) / 2


def height_of(g: Group) -> float:
    return g[0][3] - g[0][1]


def merge_overlapping(groups: list[Group]) -> list[Group]:
    """Sweep the groups by left edge, merging each into the one before it when their
    extents share OVERLAP of the narrower's width; again until nothing changes."""
    while True:
        merged: list[Group] = []
        for g in sorted(groups, key=lambda g: g[0][0]):
            if merged and shared(merged[-1][0], g[0]) >= OVERLAP:
                merged[-1] = joined(merged[-1], g)
            else:
                merged.append(g)
        if len(merged) == len(groups):
            return merged
        groups = merged


def shared(a: Box, b: Box) -> float:
    """The part of the narrower box's width that the other's horizontal extent covers."""
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    return overlap / max(min(a[2] - a[0], b[2] - b[0]), 1e-9)


def digit_height(groups: list[Group]) -> float:
    """H: the median height of the groups at least half as tall as the tallest."""
    heights = np.array([height_of(g) for g in groups])  # (G,)
    return float(np.median(heights[heights >= heights.max() / 2]))


def merge_neighbours(groups: list[Group], height: float) -> list[Group]:
    """Merge neighbouring groups that are parts of one digit (see `belong`), the pair with
    the smallest gap (the deepest overlap) first, until no pair belongs together."""
    groups = sorted(groups, key=centre)
    while len(groups) > 1:
        pairs = [(gap(a[0], b[0]), i) for i, (a, b) in enumerate(zip(groups, groups[1:], strict=False))]
        pairs = [(d, i) for d, i in pairs if belong(groups[i], groups[i + 1], d, height)]
        if not pairs:
            break
        _, i = min(pairs)
        groups[i : i + 2] = [joined(groups[i], groups[i + 1])]
        groups.sort(key=centre)
    return groups


def belong(a: Group, b: Group, space: float, height: float) -> bool:
    """Whether two neighbouring groups, `space` apart (negative: overlapping), are one digit:
    they are within TOUCH H; or the shorter is under NESTLED of the taller's height and within
    NESTLE H (a 4's open corner beside its stem); or the shorter is a fragment (under
    FRAGMENT H) within REACH H."""
    short, tall = sorted((height_of(a), height_of(b)))
    return (
        space <= TOUCH * height
        or -space >= DEEP * height
        or (space <= NESTLE * height and short < NESTLED * tall)
        or (space <= REACH * height and short < FRAGMENT * height)
    )


def gap(a: Box, b: Box) -> float:
    """Horizontal space between two boxes; negative when their extents overlap."""
    return max(a[0], b[0]) - min(a[2], b[2])


def without_specks(groups: list[Group], height: float) -> list[Group]:
    """Drop groups smaller than SPECK H both ways, unless nothing else is left."""
    real = [g for g in groups if max(g[0][2] - g[0][0], height_of(g)) >= SPECK * height]
    return real or groups


# Masks: connected components, grouped as strokes are, and touching digits cut apart.


def components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a bool mask -> (H, W) labels (-1 off the ink, else 0..n-1)
    and n. Vectorised union-find: each edge hooks the larger root under the smaller, then
    pointer jumping flattens the trees; a few rounds for any shape."""
    h, w = mask.shape
    padded = np.pad(mask, 1)  # (h+2, w+2): every neighbour index is in range
    side = w + 2
    ink = np.flatnonzero(padded)  # (P,) flat indices of the ink
    index = np.full(padded.size, -1, np.intp)
    index[ink] = np.arange(len(ink))
    ends = [index[ink + step] for step in (1, side - 1, side, side + 1)]  # right, and the row below
    a = np.concatenate([np.flatnonzero(e >= 0) for e in ends])  # (E,) one end of each edge
    b = np.concatenate([e[e >= 0] for e in ends])  # (E,) the other end
    parent = np.arange(len(ink))
    while True:
        root_a, root_b = parent[a], parent[b]
        if np.array_equal(root_a, root_b):
            break
        low = np.minimum(root_a, root_b)
        np.minimum.at(parent, root_a, low)
        np.minimum.at(parent, root_b, low)
        while not np.array_equal(parent, parent[parent]):
            parent = parent[parent]
    roots, labels = np.unique(parent, return_inverse=True)
    out = np.full(padded.size, -1, np.intp)
    out[ink] = labels
    return out.reshape(padded.shape)[1:-1, 1:-1], len(roots)


def component_boxes(labels: np.ndarray, count: int) -> np.ndarray:
    """(n, 4) boxes (left, top, right, bottom; right and bottom exclusive) of labelled pixels."""
    rows, cols = np.nonzero(labels >= 0)
    which = labels[rows, cols]
    boxes = np.empty((count, 4))
    boxes[:, :2] = np.inf
    boxes[:, 2:] = -np.inf
    for k, values in enumerate((cols, rows)):
        np.minimum.at(boxes[:, k], which, values)
        np.maximum.at(boxes[:, k + 2], which, values + 1)
    return boxes


def blocks(mask: np.ndarray, factor: int) -> np.ndarray:
    """Any ink in each factor x factor block: a smaller mask that keeps strokes connected."""
    if factor <= 1:
        return mask
    h, w = mask.shape
    padded = np.pad(mask, ((0, -h % factor), (0, -w % factor)))
    return padded.reshape(padded.shape[0] // factor, factor, -1, factor).any(axis=(1, 3))


def mask_digits(mask: np.ndarray) -> list[tuple[np.ndarray, Box]]:
    """An (H, W) ink mask -> each digit's ink (the mask with only its pixels, cropped to its
    box) and that box in the mask's pixels, left to right. Grouped on a coarse grid (at most
    GRID a side) where a broken stroke's small gaps close; the ink itself keeps full resolution."""
    factor = -(-max(mask.shape) // GRID)
    coarse = blocks(mask, factor)
    labels, count = components(coarse)
    if count == 0:
        return []
    boxes = component_boxes(labels, count)
    groups = group(boxes)
    height = digit_height([(tuple(box_of(boxes, g)), g) for g in groups])
    owner = np.full(count + 1, -1)  # component -> its group; -1 (off the ink) stays -1
    for g, members in enumerate(groups):
        owner[members] = g
    coarse_groups = owner[labels]  # (h, w) group of each coarse pixel, -1 for none
    fine = np.repeat(np.repeat(coarse_groups, factor, axis=0), factor, axis=1)[
        : mask.shape[0], : mask.shape[1]
    ]
    digits = []
    for g, members in enumerate(groups):  # each in its box and a pixel around: bounded work however many
        left, top, right, bottom = (box_of(boxes, members) * factor).astype(int)
        x, y = max(left - 1, 0), max(top - 1, 0)
        window = np.s_[y : min(bottom + 1, mask.shape[0]), x : min(right + 1, mask.shape[1])]
        for ink, (lf, t, r, b) in cut_touching(mask[window] & (fine[window] == g), height * factor):
            digits.append((ink[int(t) : int(b), int(lf) : int(r)], (lf + x, t + y, r + x, b + y)))
    return digits


def box_of(boxes: np.ndarray, members: list[int]) -> np.ndarray:
    """The box (4,) around some pieces."""
    part = boxes[members]
    return np.concatenate([part[:, :2].min(axis=0), part[:, 2:].max(axis=0)])


def ink_box(ink: np.ndarray) -> Box:
    rows, cols = ink.any(axis=1).nonzero()[0], ink.any(axis=0).nonzero()[0]
    return float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)


def cut_touching(ink: np.ndarray, height: float) -> list[tuple[np.ndarray, Box]]:
    """A group's full-size ink -> one or more (ink, box): cut at the thinnest column while it
    is wider than SPLIT H, that column holds at most THIN stroke widths of ink, and both
    sides are TALL H tall."""
    left, top, right, bottom = ink_box(ink)
    if right - left <= SPLIT * height:
        return [(ink, (left, top, right, bottom))]
    columns = ink[int(top) : int(bottom), int(left) : int(right)].sum(axis=0)  # (W,)
    margin = int(CUT_MARGIN * height)
    inner = columns[margin : len(columns) - margin]
    at = margin + int(np.argmin(inner))
    if columns[at] > THIN * width_of(ink):
        return [(ink, (left, top, right, bottom))]
    cut = int(left) + at
    first, second = ink.copy(), ink.copy()
    first[:, cut:] = False
    second[:, :cut] = False
    tall = [half.any(axis=1).sum() >= TALL * height for half in (first, second)]
    if not all(tall):  # a bar or a tail sticking out, not a second digit
        return [(ink, (left, top, right, bottom))]
    return [part for half in (first, second) for part in cut_touching(half, height)]


def width_of(ink: np.ndarray) -> float:
    """The mean stroke width in pixels: area over half the perimeter."""
    edges = np.count_nonzero(ink[:, 1:] != ink[:, :-1]) + np.count_nonzero(ink[1:] != ink[:-1])
    return 2.0 * np.count_nonzero(ink) / max(edges, 1)
