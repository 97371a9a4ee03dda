"""What the benchmarks share: their command-line flags (the models to measure, MNIST's
folder, the real sets' folder), the models named or shipped, Django set up for those that
call the request path, a timer, contact sheets of what was read wrong, and the drawing
page's own inputs (its strokes of a seven, its PNG). Each benchmark runs from the project's root as `python3 -m bench.<name>`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from bench.payloads import encode
from nn import MODEL_DIR
from nn.data import handwriting
from nn.data import mnist as mnist_set
from nn.networks.model_file import load_model

CAPTION = 24  # pixels under a contact sheet's image: two lines of text


def arguments(
    doc: str, *, models: bool = False, mnist: bool = False, real: bool = False
) -> argparse.ArgumentParser:
    """A parser described by the first line of `doc`, with the flags asked for: model files
    (positional), --mnist-dir (MNIST) and --handwriting-dir (the real sets)."""
    parser = argparse.ArgumentParser(prog=module_prog(), description=doc.splitlines()[0])
    if models:
        parser.add_argument("models", nargs="*", help="model files (default: every nn/models/*.pkl)")
    if mnist:
        mnist_set.add_flag(parser)
    if real:
        handwriting.add_flag(parser)
    return parser


def module_prog() -> str | None:
    """How the running tool was started, for its usage line: `python3 -m <module>` (argparse
    would name the module's file, which cannot be run on its own)."""
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    return f"python3 -m {spec.name}" if spec is not None else None


def load_models(paths: list[str] | None = None) -> dict:
    """name -> model, of the files named, else of every shipped model (nn/models/*.pkl)."""
    paths = paths or sorted(str(p) for p in MODEL_DIR.glob("*.pkl"))
    return {Path(p).stem: load_model(p) for p in paths}


def setup_django() -> None:
    """Django set up for a benchmark that calls the request path, with DEBUG on so that
    the static files are found where they are. Call it before importing `recognizer`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    import digitsite  # noqa: F401  (its BLAS setting: NumPy is loaded already, so it keeps its threads)

    django.setup()


def timed(fn, *args, n: int = 500, clock=time.thread_time, warm_up: int = 1) -> list[float]:
    """Milliseconds each of `n` calls of fn(*args) took by `clock`, after `warm_up` calls.
    The default clock is the CPU time of the calling thread: on a shared machine the wall
    clock also counts the other processes' turns on the cores."""
    for _ in range(warm_up):
        fn(*args)
    samples = []
    for _ in range(n):
        t0 = clock()
        fn(*args)
        samples.append((clock() - t0) * 1000)
    return samples


def contact_sheet(tiles: list[tuple[Image.Image, str]], path: Path, cell: tuple[int, int], columns: int,
                  paper: int = 255) -> None:  # fmt: skip
    """Write `tiles` (an image, its caption of two lines) as a PNG, in rows of `columns`
    cells of (width, height), each caption at its cell's foot."""
    rows = max(1, -(-len(tiles) // columns))
    sheet = Image.new("L", (columns * cell[0], rows * cell[1]), paper)
    draw = ImageDraw.Draw(sheet)
    for n, (image, caption) in enumerate(tiles):
        x, y = (n % columns) * cell[0], (n // columns) * cell[1]
        sheet.paste(image, (x, y))
        draw.text((x + 2, y + cell[1] - CAPTION), caption, fill=255 - paper, spacing=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


def page_strokes() -> list:
    """A "7" as the pad records it: a point every few pixels of a 280-pixel pad, rounded as
    the page rounds them (two strokes, 95 points)."""
    t = np.linspace(0, 1, 40)[:, None]
    bar = (1 - t) * [0.24, 0.21] + t * [0.76, 0.2]
    stem = (1 - t) * [0.76, 0.2] + t * [0.45, 0.86] + 0.01 * np.sin(7 * t)
    cross = np.linspace([0.36, 0.52], [0.68, 0.5], 15)
    return [np.round(np.concatenate([bar, stem]), 4).tolist(), np.round(cross, 4).tolist()]


def canvas_png() -> bytes:
    """What the page sends: black strokes on white, 280x280, as PNG."""
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).line([(70, 56), (210, 56), (126, 238)], fill=0, width=17, joint="curve")
    return encode(image, "PNG")
