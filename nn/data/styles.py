"""Writing styles that MNIST lacks and the real sets hold few of, added to pen digits in
stroke space, so that they are then drawn exactly as a request's strokes are.

- a crossbar through a seven's stem, as much of Europe writes it;
- a flag on a one's top (and sometimes a foot), as much of Europe writes it;
- a curled, 'g'-like tail at the foot of a nine;
- a slash through a zero (Ø), as programmers and much of Scandinavia write it.

Each function takes a drawing (strokes of (M, 2) points in the pad's units, y
down) and returns the styled drawing, or None when the drawing is not of the shape the
style needs (a seven that already has a bar, a one that is not one upright stroke).
"""

from __future__ import annotations

import numpy as np

from nn.ink.raster import StrokeArrays, extent


def line(start, end, n: int = 6) -> np.ndarray:
    """(n, 2) points from start to end."""
    return np.linspace(start, end, n)


def crossbar(strokes: StrokeArrays, rng: np.random.Generator) -> StrokeArrays | None:
    """A seven with a bar across its stem, about half-way down or lower, short or long."""
    if len(strokes) != 1:  # two strokes: a bar, or a top drawn apart, is there already
        return None
    low, high = extent(strokes)
    width, height = high - low
    y = low[1] + height * rng.uniform(0.42, 0.68)  # half-way down, or low
    stem = strokes[0]
    crossing = np.flatnonzero((stem[:-1, 1] - y) * (stem[1:, 1] - y) <= 0)  # segments across y
    if not len(crossing) or height <= 0:
        return None
    i = crossing[-1]  # the stem comes after the top bar
    a, b = stem[i], stem[i + 1]
    x = a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) if b[1] != a[1] else a[0]
    half = max(width, 0.4 * height) * rng.uniform(0.2, 0.5)  # short, or as long as the top
    tilt = height * rng.uniform(-0.04, 0.04)
    return [stem, line([x - half, y + tilt], [x + half, y - tilt])]


def flag(strokes: StrokeArrays, rng: np.random.Generator) -> StrokeArrays | None:
    """A one with a flag from its top down to the left, short and steep or long and nearly
    flat, and a foot one time in three."""
    if len(strokes) != 1:
        return None
    low, high = extent(strokes)
    width, height = high - low
    if height <= 0 or width > 0.35 * height:  # not an upright stroke
        return None
    stem = strokes[0] if strokes[0][0, 1] <= strokes[0][-1, 1] else strokes[0][::-1]  # top first
    top = stem[0]
    # short and steep, or long and nearly flat, as much of Europe writes it
    start = top + height * np.array([-rng.uniform(0.2, 0.55), rng.uniform(0.08, 0.3)])
    styled = [np.concatenate([line(start, top)[:-1], stem])]
    if rng.random() < 1 / 3:
        bottom = stem[-1]
        half = height * rng.uniform(0.15, 0.25)
        styled.append(line(bottom + [-half, 0.0], bottom + [half, 0.0]))
    return styled


def curl(strokes: StrokeArrays, rng: np.random.Generator) -> StrokeArrays | None:
    """A nine whose tail, at its foot, curls under and back to the left, as a 'g' does, at
    times on round into a loop."""
    low, high = extent(strokes)
    width, height = high - low
    tail = strokes[-1] if strokes[-1][-1, 1] >= strokes[-1][0, 1] else strokes[-1][::-1]  # foot last
    end = tail[-1]
    if height <= 0 or end[1] < low[1] + 0.75 * height:  # the tail does not end at the foot
        return None
    r = max(width, 0.3 * height) * rng.uniform(0.25, 0.4)
    # (8,): under, then up; sometimes on round toward a loop under the nine
    angles = np.linspace(0.0, np.pi * rng.uniform(0.8, 1.5), 8)
    hook = end + r * np.stack([np.cos(angles) - 1.0, np.sin(angles)], axis=1)  # (8, 2)
    return [*strokes[:-1], np.concatenate([tail, hook[1:]])]


def slash(strokes: StrokeArrays, rng: np.random.Generator) -> StrokeArrays | None:
    """A zero with a stroke through it from below its lower left to beyond its upper right,
    steep or leaning, drawn after the loop."""
    low, high = extent(strokes)
    width, height = high - low
    if height <= 0 or width > 1.5 * height:  # a flat mark, not a zero's loop
        return None
    middle = (low + high) / 2
    lean = rng.uniform(0.2, 0.6)  # of the height: how far right the slash's top lies
    over = rng.uniform(0.0, 0.2)  # of the height: how far past the loop it reaches
    half = np.array([lean * height, -(0.5 + over) * height])  # (2,): middle to top end, y down
    return [*strokes, line(middle - half, middle + half)]


STYLES = {7: crossbar, 1: flag, 9: curl, 0: slash}  # digit -> the style it may be written in
# Each style's name, as the benchmarks print it: a new style needs only its function and these two.
NAMES = {7: "crossed sevens", 1: "flagged ones", 9: "curled nines", 0: "slashed zeros"}


def styled(samples: list, rng: np.random.Generator) -> tuple[list, list[int]]:
    """The pen samples' digits that have a style, each drawn in it where its shape allows:
    (drawings, digits)."""
    drawings, digits = [], []
    for s in samples:
        style = STYLES.get(s.label)
        if style is None or s.strokes is None:
            continue
        drawing = style(list(s.strokes), rng)
        if drawing is not None:
            drawings.append(drawing)
            digits.append(s.label)
    return drawings, digits
