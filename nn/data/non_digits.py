"""Drawings that are not digits, made up: what a person taps, slashes or scribbles on the
pad instead of a digit. NumPy only; every call takes an np.random.Generator, so a seed
gives the same drawings on every machine.

A drawing is a list of strokes, each an (M, 2) array of points in the pad's unit
coordinates (0..1, y down), as nn.ink.raster.draw takes them. The kinds:

  dot       a tap: one point, or a few within a pen's width;
  dash      a straight stroke, up to 35 degrees from the horizontal (a steeper one is a one);
  scribble  a dense zig-zag or random walk, many times longer than its box is wide;
  cross     an x or a +: two strokes crossing near their middles;
  blobs     2 to 6 dots or small scribbles, apart from each other;
  wave      a wavy line, flatter than a two or a five;
  letter    a hand-made capital that no digit resembles (A, H, K, M, N, W, X), jittered;
  symbol    a hand-made sign from SYMBOLS (? ^ = e * # % < > @ ÷ ∞ π √ and the rest), jittered.

Signs that a digit may be written like (/ | ( ) ! & $ and the like) are left out: a
drawing of one is better read as that digit than refused.
"""

from __future__ import annotations

import numpy as np

from nn.ink.raster import StrokeArrays

MAX_DASH_ANGLE = np.deg2rad(35)  # steeper than this, a straight stroke is a one


def placed(points: np.ndarray, rng: np.random.Generator, size: float) -> np.ndarray:
    """Points in a unit box (P, 2) scaled to `size` and put anywhere on the pad they fit."""
    low, high = points.min(axis=0), points.max(axis=0)
    extent = max(float((high - low).max()), 1e-9)
    shrunk = (points - low) * (size / extent)
    room = 1 - shrunk.max(axis=0)
    return shrunk + rng.uniform(0, 1, 2) * np.maximum(room, 0)


def segment(start, end, rng: np.random.Generator, jitter: float = 0.004) -> np.ndarray:
    """A straight stroke from start to end, sampled as a pen would (5 to 20 points)."""
    t = np.linspace(0, 1, int(rng.integers(5, 21)))[:, None]  # (M, 1)
    line = (1 - t) * np.asarray(start, float) + t * np.asarray(end, float)
    return line + rng.normal(0, jitter, line.shape)


def dot(rng: np.random.Generator) -> StrokeArrays:
    centre = rng.uniform(0.1, 0.9, 2)
    taps = int(rng.integers(1, 4))  # a single point, or a short wobble of the finger
    return [centre + rng.normal(0, rng.uniform(0, 0.012), (taps, 2))]


def dash(rng: np.random.Generator) -> StrokeArrays:
    angle = rng.uniform(-MAX_DASH_ANGLE, MAX_DASH_ANGLE)
    length = rng.uniform(0.08, 0.85)
    half = length / 2 * np.array([np.cos(angle), np.sin(angle)])
    centre = rng.uniform(0.5 - (0.5 - abs(half)) * 0.9, 0.5 + (0.5 - abs(half)) * 0.9)
    return [segment(centre - half, centre + half, rng)]


def scribble(rng: np.random.Generator) -> StrokeArrays:
    """A zig-zag sweeping across a box, or a random walk with momentum kept inside it."""
    n = int(rng.integers(30, 160))
    if rng.random() < 0.5:
        sweeps = rng.uniform(4, 14)
        t = np.linspace(0, 1, n)
        x = 0.5 + 0.5 * np.sin(2 * np.pi * sweeps * t + rng.uniform(0, 6))  # back and forth
        y = t + rng.normal(0, 0.03, n)
        points = np.stack([x, y], axis=1)
        if rng.random() < 0.5:
            points = points[:, ::-1]  # sweeping up and down instead
    else:
        steps = np.cumsum(rng.normal(0, 0.6, n))  # a heading that turns a lot
        points = np.cumsum(np.stack([np.cos(steps), np.sin(steps)], axis=1) * 0.08, axis=0)
        points = np.mod(points, 1.0)  # folded back inside the box: dense, not wandering
        points = np.abs(points - 0.5) * 2
    return [placed(points, rng, rng.uniform(0.15, 0.8))]


