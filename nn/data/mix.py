"""Real people's digits as training data, drawn the way the site draws a request.

A pen digit is drawn again several times through the serving rasteriser (nn/ink/raster.py)
and preprocessing (from_mask), each time varied as drawings on the page vary:

- size: how much of the pad the digit fills, which sets the pen's width relative to the
  digit, up to the widest the network reads (raster.reading_pen; the rasteriser scales
  the ink to its working size, so only that ratio matters; where on the pad it was drawn
  never does, and is not varied);
- the pen's width itself, a little (screens and zoom differ);
- point density: a slow hand or a fast device sends more points per stroke, which changes
  the page's smoothing of the curve;
- a little jitter of every point, and a small rotation, shear and squash of the whole
  drawing, as hands vary.

Each variant is drawn once, before training (`pen_variants`); every epoch then takes a
few of them per digit (`TrainConfig.pen_weight`). Scans (Semeion, USPS) have one drawing
each, made through the image path (to_mnist), as a photo of them would be. The styles
that stay rare (nn/data/styles.py: crossed sevens, flagged ones, curled nines, slashed
zeros) are added to the training writers' sevens, ones, nines and zeros, and drawn the same
ways (`style_weight`).

Every collection is a set of its own, so that none swamps the rest: an epoch takes at most
`collection_cap` drawings of one collection (a larger one is seen at a fractional weight),
and a collection can be left out whole (`without`), to measure what a collection of writers
never trained on sees.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from dataclasses import asdict, dataclass

import numpy as np

from nn.data import handwriting, styles
from nn.ink import directions, raster
from nn.ink.preprocess import SIDE, from_mask


@dataclass(frozen=True)
class StrokeVariation:
    size: tuple[float, float] = (0.3, 0.95)  # the digit's longer side, of the pad's height
    pen_width: float = 0.2  # the pen's width changed by up to this fraction
    rotation_deg: float = 8.0  # uniform in [-r, r]
    shear: float = 0.15  # horizontal shear factor uniform in [-s, s]
    squash: float = 0.12  # width scaled by a factor uniform in [1 - s, 1 + s]
    thinning: int = 3  # keep every k-th point of a stroke, k uniform in 1..thinning
    jitter: float = 0.004  # standard deviation of each point's noise, of the pad's height

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DrawnSet:
    """N digits, each drawn V ways, and how many of those ways an epoch takes."""

    name: str
    variants: np.ndarray  # (V, N, 28, 28) float32, MNIST's form; (V, N, 3, 28, 28) with directions
    labels: np.ndarray  # (N,) int64
    weight: float  # drawings of each digit an epoch sees on average, at most V unless repeated
    collection: str = ""  # the collection of writers it comes from (nn/data/handwriting.py's set)

    def picks(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """`weight` of the V drawings of every digit, chosen afresh: which drawing (M,) of which
        digit (M,), M = round(weight N); a fractional weight takes every digit its whole
        number of times, and a random part of the digits once more."""
        v, n = self.variants.shape[:2]
        k = int(np.ceil(self.weight))
        # (k, N): different drawings of each digit, or with more copies than drawings, some repeat
        chosen = np.argsort(rng.random((v, n)), axis=0)[:k] if k <= v else rng.integers(0, v, (k, n))
        rounds = [np.arange(n)] * k
        if k > self.weight:  # the last round takes only part of the digits
            rounds[-1] = rng.choice(n, round((self.weight - k + 1) * n), replace=False)
        return np.concatenate([chosen[r, d] for r, d in enumerate(rounds)]), np.concatenate(rounds)


def vary(strokes, rng: np.random.Generator, v: StrokeVariation) -> tuple[list[np.ndarray], float]:
    """One varied copy of a drawing (strokes of (M, 2) unit points) and its pen's width."""
    strokes = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    # every k-th point, and the last one always: the stroke still ends where it ended
    kept = [s[np.unique(np.append(np.arange(0, len(s), rng.integers(1, v.thinning + 1)), len(s) - 1))]
            for s in strokes]  # fmt: skip
    low, high = raster.extent(kept)
    centre = (low + high) / 2
    theta = np.deg2rad(rng.uniform(-v.rotation_deg, v.rotation_deg))
    cos, sin = np.cos(theta), np.sin(theta)
    shape = np.array([[1.0, rng.uniform(-v.shear, v.shear)], [0.0, 1.0]])
    shape = (
        np.array([[cos, -sin], [sin, cos]]) @ shape @ np.diag([rng.uniform(1 - v.squash, 1 + v.squash), 1])
    )
    moved = [(k - centre) @ shape.T for k in kept]
    extent = np.ptp(np.concatenate(moved), axis=0).max()
    scale = rng.uniform(*v.size) / extent if extent > 0 else 1.0
    drawn = [m * scale + 0.5 + rng.normal(0.0, v.jitter, m.shape) for m in moved]
    return drawn, raster.PEN_WIDTH * rng.uniform(1 - v.pen_width, 1 + v.pen_width)


