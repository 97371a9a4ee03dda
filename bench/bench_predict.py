"""Server-side cost of one prediction, and the drawing page's transfer size.

    python bench/bench_predict.py

Prints the median and 95th-percentile time of each step for the strokes the drawing page
sends (rasterise, preprocess, forward pass per model) and of the whole work a request does
besides HTTP (those plus the JSON answer), the same for six digits drawn in a row (the
segmentation's work too) and for a photo (a 280x280 PNG), and the bytes the browser
downloads for the drawing page (HTML, CSS, JavaScript, icon).
"""

from __future__ import annotations

import io
import json
import os
import re
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

from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from nn import raster  # noqa: E402
from nn.preprocess import from_mask, to_mnist  # noqa: E402
from recognizer import imaging, model_store, services  # noqa: E402


def page_strokes() -> list:
    """A "7" as the pad records it: a point every few pixels of a 280-pixel pad, rounded as
    the page rounds them (two strokes, 95 points)."""
    t = np.linspace(0, 1, 40)[:, None]
    bar = (1 - t) * [0.24, 0.21] + t * [0.76, 0.2]
    stem = (1 - t) * [0.76, 0.2] + t * [0.45, 0.86] + 0.01 * np.sin(7 * t)
    cross = np.linspace([0.36, 0.52], [0.68, 0.5], 15)
    return [np.round(np.concatenate([bar, stem]), 4).tolist(), np.round(cross, 4).tolist()]


def number_strokes(digits: int = 6) -> list:
    """A number of `digits` sevens written in a row, each as page_strokes draws one, 0.3 of
    the pad high, a quarter of that apart."""
    height, strokes = 0.3, []
    for k in range(digits):
        left = 0.05 + k * height * 0.85
        strokes += [
            [[round(left + (x - 0.24) * height, 4), round(0.3 + (y - 0.2) * height, 4)] for x, y in s]
            for s in page_strokes()
        ]
    return strokes


def canvas_png() -> bytes:
    """What the page sends: black strokes on white, 280x280, as PNG."""
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).line([(70, 56), (210, 56), (126, 238)], fill=0, width=17, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def timed(fn, *args, n: int = 500) -> list[float]:
    fn(*args)  # warm-up
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn(*args)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def page_weight() -> dict[str, int]:
    """Bytes of the drawing page and of every static file it loads (module imports too)."""
    html = Client(HTTP_HOST="localhost").get("/").content
    sizes = {"/": len(html)}
    urls = {u.decode() for u in re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)}
    js = ROOT / "static" / "recognizer" / "js"
    pending = [u for u in urls if u.endswith(".js")]
    while pending:  # follow the ES module imports, as the browser does
        module = js / pending.pop().rsplit("/", 1)[1]
        for name in re.findall(r'from "\./([\w-]+\.js)"', module.read_text()):
            url = f"/static/recognizer/js/{name}"
            if url not in urls:
                urls.add(url)
                pending.append(url)
    for url in sorted(urls):
        sizes[url] = Path(finders.find(url.removeprefix("/static/"))).stat().st_size
    return sizes


def whole_request(drawing, model: str) -> bytes:
    """What a request does besides HTTP: draw or decode, preprocess, forward, the JSON answer."""
    return json.dumps(services.predict(drawing, model).as_json()).encode()


def report(title: str, steps: dict[str, list[float]]) -> None:
    print(title)
    for name, samples in steps.items():
        q = statistics.quantiles(samples, n=20)
        print(f"  {name:<30} median {statistics.median(samples):6.3f} ms   p95 {q[18]:6.3f} ms")


def main() -> None:
    model_store.get()
    strokes, png = page_strokes(), canvas_png()
    ink, gray = raster.draw(strokes), imaging.decode(png)
    pixels = from_mask(ink)
    names = model_store.names()
    steps = {"rasterise": timed(raster.draw, strokes), "preprocess": timed(from_mask, ink)}
    for name in names:
        steps[f"forward, {name}"] = timed(services.predict, pixels, name)
        steps[f"strokes -> answer, {name}"] = timed(services.predict, strokes, name)
        steps[f"+ JSON answer, {name}"] = timed(whole_request, strokes, name)
    body = json.dumps({"strokes": strokes})
    answer = {name: len(whole_request(strokes, name)) for name in names}
    sizes = ", ".join(f"{name} {n} bytes" for name, n in answer.items())
    report(f"strokes as the page sends them ({len(body)} bytes; answers: {sizes}):", steps)
    number = number_strokes()
    steps = {}
    for name in names:
        read = services.predict(number, name).number
        steps[f"+ JSON answer, {name} (read {read})"] = timed(whole_request, number, name, n=200)
    report(f"six digits drawn ({len(number)} strokes):", steps)
    steps = {"decode PNG": timed(imaging.decode, png), "preprocess": timed(to_mnist, gray)}
    for name in names:
        steps[f"+ JSON answer, {name}"] = timed(whole_request, png, name)
    report(f"a photo: a 280x280 PNG ({len(png)} bytes):", steps)
    sizes = page_weight()
    print(f"drawing page transfer: {sum(sizes.values()) / 1024:.1f} KiB uncompressed")
    for url, size in sizes.items():
        print(f"  {url:<40} {size / 1024:6.1f} KiB")


if __name__ == "__main__":
    main()
