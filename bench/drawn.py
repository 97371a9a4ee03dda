"""Drawn-like digits: MNIST test digits turned into pen strokes, redrawn as the page would.

Each digit is thinned to a one-pixel skeleton (Zhang-Suen), traced into polylines, and
placed on the pad at a chosen size, position, pen width and slant. Style variants add what
MNIST's US-style digits lack, with the styles training adds (nn/data/styles.py): a crossbar
on sevens, a flag on ones, a curled tail on nines. The strokes are drawn by the server's
rasteriser (nn/ink/raster.py), as strokes or as a photo of the 280x280 canvas, dark on
light or light on dark. The strokes are plain data, so the same digits can be replayed on
the real page in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from bench.payloads import encode
from nn.data import styles
from nn.ink import raster
from nn.ink.preprocess import resize

CANVAS = 280
UPSCALE = 4  # skeletonise at 112x112: smoother strokes than at 28x28
MIN_NEW_PIXELS = 4  # a traced bit adding fewer new skeleton pixels is not a stroke


def neighbours8(img: np.ndarray) -> list[np.ndarray]:
    """P2..P9 of Zhang-Suen: N, NE, E, SE, S, SW, W, NW (zero outside the image)."""
    p = np.pad(img, 1)
    h, w = img.shape
    at = lambda dy, dx: p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]  # noqa: E731
    return [at(-1, 0), at(-1, 1), at(0, 1), at(1, 1), at(1, 0), at(1, -1), at(0, -1), at(-1, -1)]


def skeletonise(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean image, vectorised over the whole image per pass."""
    img = mask.astype(np.uint8)
    while True:
        changed = False
        for step in (0, 1):
            n = neighbours8(img)
            count = sum(n)
            ring = n + n[:1]
            transitions = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.uint8) for i in range(8))
            p2, p4, p6, p8 = n[0], n[2], n[4], n[6]
            if step == 0:
                cond = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                cond = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            remove = (img == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & cond
            if remove.any():
                img[remove] = 0
                changed = True
        if not changed:
            return img.astype(bool)


def trace(skeleton: np.ndarray) -> list[list[tuple[float, float]]]:
    """Skeleton pixels -> pen strokes (x, y): walk from the free ends first, through every
    junction as straight on as the skeleton allows, until no unwalked edge is left. Bits
    that add almost nothing (the corners of 8-connected staircases) are dropped."""
    pixels = set(zip(*np.nonzero(skeleton), strict=True))

    def around(p):
        y, x = p
        return [
            (y + dy, x + dx)
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            if (dy or dx) and (y + dy, x + dx) in pixels
        ]

    used: set[frozenset] = set()
    covered: set = set()

    def walk(start):
        path, heading = [start], (0, 0)
        while True:
            here = path[-1]
            free = [q for q in around(here) if frozenset((here, q)) not in used]
            if not free:
                return path
            step = max(free, key=lambda q: (q[0] - here[0]) * heading[0] + (q[1] - here[1]) * heading[1])
            used.add(frozenset((here, step)))
            heading = (step[0] - here[0], step[1] - here[1])
            path.append(step)

    ends = sorted(p for p in pixels if len(around(p)) == 1)
    strokes = []
    for start in ends + sorted(pixels):
        while any(frozenset((start, q)) not in used for q in around(start)):
            path = walk(start)
            # A pen would not lift for a pixel or two the stroke width covers anyway.
            if sum(p not in covered for p in path) >= MIN_NEW_PIXELS:
                strokes.append([(x, y) for y, x in path])
                covered.update(path)
    if not strokes and pixels:  # an isolated dot
        y, x = next(iter(pixels))
        strokes.append([(x, y)])
    return strokes


def strokes_of(image: np.ndarray) -> list[np.ndarray]:
    """A 28x28 uint8 MNIST digit -> strokes (M, 2) in unit coordinates of its 28x28 field."""
    big = resize(image.astype(np.float32) / 255, 28 * UPSCALE, 28 * UPSCALE) > 0.5
    side = 28 * UPSCALE
    return [np.array(s[:: max(1, len(s) // 40)] + s[-1:], np.float64) / side for s in trace(skeletonise(big))]


@dataclass(frozen=True)
class Variation:
    name: str
    size: float = 0.65  # digit height as a fraction of the canvas
    centre: tuple[float, float] = (0.5, 0.5)  # where the digit's middle goes
    pen: float = raster.PEN_WIDTH  # pen width as a fraction of the canvas
    slant: float = 0.0  # x += slant * (0.5 - y): positive leans right
    light_on_dark: bool = False  # a photo of the canvas, light ink on dark, instead of strokes
    style: int | None = None  # only this digit, written in its style of styles.STYLES


VARIATIONS = (
    Variation("plain"),
    Variation("small", size=0.3),
    Variation("large", size=0.95),
    Variation("off-centre", size=0.4, centre=(0.26, 0.72)),
    Variation("thin pen", pen=0.02),
    Variation("thick pen", pen=0.13),
    Variation("slant left", slant=-0.45),
    Variation("slant right", slant=0.45),
    Variation("light on dark", light_on_dark=True),
    *(Variation(name, style=digit) for digit, name in styles.NAMES.items()),
)


def place(strokes: list[np.ndarray], v: Variation) -> list[np.ndarray]:
    """Strokes in the digit's own unit box -> canvas unit coordinates for a variation."""
    low, high = raster.extent(strokes)
    scale = v.size / max(*(high - low), 1e-3)
    lean = np.array([[1.0, 0.0], [-v.slant, 1.0]])  # x -= slant * y, about the digit's middle
    return [(s - (low + high) / 2) * scale @ lean + v.centre for s in strokes]


def photo(strokes: list[np.ndarray], v: Variation) -> bytes:
    """Canvas strokes as a PNG photo of the 280x280 canvas, drawn by the server's rasteriser
    at the canvas's scale: dark on white, or light on dark."""
    low, high = raster.extent(strokes)
    low, high = low - v.pen / 2, high + v.pen / 2
    ink = raster.draw(strokes, v.pen, size=round(CANVAS * (high - low).max()))
    canvas = np.zeros((CANVAS, CANVAS), bool)
    x, y = np.clip(np.round(low * CANVAS).astype(int), 0, CANVAS)
    canvas[y : y + ink.shape[0], x : x + ink.shape[1]] = ink[: CANVAS - y, : CANVAS - x]
    return encode(Image.fromarray(np.where(canvas != v.light_on_dark, 0, 255).astype(np.uint8)), "PNG")