def draw_variants(
    strokes_list: list, count: int, seed: int, v: StrokeVariation, with_directions: bool = False
) -> np.ndarray:
    """(count, N, 28, 28) float32: each drawing drawn `count` ways, varied (the first way
    unvaried), through raster.draw_read and from_mask; all zero where no ink came out.
    `with_directions`: (count, N, 3, 28, 28), the pen's direction with the ink (directions.pen_channels)."""
    rng = np.random.default_rng(seed)
    shape = (1 + directions.DIRECTIONS, SIDE, SIDE) if with_directions else (SIDE, SIDE)
    out = np.zeros((count, len(strokes_list), *shape), np.float32)
    for i, strokes in enumerate(strokes_list):
        for k in range(count):
            drawn, pen = (strokes, raster.PEN_WIDTH) if k == 0 else vary(strokes, rng, v)
            if with_directions:
                pixels = directions.pen_channels(drawn, pen)
            else:
                pixels = from_mask(raster.draw_read(drawn, pen))
            if pixels is not None:
                out[k, i] = pixels
    return out


def drawn_pen_digits(
    strokes: list,
    count: int,
    seed: int,
    v: StrokeVariation,
    workers: int | None = None,
    *,
    with_directions: bool = False,
):
    """Drawings (strokes each) drawn `count` ways each, split over processes; (V, N, 28, 28)
    (or (V, N, 3, 28, 28) `with_directions`).
    The processes end with it, an interruption included (Pool's exit terminates them)."""
    workers = min(workers or os.cpu_count() or 1, max(len(strokes), 1))
    chunks = np.array_split(np.arange(len(strokes)), workers)
    seeds = np.random.SeedSequence(seed).spawn(workers)  # one independent stream per chunk
    if workers == 1:
        return draw_variants(strokes, count, seeds[0], v, with_directions=with_directions)
    with multiprocessing.Pool(workers) as pool:
        parts = pool.starmap(
            draw_variants,
            [
                ([strokes[i] for i in c], count, s, v, with_directions)
                for c, s in zip(chunks, seeds, strict=True)
            ],
        )
        return np.concatenate(parts, axis=1)


def training_sets(samples: list, cfg, seed: int) -> list[DrawnSet]:
    """The real training writers' digits as DrawnSets, a collection's pen digits, its styled
    digits and its scans each apart, so that each has its own weight. A collection's drawings
    are the same whichever others are there (its seed follows its place in FILES)."""
    sets, with_directions = [], cfg.channels > 1
    for place, name in enumerate(handwriting.FILES):
        part = [s for s in samples if s.set == name]
        if not part:
            continue
        labels, seeds = handwriting.labels(part), (seed + 100 * place, seed + 100 * place + 1)
        if part[0].strokes is None:
            weight = capped(cfg.scan_weight, len(part), cfg.collection_cap)
            scans = handwriting.pixels(part, with_directions=with_directions)[None]
            sets.append(DrawnSet(name, scans, labels, weight, name))
            continue
        drawn = functools.partial(drawn_pen_digits, v=StrokeVariation(), with_directions=with_directions)
        variants = drawn([s.strokes for s in part], cfg.pen_variants, seeds[0])
        sets.append(
            DrawnSet(name, variants, labels, capped(cfg.pen_weight, len(part), cfg.collection_cap), name)
        )
        drawings, digits = styles.styled(part, np.random.default_rng(seeds[1]))
        if drawings and cfg.style_weight:
            variants = drawn(drawings, cfg.pen_variants, seeds[1])
            sets.append(
                DrawnSet(f"{name} styles", variants, np.array(digits, np.int64), cfg.style_weight, name)
            )
    return sets


def capped(weight: float, count: int, cap: int) -> float:
    """A collection's weight, lowered so that an epoch takes at most `cap` of its drawings (0: no cap)."""
    return min(weight, cap / count) if cap else weight


Held = tuple[list, np.ndarray, np.ndarray]  # samples, (N, 28, 28) or (N, 3, 28, 28) images, (N,) labels


def real_handwriting(folder, cfg, log=print) -> dict | None:
    """From the handwriting folder (or None): the training writers' digits as DrawnSets,
    the validation writers' and the test writers' as Held, of every collection but
    `cfg.leave_out`'s; that one whole as "left_out"."""
    samples = handwriting.digits_in(folder, log)
    if samples is None:
        return None
    left_out = [s for s in samples if s.set == cfg.leave_out]
    if cfg.leave_out and not left_out:
        raise handwriting.HandwritingError(f"no collection {cfg.leave_out!r} to leave out in {folder}")
    samples = [s for s in samples if s.set != cfg.leave_out]
    sides = {name: handwriting.split(samples, name) for name in handwriting.SPLITS}
    log(f"real handwriting: {len(samples):,} digits; " +
        ", ".join(f"{name} {len(part):,}" for name, part in sides.items()) + " (split by writer)" +
        (f"; {cfg.leave_out} ({len(left_out):,}) left out whole" if left_out else ""))  # fmt: skip
    log(f"drawing each training pen digit {cfg.pen_variants} ways...")
    held = {name: held_out(part, cfg.channels > 1) for name, part in sides.items() if name != "train"}
    real = {"train": training_sets(sides["train"], cfg, cfg.seed), **held}
    return {**real, "left_out": held_out(left_out, cfg.channels > 1)} if left_out else real


def held_out(samples: list, with_directions: bool = False) -> Held:
    """The samples, their images (with the pen's direction, if asked: handwriting.pixels) and labels."""
    return samples, handwriting.pixels(samples, with_directions=with_directions), handwriting.labels(samples)


def by_collection(held: Held) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Held digits as {collection: (images, labels)}, in FILES' order."""
    samples, images, labels = held
    sets = np.array([s.set for s in samples])
    return {
        name: (images[sets == name], labels[sets == name])
        for name in handwriting.FILES
        if (sets == name).any()
    }
