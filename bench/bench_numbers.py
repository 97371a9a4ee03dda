"""Numbers written by real people: segmentation, number accuracy and the server's time.

    python bench/bench_numbers.py [--numbers 600] [--seed 0] [--handwriting-dir FOLDER]

Numbers of 2 to 6 digits are composed from the real-handwriting TEST writers' digits
(nn/handwriting.py): a number's digits come from one writer where it wrote enough, each
scaled to a height jittered around the number's, on a wandering baseline, with gaps of 0.1
to 0.6 of the height between the digits' ink. They are read three ways: as the pad's
strokes (nn.segment.strokes), as a photo of those strokes (rendered dark on light with a
pen of varied width, nn.segment.mask_digits), and as Semeion's paper scans pasted side by
side on paper. Printed:

- segmentation: the right number of digits, each with exactly its own strokes (a photo:
  each group's ink at least 95% one digit's and holding at least 95% of it);
- number accuracy, against what the per-digit accuracy allows: the share of numbers whose
  every digit the model reads right when it is written alone, and the per-digit accuracy
  raised to the number's length;
- how often a single real digit is split in two, over every test writer's digit (and
  over the pen digits as photos);
- the server's time for a six-digit number (services.predict on strokes, median);
- the same segmentation with digits written touching or overlapping (gaps -0.1 to 0.05
  of the height), which is not handled: for the record.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402
import numpy as np  # noqa: E402

import digitsite  # noqa: E402,F401  (one BLAS thread, as in the web process)

django.setup()

from nn import handwriting, raster, segment  # noqa: E402
from nn.preprocess import from_mask, ink_mask  # noqa: E402
from recognizer import model_store, services  # noqa: E402

GAPS = (0.1, 0.6)  # of the height, between digits' ink
TIGHT = (-0.1, 0.05)  # touching or overlapping: not handled
SIZE_JITTER = 0.06  # a digit's height, relative to the number's (normal, sd)
BASELINE = 0.05  # of the height: how far a digit's bottom wanders (normal, sd)
SEMEION_SCALE = 5  # pixels of paper per Semeion pixel


def compose(samples: list, rng: np.random.Generator, gaps=GAPS) -> tuple[list[np.ndarray], list[list[int]]]:
    """Pen samples written left to right as one number: (strokes in pad units, each digit's
    stroke indices)."""
    height = rng.uniform(0.3, 0.6)
    strokes, groups, left = [], [], 0.05
    for sample in samples:
        points = np.concatenate(sample.strokes)
        low, high = points.min(axis=0), points.max(axis=0)
        h = height * rng.normal(1, SIZE_JITTER)
        scale = h / max(high[1] - low[1], 1e-6)
        top = 0.2 + rng.normal(0, BASELINE) * height
        groups.append(list(range(len(strokes), len(strokes) + len(sample.strokes))))
        strokes += [(s - low) * scale + [left, top] for s in sample.strokes]
        width = (high[0] - low[0]) * scale
        left += width + raster.PEN_WIDTH + rng.uniform(*gaps) * height
    return strokes, groups


def digits_of(writers: dict, rng: np.random.Generator, count: int) -> list:
    """`count` digits of one writer (any writer's when none wrote enough)."""
    names = [w for w, s in writers.items() if len(s) >= count]
    pool = writers[names[rng.integers(len(names))]]
    return [pool[i] for i in rng.choice(len(pool), count, replace=False)]


def by_writer(samples: list) -> dict:
    writers: dict = {}
    for s in samples:
        writers.setdefault(s.writer, []).append(s)
    return writers


def read(model, forms: list[np.ndarray]) -> np.ndarray:
    """(N,) the model's digits for MNIST-form inputs (None: no ink, read as -1)."""
    answers = np.full(len(forms), -1)
    ok = [i for i, f in enumerate(forms) if f is not None]
    if ok:
        probs = services.predict_pixels  # one at a time, as served
        answers[ok] = [probs(forms[i], model).digit for i in ok]
    return answers


def stroke_photo(strokes: list[np.ndarray], groups: list[list[int]], rng: np.random.Generator):
    """The strokes drawn dark on light paper with a pen of varied width: (grey image, each
    digit's own ink mask in the same frame)."""
    pen = rng.uniform(0.03, 0.08)
    paths = [raster.curve(np.asarray(s)) for s in strokes]
    low, scale, shape = raster.frame(paths, pen, int(rng.integers(300, 900)))
    radius = max(pen / 2 * scale, raster.MIN_RADIUS)
    masks = []
    for g in groups:
        centres = np.concatenate([raster.along((paths[i] - low) * scale, raster.SPACING) for i in g])
        masks.append(np.pad(raster.stamp(centres, radius, shape), 30))
    ink = np.any(masks, axis=0)
    gray = np.where(ink, rng.integers(20, 90), rng.integers(190, 250)).astype(np.int16)
    gray = np.clip(gray + rng.normal(0, 6, gray.shape), 0, 255).astype(np.uint8)
    return gray, masks


def semeion_photo(samples: list, rng: np.random.Generator, gaps=GAPS):
    """Semeion scans pasted side by side on paper, each squeezed to a natural width."""
    k = SEMEION_SCALE
    side = handwriting.SCAN_SIDE * k
    tiles = []
    for s in samples:
        big = np.kron(s.image, np.ones((k, k), bool))  # (80, 80)
        width = int(side * rng.uniform(0.55, 0.9))
        cols = (np.arange(width) * side / width).astype(int)
        tiles.append(big[:, cols])
    widths = [t.shape[1] for t in tiles]
    spaces = [int(rng.uniform(*gaps) * side) for _ in tiles]
    total = sum(widths) + sum(spaces) + 60
    masks, left = [], 30
    for tile, space in zip(tiles, spaces, strict=True):
        mask = np.zeros((side + 80, total), bool)
        dy = 40 + int(rng.normal(0, BASELINE) * side)
        mask[dy : dy + side, left : left + tile.shape[1]] = tile
        masks.append(mask)
        left += tile.shape[1] + space
    gray = np.where(np.any(masks, axis=0), 40, 235).astype(np.uint8)
    return gray, masks


def photo_right(gray: np.ndarray, masks: list[np.ndarray]) -> tuple[bool, list[np.ndarray]]:
    """Whether a photo's groups are its digits (each 95% one digit's ink, holding 95% of
    it), and each group's ink (to read)."""
    found = segment.mask_digits(ink_mask(gray))
    if len(found) != len(masks):
        return False, [ink for ink, _ in found]
    for (ink, (left, top, right, bottom)), mask in zip(found, masks, strict=True):
        own = mask[int(top) : int(bottom), int(left) : int(right)]
        shared = np.count_nonzero(ink & own)
        if shared < 0.95 * np.count_nonzero(ink) or shared < 0.95 * np.count_nonzero(mask & ink_mask(gray)):
            return False, [ink for ink, _ in found]
    return True, [ink for ink, _ in found]


class Tally:
    def __init__(self):
        self.n = self.segmented = self.right = self.allowed = 0
        self.power = 0.0

    def add(self, segmented: bool, answers, labels, alone_right, accuracy: float):
        self.n += 1
        self.segmented += segmented
        self.right += segmented and list(answers) == list(labels)
        self.allowed += all(alone_right)
        self.power += accuracy ** len(labels)

    def line(self, name: str) -> str:
        pct = lambda k: 100 * k / max(self.n, 1)  # noqa: E731
        return (
            f"  {name:<20} segmentation right {pct(self.segmented):6.2f}%   number right {pct(self.right):6.2f}%"
            f"   allowed by its digits {pct(self.allowed):6.2f}%   per-digit accuracy^n {pct(self.power):6.2f}%"
            f"   ({self.n} numbers)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--numbers", type=int, default=600, help="numbers per way of writing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(handwriting.FLAG, dest="folder")
    args = parser.parse_args()
    folder = handwriting.find_folder(args.folder)
    if folder is None:
        sys.exit(handwriting.not_found_message())
    test = handwriting.split(handwriting.load_digits(folder), "test")
    pen = [s for s in test if s.strokes is not None]
    scans = [s for s in test if s.image is not None]
    print(f"test writers' digits: {len(pen)} drawn with a pen, {len(scans)} scanned (Semeion)")

    split = sum(len(segment.strokes(s.strokes)) != 1 for s in pen)
    split += sum(len(segment.mask_digits(ink_mask(handwriting.paper(s.image)))) != 1 for s in scans)
    print(f"a single digit split in two or more: {split} of {len(test)} ({100 * split / len(test):.2f}%)")
    rng = np.random.default_rng(args.seed)
    photos = (stroke_photo(*compose([s], rng), rng)[0] for s in pen)
    split = sum(len(segment.mask_digits(ink_mask(gray))) != 1 for gray in photos)
    print(f"  the pen digits as photos: {split} of {len(pen)} split ({100 * split / len(pen):.2f}%)")

    for name in model_store.names():
        bench_model(name, test, pen, scans, args)


def bench_model(name: str, test: list, pen: list, scans: list, args) -> None:
    """One model's figures: per-digit accuracy alone, each way of writing, the server's time."""
    model = model_store.get(name)
    alone = read(model, [handwriting.mnist_form(s) for s in test])
    right = {id(s): d == s.label for s, d in zip(test, alone, strict=True)}
    pen_acc = np.mean([right[id(s)] for s in pen])
    scan_acc = np.mean([right[id(s)] for s in scans])
    print(f"{name}: per-digit accuracy alone: pen {100 * pen_acc:.2f}%, Semeion {100 * scan_acc:.2f}%")
    rng = np.random.default_rng(args.seed)
    tallies = {
        way: Tally() for way in ("strokes", "strokes as photo", "Semeion on paper", "touching strokes")
    }
    writers, scan_writers = by_writer(pen), by_writer(scans)
    for _ in range(args.numbers):
        count = int(rng.integers(2, 7))
        digits = digits_of(writers, rng, count)
        labels = [s.label for s in digits]
        ok = [right[id(s)] for s in digits]
        strokes, groups = compose(digits, rng)
        found = segment.strokes(strokes)
        answers = read(model, [from_mask(raster.draw([strokes[i] for i in g])) for g in found])
        tallies["strokes"].add(found == groups, answers, labels, ok, pen_acc)
        gray, masks = stroke_photo(strokes, groups, rng)
        good, inks = photo_right(gray, masks)
        tallies["strokes as photo"].add(good, read(model, [from_mask(i) for i in inks]), labels, ok, pen_acc)
        tight, tight_groups = compose(digits, rng, TIGHT)
        found = segment.strokes(tight)
        answers = read(model, [from_mask(raster.draw([tight[i] for i in g])) for g in found])
        tallies["touching strokes"].add(found == tight_groups, answers, labels, ok, pen_acc)
        paper_digits = digits_of(scan_writers, rng, count)
        gray, masks = semeion_photo(paper_digits, rng)
        good, inks = photo_right(gray, masks)
        answers = read(model, [from_mask(i) for i in inks])
        scan_labels, scan_ok = [s.label for s in paper_digits], [right[id(s)] for s in paper_digits]
        tallies["Semeion on paper"].add(good, answers, scan_labels, scan_ok, scan_acc)
    for way, tally in tallies.items():
        print(tally.line(way))
    for count in (1, 6):
        strokes = [s.tolist() for s in compose(digits_of(writers, rng, count), rng)[0]]
        print(f"  {count} digit(s) as strokes, services.predict: median {server_time(strokes, name):.2f} ms")


def server_time(strokes: list, name: str, repeats: int = 60) -> float:
    """The median time services.predict takes, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        services.predict(strokes, name)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


if __name__ == "__main__":
    main()
