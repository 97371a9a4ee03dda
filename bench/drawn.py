"""Drawn-like digits: MNIST test digits turned into pen strokes, redrawn as the page would.

Each digit is thinned to a one-pixel skeleton (Zhang-Suen), traced into polylines, and
redrawn on a 280x280 canvas with a round pen, at a chosen size, position, pen width and
slant, dark on light or light on dark. Style variants add what MNIST's US-style digits
lack: a crossbar on sevens, a flag and a base on ones. The strokes are plain data, so the
same digits can be replayed on the real page in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from bench.payloads import encode
from nn.ink.preprocess import resize

CANVAS = 280
UPSCALE = 4  # skeletonise at 112x112: smoother strokes than at 28x28
MIN_NEW_PIXELS = 4  # a traced bit adding fewer new skeleton pixels is not a stroke
STYLE_DIGIT = {"crossed-seven": 7, "flagged-one": 1}  # a style, and the one digit it is drawn on


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


def strokes_of(image: np.ndarray) -> list[list[tuple[float, float]]]:
    """A 28x28 uint8 MNIST digit -> strokes in unit coordinates of its 28x28 field."""
    big = resize(image.astype(np.float32) / 255, 28 * UPSCALE, 28 * UPSCALE) > 0.5
    side = 28 * UPSCALE
    return [
        [(x / side, y / side) for x, y in s[:: max(1, len(s) // 40)] + s[-1:]]
        for s in trace(skeletonise(big))
    ]


@dataclass(frozen=True)
class Variation:
    name: str
    size: float = 0.65  # digit height as a fraction of the canvas
    centre: tuple[float, float] = (0.5, 0.5)  # where the digit's middle goes
    pen: float = 0.06  # pen width as a fraction of the canvas (the page uses 0.06)
    slant: float = 0.0  # x += slant * (0.5 - y): positive leans right
    light_on_dark: bool = False
    style: str = ""  # one of STYLE_DIGIT, or ""


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
    Variation("crossed sevens", style="crossed-seven"),
    Variation("flagged ones", style="flagged-one"),
)


def styled(strokes, style: str, label: int):
    """Add a crossbar to a seven, or a flag and a base to a one (European styles)."""
    if STYLE_DIGIT.get(style) != label:
        return strokes
    points = np.array([p for s in strokes for p in s])
    if style == "crossed-seven":
        y0, y1 = points[:, 1].min(), points[:, 1].max()
        mid = y0 + 0.55 * (y1 - y0)
        stem = points[np.abs(points[:, 1] - mid).argmin()][0]
        return [*strokes, [(stem - 0.09, mid), (stem + 0.09, mid)]]
    top = points[points[:, 1].argmin()]
    bottom = points[points[:, 1].argmax()]
    flag = [(top[0] - 0.12, top[1] + 0.12), (top[0], top[1])]
    base = [(bottom[0] - 0.1, bottom[1]), (bottom[0] + 0.1, bottom[1])]
    return [flag, *strokes, base]


def place(strokes, v: Variation):
    """Strokes in the digit's own unit box -> canvas unit coordinates for a variation."""
    points = np.array([p for s in strokes for p in s])
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    scale = v.size / max(y1 - y0, (x1 - x0), 1e-3)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def move(x, y):
        u, w = (x - cx) * scale, (y - cy) * scale
        return (v.centre[0] + u + v.slant * (-w), v.centre[1] + w)

    return [[move(x, y) for x, y in s] for s in strokes]


def render(strokes, v: Variation) -> bytes:
    """Canvas strokes -> PNG bytes, drawn like the page: round pen, dark on white."""
    ink, paper = (255, 0) if v.light_on_dark else (0, 255)
    image = Image.new("L", (CANVAS, CANVAS), paper)
    draw = ImageDraw.Draw(image)
    width = max(1, round(v.pen * CANVAS))
    for s in strokes:
        xy = [(x * CANVAS, y * CANVAS) for x, y in s]
        if len(xy) > 1:
            draw.line(xy, fill=ink, width=width, joint="curve")
        for x, y in (xy[0], xy[-1]):  # round caps
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return encode(image, "PNG")
