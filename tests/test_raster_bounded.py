"""The rasteriser's work is bounded by construction, and it still inks exactly the pixels it
always did: the shipped models were trained on its output.

REFERENCE below is the algorithm as it was before it drew in chunks (a disc of candidate
pixels around every position of the pen, all at once): the new one must agree with it on
every pixel, for real people's drawings at several sizes and pen widths."""

import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nn.data import handwriting
from nn.ink import raster
from nn.ink.preprocess import WORK
from recognizer.limits import MAX_INK
from tests.helpers import NOT_DIGITS, ONE, ZERO, real_handwriting, written, zigzag


def reference_draw(strokes, pen_width=raster.PEN_WIDTH, size=WORK) -> np.ndarray:
    """nn.ink.raster.draw as it was: every position's whole disc of pixels tested at once."""
    paths = raster.traced(strokes)
    low, scale, shape = raster.extent_frame(paths, pen_width, size)
    pen = [reference_along((p.points - low) * scale, raster.SPACING) for p in paths if len(p.points)]
    return reference_stamp(np.concatenate(pen), max(pen_width / 2 * scale, raster.MIN_RADIUS), shape)


def reference_along(path, spacing):
    steps = np.hypot(*np.diff(path, axis=0).T)
    arc = np.concatenate([[0.0], np.cumsum(steps)])
    at = np.linspace(0.0, arc[-1], max(2, int(np.ceil(arc[-1] / spacing)) + 1))
    return np.stack([np.interp(at, arc, path[:, 0]), np.interp(at, arc, path[:, 1])], axis=1)


def reference_stamp(centres, radius, shape):
    k = int(radius) + 1
    reach = np.arange(-k, k + 1)
    base = np.floor(centres).astype(np.intp)
    dx2 = (base[:, :1] + reach + 0.5 - centres[:, :1]) ** 2
    dy2 = (base[:, 1:] + reach + 0.5 - centres[:, 1:]) ** 2
    near = dy2[:, :, None] + dx2[:, None, :] <= radius**2
    height, width = shape
    side = width + 2 * k
    rows = (base[:, 1:] + k + reach) * side
    pixels = rows[:, :, None] + (base[:, :1] + k + reach)[:, None, :]
    ink = np.zeros((height + 2 * k) * side, bool)
    ink[pixels[near]] = True
    return ink.reshape(height + 2 * k, side)[k:-k, k:-k]


SIZES = (28, 80, 80, 200)  # the working size most
PENS = (0.06, 0.06, 0.02, 0.12, 0.001, 0.04)


def assert_same_pixels(drawings) -> int:
    """Each drawing at one of SIZES and PENS in turn, drawn both ways; the pixels compared."""
    for i, strokes in enumerate(drawings):
        size, pen = SIZES[i % len(SIZES)], PENS[i % len(PENS)]
        new, old = raster.draw(strokes, pen, size), reference_draw(strokes, pen, size)
        assert new.shape == old.shape and np.array_equal(new, old), (
            i,
            size,
            pen,
            np.count_nonzero(new != old),
        )
    return len(drawings)


def synthetic() -> list:
    rng = np.random.default_rng(0)
    drawings = [ONE, ZERO, *NOT_DIGITS.values(), written("2026")[0], written("147")[0]]
    drawings += [[rng.uniform(-1, 2, (rng.integers(1, 40), 2)).tolist() for _ in range(rng.integers(1, 4))]
                 for _ in range(300)]  # fmt: skip
    drawings += [
        [(0.5 + rng.uniform(0, box, (n, 2))).tolist()] for box, n in ((0.001, 50), (0.03, 200), (0.3, 400))
    ]
    return drawings


def test_the_same_pixels_as_before_for_made_up_drawings_of_every_kind():
    assert assert_same_pixels(synthetic()) > 300


def real_drawings(every: int) -> list:
    folder = real_handwriting()
    sets = ["unipen-1a", "digilets", "crohme", "chars74k", "numberpad", "chars74k-letters"]
    paths = [folder / f"{name}.jsonl.gz" for name in sets if (folder / f"{name}.jsonl.gz").is_file()]
    rows = [row for path in paths for i, (_, row) in enumerate(handwriting.json_rows(path)) if i % every == 0]
    return [handwriting.to_unit(row["strokes"]) for row in rows]


def test_the_same_pixels_as_before_for_thousands_of_real_drawings_at_several_sizes_and_pens():
    assert assert_same_pixels(real_drawings(every=16)) > 2000


def test_every_real_digit_and_letter_takes_a_small_part_of_the_ink_budget():
    inks = np.array([raster.ink(strokes) for strokes in real_drawings(every=3)])
    assert len(inks) > 10_000 and inks.max() < MAX_INK / 10, (inks.max(), np.percentile(inks, 99.9))
    folder = handwriting.find_folder()
    numbers = [row for _, row in handwriting.json_rows(Path(folder) / "crohme-numbers.jsonl.gz")]
    for row in numbers:  # each digit at its own size, as a number's digits are drawn
        total = sum(raster.ink(handwriting.to_unit(d["strokes"])) for d in row["digits"])
        assert total < MAX_INK / 2, (row["number"], total)


def test_memory_stays_bounded_however_long_the_path():
    """1,000 points round a small box: before, 0.9 GB (20,000 points: 18 GB)."""
    raster.draw([zigzag(50)])  # NumPy's own first allocations
    tracemalloc.start()
    raster.draw([zigzag(1000)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB"


def test_ink_measures_what_drawing_costs_before_anything_is_drawn():
    """Time grows with ink, whatever the shape: the same ink costs about the same time."""
    cheap, costly = [zigzag(20)], [zigzag(2000)]
    assert raster.ink(costly) == pytest.approx(100 * raster.ink(cheap), rel=0.1)
    seconds = []
    for strokes in (cheap, costly):
        started = time.thread_time()
        for _ in range(3):
            raster.draw(strokes)
        seconds.append(time.thread_time() - started)
    assert seconds[1] > 10 * seconds[0], seconds
    longest = [zigzag(20_000)]  # made first: making 20,000 lists can set off a full garbage collection
    started = time.thread_time()
    raster.ink(longest)
    assert time.thread_time() - started < 0.05  # measuring is cheap, whatever the ink
