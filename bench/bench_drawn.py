"""Accuracy on drawn-like digits, through exactly the preprocessing the site uses.

    python3 -m bench.bench_drawn [MODEL ...] [--digits 1000] [--mnist-dir FOLDER]

MNIST test digits are turned into pen strokes under each variation in bench/drawn.py (size,
position, pen width, slant, style); each drawing goes the way the page's strokes go, through
the server's rasteriser (nn/ink/raster.py) and preprocessing, to every model. "light on dark"
is a photo instead: drawn on a 280x280 image, PNG-encoded, through the site's decoder. They
only redraw MNIST's own writers' shapes (and the styles training adds), so they measure the drawing
path, not other people's hands: bench/bench_hands.py does that.
Prints accuracy per variation and model, the MNIST test accuracy for comparison, and the
same with the stroke-thickness normalisation switched off, to measure what it does.
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import arguments, load_models
from bench.drawn import VARIATIONS, photo, place, strokes_of
from nn.data import styles
from nn.data.mnist import load_mnist
from nn.ink import raster
from nn.ink.directions import no_directions, pen_channels
from nn.ink.preprocess import from_mask, to_mnist
from nn.training.evaluate import evaluate
from recognizer.imaging import decode


def drawn_set(strokes, labels, variation):
    """Processed inputs, with the pen's direction ((N, 3, 28, 28), nn/ink/directions.py),
    and without it or thickness normalisation ((N, 28, 28)), and their labels
    for one variation (a drawing seen as blank counts as an all-black input). A style is
    added where the digit's shape allows it (nn/data/styles.py); the others are left out."""
    rng = np.random.default_rng(0)
    xs, raws, ys = [], [], []
    for digit_strokes, label in zip(strokes, labels, strict=True):
        if variation.style is not None:
            if label != variation.style:
                continue
            if (digit_strokes := styles.STYLES[label](digit_strokes, rng)) is None:
                continue
        placed = place(digit_strokes, variation)
        # A photo takes the image path; anything else is what the page sends, strokes, read
        # with the pen's direction beside the ink by a model that reads it.
        if variation.light_on_dark:
            drawn, prepare = decode(photo(placed, variation)), to_mnist
            x = prepare(drawn)
            x = None if x is None else no_directions(x)
        else:
            drawn, prepare = raster.draw_read(placed, pen_width=variation.pen), from_mask
            x = pen_channels(placed, pen_width=variation.pen)
        raw = prepare(drawn, thickness=False)
        xs.append(np.zeros((3, 28, 28), np.float32) if x is None else x)
        raws.append(np.zeros((28, 28), np.float32) if raw is None else raw)
        ys.append(label)
    return np.array(xs), np.array(raws), np.array(ys)


def accuracy(model, x, y) -> float:
    return evaluate(model.network, x, y, model.deskewed)["accuracy"]


def row(name: str, accuracies, after: str = "") -> None:
    print(f"{name:<16}" + "".join(f"{100 * a:13.2f}%" for a in accuracies) + after)


def main() -> None:
    parser = arguments(__doc__, models=True, mnist=True)
    parser.add_argument("--digits", type=int, default=1000, help="MNIST test digits to draw")
    args = parser.parse_args()
    models = load_models(args.models)
    data = load_mnist(args.mnist_dir)
    images, labels = data.test_images[: args.digits], data.test_labels[: args.digits]
    strokes = [strokes_of(image) for image in images]
    print(f"{'variation':<16}" + "".join(f"{n:>14}" for n in models) + f"{'(no thickness norm.)':>24}")
    row("MNIST test", [accuracy(m, data.test_images, data.test_labels) for m in models.values()])
    totals = []
    t0 = time.perf_counter()
    for v in VARIATIONS:
        x, x_raw, y = drawn_set(strokes, labels, v)
        totals.append([accuracy(m, x, y) for m in models.values()])
        raw = " / ".join(f"{100 * accuracy(m, x_raw, y):.1f}" for m in models.values())
        row(v.name, totals[-1], f"{raw:>24}  (n={len(y)})")
    row("mean of drawn", np.mean(totals, axis=0))
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
