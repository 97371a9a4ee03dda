"""Server-side cost of one prediction, and the drawing page's transfer size.

    python bench/bench_predict.py

Prints the median and 95th-percentile time of each step for a 280x280 canvas PNG
(decode, preprocess, forward pass per model) and of the whole work a request does besides
HTTP (those plus encoding the answer), and the bytes the browser downloads for the drawing
page (HTML, CSS, JavaScript, icon).
"""

from __future__ import annotations

import io
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

import digitsite  # noqa: E402,F401  (one BLAS thread, as in the web process)

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from nn.preprocess import to_mnist  # noqa: E402
from recognizer import imaging, services  # noqa: E402
from recognizer.model_store import available_models, current_model  # noqa: E402


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


def decode_preprocess_forward(png: bytes, model: str):
    return services.predict(png, model)


def whole_request(png: bytes, model: str) -> dict:
    """What a request does besides HTTP: decode, preprocess, forward, encode the answer."""
    return services.predict(png, model).as_json()


def main() -> None:
    current_model()
    png = canvas_png()
    gray = imaging.decode(png)
    pixels = to_mnist(gray)
    steps = {"decode PNG": timed(imaging.decode, png), "preprocess": timed(to_mnist, gray)}
    for name in available_models():
        steps[f"forward, {name}"] = timed(services.predict, pixels, name)
        steps[f"decode+prep+fwd, {name}"] = timed(decode_preprocess_forward, png, name)
        steps[f"+ JSON answer, {name}"] = timed(whole_request, png, name)
    print(f"server-side prediction of a 280x280 canvas PNG ({len(png)} bytes):")
    for name, samples in steps.items():
        q = statistics.quantiles(samples, n=20)
        print(f"  {name:<26} median {statistics.median(samples):6.3f} ms   p95 {q[18]:6.3f} ms")
    sizes = page_weight()
    print(f"drawing page transfer: {sum(sizes.values()) / 1024:.1f} KiB uncompressed")
    for url, size in sizes.items():
        print(f"  {url:<40} {size / 1024:6.1f} KiB")


if __name__ == "__main__":
    main()
