"""Server-side cost of one prediction, stage by stage, and the drawing page's transfer size.

    python3 -m bench.bench_predict

For the strokes the drawing page sends and for a photo (a 280x280 PNG), with each model:
the median time of the whole work a request does besides HTTP (services.predict and the
JSON answer), and of each stage of it, counted inside those very calls: decoding,
segmenting, the ink budget (with the strokes' smoothed paths, made for it first),
rasterising, preprocessing, the not-a-digit check, the network (its input and forward
pass) and the JSON answer; the rest is bookkeeping. A call's stages
and its rest add up to its whole; the medians nearly do. Then the bytes the browser
downloads for the drawing page (HTML, CSS, JavaScript, icon).

The same for six digits drawn in a row (the segmentation's work too).

Times are CPU time of the thread doing the work (time.thread_time), as on a shared machine
the wall clock also counts the other processes' turns on the cores. Even so, compare
figures of one run, not seconds across runs. BLAS runs on one thread, as in a web process
(digitsite sets it before NumPy loads): a second thread's waiting for its turn on a busy
machine would be counted in the work.
"""

from __future__ import annotations

import digitsite  # noqa: F401  (first, before NumPy loads: BLAS on one thread, as a web process runs it)

# isort: split
import json
import re
import statistics
import time
from dataclasses import replace
from pathlib import Path

from bench.common import arguments, canvas_png, page_strokes, setup_django, timed
from bench.stack import ROOT
from nn.ink import raster, segment

setup_django()

from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client  # noqa: E402

from recognizer import drawings, imaging, model_store, not_digit, services  # noqa: E402
from recognizer.drawings import Photo, Pixels, Strokes  # noqa: E402

# stage -> the functions whose calls it counts, (module, name) as the request path looks them up
STAGES = {
    "decode": [(imaging, "decode")],
    "ink mask": [(drawings, "ink_mask")],
    "segment": [(drawings, "segmented")],  # the pieces, the scorer's reading, the digits drawn
    "ink budget": [(drawings, "affordable"), (raster, "traced")],  # the strokes' paths, made for it first
    "rasterise": [(raster, "draw")],
    "preprocess": [(segment, "prepared")],
    "not-a-digit check": [(not_digit, "refuse_non_digits")],
    "network": [(services, "predict_digit")],
}
TARGETS = {"strokes": 1.0, "photo": 2.0}  # ms, the median of the whole, at most
clock = time.thread_time  # CPU time of the thread doing the work: see the docstring


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


class Clock:
    """Milliseconds spent in each stage's functions during one call, counted by wrapping
    them where the request path looks them up. A stage called inside another (segmenting
    draws the digits it finds) is counted in the outer one, so no time counts twice."""

    def __init__(self):
        self.spent = dict.fromkeys([*STAGES, "JSON answer"], 0.0)
        self.inside = False
        for stage, functions in STAGES.items():
            for module, name in functions:
                setattr(module, name, self.counting(stage, getattr(module, name)))

    def counting(self, stage: str, fn):
        def counted(*args, **kwargs):
            if self.inside:
                return fn(*args, **kwargs)
            self.inside, t0 = True, clock()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[stage] += (clock() - t0) * 1000
                self.inside = False

        counted.original = fn
        return counted

    def restore(self) -> None:
        for functions in STAGES.values():
            for module, name in functions:
                setattr(module, name, getattr(module, name).original)

    def request(self, drawing, model: str) -> tuple[float, dict[str, float]]:
        """One request's work: (its whole, in ms; each stage's part of it)."""
        self.spent = dict.fromkeys(self.spent, 0.0)
        drawing = replace(drawing)  # a new one: nothing decoded is kept from the last request
        t0 = clock()
        reading = services.predict(drawing, model)
        t1 = clock()
        json.dumps(reading.as_json()).encode()
        t2 = clock()
        self.spent["JSON answer"] = (t2 - t1) * 1000
        return (t2 - t0) * 1000, dict(self.spent)


def staged(drawing, model: str, n: int = 500) -> dict[str, list[float]]:
    """Each stage's ms, the rest and the whole, for n requests (after one to warm up)."""
    clock = Clock()
    try:
        clock.request(drawing, model)
        samples: dict[str, list[float]] = {}
        for _ in range(n):
            whole, spent = clock.request(drawing, model)
            spent = {stage: ms for stage, ms in spent.items() if ms > 0}
            spent["the rest (bookkeeping)"] = whole - sum(spent.values())
            spent["whole: predict + JSON"] = whole
            for stage, ms in spent.items():
                samples.setdefault(stage, []).append(ms)
        return samples
    finally:
        clock.restore()


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


def report(title: str, steps: dict[str, list[float]], target: float | None = None) -> None:
    print(title)
    for name, samples in steps.items():
        q = statistics.quantiles(samples, n=20)
        median = statistics.median(samples)
        met = ""
        if target is not None and name.startswith("whole"):
            met = f"   target <= {target:g} ms: {'met' if median <= target else 'NOT met'}"
        print(f"  {name:<30} median {median:6.3f} ms   p95 {q[18]:6.3f} ms{met}")


def main() -> None:
    arguments(__doc__).parse_args()
    model_store.get()
    strokes, png = page_strokes(), canvas_png()
    names = model_store.names()
    answers = {name: json.dumps(services.predict(Strokes(strokes), name).as_json()) for name in names}
    sizes = ", ".join(f"{name} {len(answer.encode())} bytes" for name, answer in answers.items())
    print(f"strokes as the page sends them: {len(json.dumps({'strokes': strokes}))} bytes; answers: {sizes}")
    print(f"a photo: a 280x280 PNG, {len(png)} bytes")
    pixels = Pixels(Strokes(strokes).whole().pixels)
    for name in names:
        report(
            f"forward pass alone (a pixel array), {name}:", {"predict": timed(services.predict, pixels, name)}
        )
        report(f"strokes -> answer, {name}:", staged(Strokes(strokes), name), TARGETS["strokes"])
        report(f"photo -> answer, {name}:", staged(Photo(png), name), TARGETS["photo"])
    number = number_strokes()
    for name in names:
        read = services.predict(Strokes(number), name).number
        report(
            f"six digits drawn ({len(number)} strokes, read {read}) -> answer, {name}:",
            staged(Strokes(number), name, n=200),
        )
    sizes = page_weight()
    print(f"drawing page transfer: {sum(sizes.values()) / 1024:.1f} KiB uncompressed")
    for url, size in sizes.items():
        print(f"  {url:<40} {size / 1024:6.1f} KiB")


if __name__ == "__main__":
    main()