def cross(rng: np.random.Generator) -> StrokeArrays:
    size = rng.uniform(0.15, 0.85)
    if rng.random() < 0.6:  # an x: two diagonals
        a, b = rng.uniform(np.deg2rad(30), np.deg2rad(60), 2)
        first = [[0, 0], [np.cos(a), np.sin(a)]]
        second = [[np.cos(b), 0], [0, np.sin(b)]]
    else:  # a +: a bar across an upright, both crossing near the middle
        m1, m2 = rng.uniform(0.3, 0.7, 2)
        first, second = [[0, m1], [1, m1 + rng.normal(0, 0.05)]], [[m2, 0], [m2 + rng.normal(0, 0.05), 1]]
    strokes = [segment(*np.asarray(s, float), rng, jitter=0.01) for s in (first, second)]
    return fit_together(strokes, rng, size)


def blobs(rng: np.random.Generator) -> StrokeArrays:
    """2 to 6 dots or tiny scribbles, spread so that none touches another."""
    count = int(rng.integers(2, 7))
    centres = rng.uniform(0, 1, (count, 2))
    spacing = np.hypot(*(centres[:, None] - centres[None]).transpose(2, 0, 1))  # (C, C)
    np.fill_diagonal(spacing, np.inf)
    radius = min(0.5 * spacing.min(), 0.12) * rng.uniform(0.1, 0.6)
    strokes = []
    for centre in centres:
        n = int(rng.integers(1, 12))
        strokes.append(centre + rng.uniform(-radius, radius, (n, 2)))
    return fit_together(strokes, rng, rng.uniform(0.25, 0.9))


def wave(rng: np.random.Generator) -> StrokeArrays:
    t = np.linspace(0, 1, int(rng.integers(15, 60)))
    periods, amplitude = rng.uniform(1.5, 5), rng.uniform(0.03, 0.12)
    points = np.stack([t, amplitude * np.sin(2 * np.pi * periods * t + rng.uniform(0, 6))], axis=1)
    angle = rng.uniform(-0.3, 0.3)
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    return [placed(points @ rotation, rng, rng.uniform(0.2, 0.85))]


LETTERS = {  # strokes of capitals in a unit box, y down
    "A": [[[0, 1], [0.5, 0], [1, 1]], [[0.22, 0.6], [0.78, 0.6]]],
    "H": [[[0, 0], [0, 1]], [[1, 0], [1, 1]], [[0, 0.5], [1, 0.5]]],
    "K": [[[0, 0], [0, 1]], [[0.9, 0], [0, 0.55], [1, 1]]],
    "M": [[[0, 1], [0.05, 0], [0.5, 0.7], [0.95, 0], [1, 1]]],
    "N": [[[0, 1], [0, 0], [1, 1], [1, 0]]],
    "W": [[[0, 0], [0.25, 1], [0.5, 0.35], [0.75, 1], [1, 0]]],
    "X": [[[0, 0], [1, 1]], [[1, 0], [0, 1]]],
}


def letter(rng: np.random.Generator) -> StrokeArrays:
    """A capital from LETTERS, its corners moved a little and its box stretched."""
    shape = LETTERS[str(rng.choice(list(LETTERS)))]
    stretch = np.array([rng.uniform(0.6, 1.3), 1.0])
    strokes = []
    for stroke in shape:
        corners = np.asarray(stroke, float) * stretch + rng.normal(0, 0.04, (len(stroke), 2))
        pieces = [segment(a, b, rng, jitter=0.005) for a, b in zip(corners[:-1], corners[1:], strict=True)]
        strokes.append(np.concatenate(pieces))
    return fit_together(strokes, rng, rng.uniform(0.2, 0.85))


def arc(centre, radius, start: float, stop: float, n: int = 12) -> list[list[float]]:
    """Points on a circle's arc from angle `start` to `stop` (radians, counter-clockwise on
    the page: y is down, so the angle's sine is subtracted)."""
    t = np.linspace(start, stop, n)
    return np.stack([centre[0] + radius[0] * np.cos(t), centre[1] - radius[1] * np.sin(t)], axis=1).tolist()


SYMBOLS = {  # strokes of signs in a unit box, y down; a dot is a stroke of one point
    "?": [
        [[0.1, 0.3], *arc((0.5, 0.3), (0.4, 0.3), np.pi, -0.5 * np.pi, 10)[1:], [0.5, 0.75]],
        [[0.5, 0.97]],
    ],
    "^": [[[0, 0.6], [0.5, 0], [1, 0.6]]],
    "=": [[[0, 0.3], [1, 0.3]], [[0, 0.7], [1, 0.7]]],
    "e": [[[0.08, 0.55], [0.92, 0.55], *arc((0.5, 0.55), (0.42, 0.45), 0.0, 1.75 * np.pi, 16)[1:]]],
    "*": [[[0.5, 0], [0.5, 1]], [[0.07, 0.25], [0.93, 0.75]], [[0.93, 0.25], [0.07, 0.75]]],
    "#": [[[0.35, 0], [0.25, 1]], [[0.75, 0], [0.65, 1]], [[0, 0.33], [1, 0.33]], [[0, 0.67], [1, 0.67]]],
    "%": [
        arc((0.2, 0.2), (0.17, 0.17), 0, 2 * np.pi),
        [[0.9, 0], [0.1, 1]],
        arc((0.8, 0.8), (0.17, 0.17), 0, 2 * np.pi),
    ],
    "<": [[[1, 0], [0, 0.5], [1, 1]]],
    ">": [[[0, 0], [1, 0.5], [0, 1]]],
    "@": [
        arc((0.5, 0.5), (0.2, 0.22), 0.0, 2 * np.pi) + arc((0.5, 0.5), (0.48, 0.48), -0.3, 1.7 * np.pi, 20)
    ],
    "÷": [[[0, 0.5], [1, 0.5]], [[0.5, 0.15]], [[0.5, 0.85]]],
    "∞": [[[0.5 + 0.5 * np.sin(t), 0.5 + 0.3 * np.sin(2 * t)] for t in np.linspace(0, 2 * np.pi, 24)]],
    "π": [[[0, 0.1], [1, 0.1]], [[0.3, 0.1], [0.25, 1]], [[0.7, 0.1], [0.75, 1]]],
    "√": [[[0, 0.6], [0.2, 1], [0.45, 0], [1, 0]]],
    "~": [[[0.5 * t / np.pi, 0.5 - 0.25 * np.sin(t)] for t in np.linspace(0, 2 * np.pi, 16)]],
    "→": [[[0, 0.5], [1, 0.5]], [[0.7, 0.2], [1, 0.5], [0.7, 0.8]]],
}


def symbol(rng: np.random.Generator, name: str | None = None) -> StrokeArrays:
    """A sign from SYMBOLS (the named one, else one at random), its points moved a little
    and its box stretched."""
    shape = SYMBOLS[name or str(rng.choice(list(SYMBOLS)))]
    stretch = np.array([rng.uniform(0.7, 1.3), 1.0])
    strokes = []
    for stroke in shape:
        points = np.asarray(stroke, float) * stretch
        strokes.append(points + rng.normal(0, 0.025, points.shape))
    return fit_together(strokes, rng, rng.uniform(0.2, 0.85))


def fit_together(strokes: StrokeArrays, rng: np.random.Generator, size: float) -> StrokeArrays:
    """Strokes moved and scaled as one drawing, so their longer side is `size` on the pad."""
    lengths = [len(s) for s in strokes]
    moved = placed(np.concatenate(strokes), rng, size)
    return np.split(moved, np.cumsum(lengths)[:-1])


KINDS = {
    "dot": dot,
    "dash": dash,
    "scribble": scribble,
    "cross": cross,
    "blobs": blobs,
    "wave": wave,
    "letter": letter,
    "symbol": symbol,
}


def generate(kind: str, count: int, rng: np.random.Generator) -> list[StrokeArrays]:
    """`count` drawings of one kind."""
    make = KINDS[kind]
    return [make(rng) for _ in range(count)]
