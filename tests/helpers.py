"""Helpers shared by the test modules: API clients, drawings of known digits, a tiny
network with hand-set weights that reads them, image encoders and answer checks, and
running the site as production does, in processes of its own."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw

# Made in bench/, where the benchmarks use them too; the tests take them from here.
from bench.payloads import data_url, encode, line, multipart, write_payload, zigzag  # noqa: F401
from bench.stack import ROOT, SECRET, answering, free_port, manage, prepare_site, production_env  # noqa: F401
from nn.data import handwriting
from nn.networks.network import Network

PREDICT, LABELLED = "/api/predict", "/api/labelled-drawings"
MLP_SIZES = (784, 250, 10)  # the layers of the 784-250-10

# Drawings of known digits, as the pad sends them: strokes in units of the pad's height.
ONE = [[[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]]]  # a vertical stroke
ZERO = [[[0.5 + 0.3 * np.cos(t), 0.5 + 0.35 * np.sin(t)] for t in np.linspace(0, 2 * np.pi, 40)]]
SEVEN = [(60, 60), (220, 60), (120, 240)]  # a "7" in pixels of a 280x280 image: not symmetric
# Drawings that are not digits, as the pad would send them (the not-a-digit check refuses them).
NOT_DIGITS = {
    "a dot": [[[0.5, 0.5]]],
    "a dash": [[[0.3, 0.52], [0.5, 0.5], [0.7, 0.49]]],
    "a scribble": [[[0.3 + 0.4 * (i % 2), 0.3 + 0.02 * i] for i in range(21)]],  # a dense zig-zag
    "a cross": [[[0.3, 0.3], [0.7, 0.7]], [[0.7, 0.3], [0.3, 0.7]]],
    "several blobs": [[[0.2, 0.2]], [[0.8, 0.3]], [[0.45, 0.8]]],
    "a W": [[[0.15, 0.25], [0.3, 0.75], [0.5, 0.4], [0.7, 0.75], [0.85, 0.25]]],
    "an M": [[[0.2, 0.8], [0.25, 0.2], [0.5, 0.6], [0.75, 0.2], [0.8, 0.8]]],
}

# Hand-written digits for numbers, each a list of strokes in a box 1 high and about 0.6 wide.
_turn = np.linspace(0, 2 * np.pi, 32)
SHAPES = {
    "0": [np.stack([0.3 + 0.3 * np.cos(_turn), 0.5 + 0.5 * np.sin(_turn)], axis=1)],
    "1": [np.array([[0.2, 0.1], [0.32, 0.0], [0.32, 0.5], [0.32, 1.0]])],
    "2": [np.array([[0.0, 0.2], [0.2, 0.0], [0.5, 0.05], [0.55, 0.3], [0.3, 0.6], [0.0, 1.0], [0.6, 1.0]])],
    "6": [
        np.array(
            [
                [0.5, 0.0],
                [0.2, 0.3],
                [0.0, 0.7],
                [0.2, 1.0],
                [0.5, 0.9],
                [0.55, 0.65],
                [0.3, 0.55],
                [0.05, 0.7],
            ]
        )
    ],
    # a crossed seven: the bar and the stem in one stroke, then the crossbar
    "7": [np.array([[0.0, 0.0], [0.6, 0.0], [0.35, 0.5], [0.2, 1.0]]), np.array([[0.2, 0.5], [0.55, 0.5]])],
    # a five whose top bar is a second stroke, drawn last
    "5": [
        np.array([[0.1, 0.0], [0.05, 0.4], [0.4, 0.4], [0.6, 0.7], [0.35, 1.0], [0.0, 0.9]]),
        np.array([[0.1, 0.0], [0.6, 0.0]]),
    ],
    # a four in two strokes: the open corner, then the stem through it
    "4": [np.array([[0.3, 0.0], [0.0, 0.65], [0.6, 0.65]]), np.array([[0.45, 0.2], [0.45, 1.0]])],
    "3": [
        np.array(
            [
                [0.0, 0.12],
                [0.25, 0.0],
                [0.5, 0.1],
                [0.5, 0.32],
                [0.2, 0.48],
                [0.55, 0.65],
                [0.55, 0.9],
                [0.25, 1.0],
                [0.0, 0.88],
            ]
        )
    ],
}


def written(
    number: str,
    height: float = 0.5,
    gap: float = 0.15,
    left: float = 0.1,
    top: float = 0.25,
    *,
    slant: float = 0.0,
):
    """A number written on the pad left to right: (strokes as lists, each digit's stroke
    indices). `gap` is the space between digits' ink, as a fraction of the height (below 0:
    their columns overlap); `slant` leans each digit right by that much of its height."""
    pen = 0.06  # the page's pen (nn.ink.raster.PEN_WIDTH): ink reaches half of it past the points
    strokes, groups = [], []
    for char in number:
        shape = [s + np.outer(1 - s[:, 1], [slant, 0]) for s in SHAPES[char]]  # leaning right
        width = max(s[:, 0].max() for s in shape) * height
        groups.append(list(range(len(strokes), len(strokes) + len(shape))))
        strokes += [(s * height + [left, top]).round(4).tolist() for s in shape]
        left += width + pen + gap * height
    return strokes, groups


def tiny_network() -> Network:
    """A 784-2-10 network with hand-set weights: hidden neuron 0 counts ink in the middle
    columns, neuron 1 ink away from them; a vertical stroke (ONE) reads as 1 and a ring
    (ZERO) as 0, with every other digit far behind."""
    columns = np.arange(784) % 28  # (784,)
    middle = (columns >= 12) & (columns <= 15)
    W1 = np.stack([middle * 0.15, ~middle * 0.15], axis=1).astype(np.float32)  # (784, 2)
    b1 = np.array([-3.0, -3.0], np.float32)
    W2 = np.zeros((2, 10), np.float32)
    W2[:, 1] = [12.0, -12.0]  # in the middle, not around it: a 1
    W2[:, 0] = [-6.0, 12.0]  # around the middle: a 0
    b2 = np.full(10, -8.0, np.float32)
    b2[[0, 1]] = 0.0
    return Network(W1, b1, W2, b2)


class Api:
    """A client like a script or a browser: CSRF-enforcing, holding a token from /api/csrf
    for the endpoints that need one, and an address for the rate limit."""

    def __init__(self, address: str = "203.0.113.7"):
        self.client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        self.headers = {"X-CSRFToken": self.client.get("/api/csrf").json()["csrfToken"]}

    def post(self, data, content_type="application/json", url=PREDICT, **meta):
        # CONTENT_TYPE too: the test client drops the content type of an empty body.
        return self.client.post(
            url, data, content_type, headers=self.headers, CONTENT_TYPE=content_type, **meta
        )

    def post_json(self, value, url=PREDICT, **meta):
        return self.post(json.dumps(value), url=url, **meta)

    def post_image(self, data: bytes, media_type="image/png"):
        return self.post_json({"image": data_url(data, media_type)})

    def upload(self, data: bytes, name="digit.png", url=PREDICT, **fields):
        return self.client.post(
            url, {"image": SimpleUploadedFile(name, data), **fields}, headers=self.headers
        )

    def label(self, label, drawing=None, **fields):
        """A labelled drawing sent to the labelled-drawing endpoint (strokes of a ONE unless given)."""
        return self.post_json(
            {"strokes": ONE if drawing is None else drawing, "label": label, **fields}, LABELLED
        )


def draw_seven(image: Image.Image, ink) -> Image.Image:
    ImageDraw.Draw(image).line(SEVEN, fill=ink, width=24)
    return image


def seven_image() -> Image.Image:
    """Black strokes of a "7" on a white 280x280 canvas, mode L."""
    return draw_seven(Image.new("L", (280, 280), 255), 0)


def seven_pixels() -> np.ndarray:
    """A 28x28 MNIST-style input: white ink on black, values in [0, 1]."""
    image = draw_seven(Image.new("L", (280, 280), 0), 255).resize((28, 28), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.float32) / 255


def assert_error(response, status: int, phrase: str) -> str:
    assert response.status_code == status, response.content[:300]
    assert "Traceback" not in response.content.decode("utf-8", "replace")
    error = response.json()["error"]
    assert isinstance(error, str)
    assert phrase in error
    return error


def assert_prediction(response) -> dict:
    """A well-formed answer: a digit, ten probabilities that agree with it, the input."""
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert isinstance(body["digit"], int) and 0 <= body["digit"] <= 9
    assert len(body["probabilities"]) == 10
    assert sum(body["probabilities"]) == pytest.approx(1, abs=1e-5)
    assert body["probabilities"][body["digit"]] == max(body["probabilities"])
    assert len(body["input"]) == 784 and all(0 <= v <= 1 for v in body["input"])
    assert isinstance(body["model"], str) and body["model"]
    return body


def network_input(body: dict) -> np.ndarray:
    """The (28, 28) input an answer says the network read."""
    return np.asarray(body["input"], dtype=np.float32).reshape(28, 28)


def make_drawing(label: int, fill: int = 0, **fields):
    """A labelled drawing put straight into the database, all pixels `fill`."""
    from recognizer.models import LabelledDrawing

    values = {"model": "mlp", "predicted": label, "probabilities": [0.1] * 10, **fields}
    return LabelledDrawing.objects.create(label=label, pixels=bytes([fill]) * 784, **values)


def toy_digits() -> tuple[np.ndarray, np.ndarray]:
    """200 synthetic 28x28 'digits': a bright bar whose position encodes the label."""
    labels = np.random.default_rng(0).integers(0, 10, 200).astype(np.uint8)
    return bars(labels, vertical=False), labels


def bars(labels, vertical: bool) -> np.ndarray:
    """Synthetic digits: a bar whose position encodes the label; horizontal or vertical."""
    images = np.zeros((len(labels), 28, 28), np.uint8)
    for i, label in enumerate(labels):
        band = slice(4 + 2 * label, 6 + 2 * label)
        if vertical:
            images[i, 6:22, band] = 255
        else:
            images[i, band, 6:22] = 255
    return images


def quiet(_line):
    """A training log that prints nothing."""


class RunsACommand:
    """Unpickling this calls os.system: the classic malicious pickle."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# --- the site in processes of its own, as production runs it -------------------------


def wait_until_answering(
    url: str, process: subprocess.Popen, log: Path | None = None, seconds: float = 60
) -> None:
    """Poll `url` until it answers 200; fail with the process's log if it exits or never does."""
    if not answering(url, process, seconds):
        process.kill()
        raise AssertionError(f"{url} never answered" + (":\n" + log.read_text()[-3000:] if log else ""))


# --- what one request costs a worker ---------------------------------------------------

WORKER = r"""
import base64, json, os, resource, sys, time
spec = json.load(open(sys.argv[1]))
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from recognizer.models import LabelledDrawing

client = Client(raise_request_exception=False)  # a failure is a 500, as a worker answers it

def status(name):
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(name))

def send(r):
    return client.generic(r["method"], r["path"], base64.b64decode(r["body"]), r["content_type"])

seven = {"strokes": [[[0.22, 0.2], [0.5, 0.19], [0.78, 0.2], [0.62, 0.45], [0.45, 0.85]], [[0.35, 0.5], [0.7, 0.5]]]}
assert client.post("/api/predict", seven, content_type="application/json").status_code == 200
assert client.post("/api/labelled-drawings", {**seven, "label": 7}, content_type="application/json").status_code == 201
assert client.post("/api/predict", b"{", content_type="application/json").status_code == 400  # the error path too
# An attack that would take gigabytes fails with a MemoryError instead of taking the machine.
resource.setrlimit(resource.RLIMIT_AS, (status("VmSize:") * 1024 + spec["headroom"], resource.RLIM_INFINITY))
results = []
for r in spec["requests"]:
    stored = LabelledDrawing.objects.count()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak resident size starts again from the current one
    before, cpu, wall = status("VmHWM:"), time.process_time(), time.perf_counter()
    try:
        response = send(r)
        answer, code = response.content.decode(errors="replace")[:500], response.status_code
    except MemoryError:
        answer, code = "MemoryError", None
    results.append({"status": code, "answer": answer, "cpu": time.process_time() - cpu,
                    "seconds": time.perf_counter() - wall, "mb": (status("VmHWM:") - before) / 1024,
                    "stored": LabelledDrawing.objects.count() - stored})
print(json.dumps(results))
"""


def request_spec(path: str, body: bytes | dict | list, content_type: str = "application/json", method="POST"):
    """One request for worker_costs: JSON values are encoded, bytes sent as they are."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return {
        "method": method,
        "path": path,
        "body": base64.b64encode(data).decode(),
        "content_type": content_type,
    }


def worker_costs(
    requests: list[dict], tmp_path: Path, headroom_mb: int = 1024, **env
) -> tuple[list[dict], str]:
    """Send each request, in order, to the site in a fresh process as a gunicorn worker
    runs it (production settings, the shipped models, a migrated SQLite database of its
    own) that has first answered an ordinary prediction and labelled drawing. Per request:
    its status and answer, the CPU seconds and wall seconds it took, how far the peak
    resident memory rose above where it stood (VmHWM, reset before each through
    /proc/self/clear_refs), and the labelled drawings it stored. Also what the process
    logged. Its address space is capped `headroom_mb` above idle, so that an attack that
    would take gigabytes ends in a MemoryError (status None) rather than taking the machine."""
    settings = production_env(
        DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_HASHED_STATIC="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}", **env,
    )  # fmt: skip
    settings.update(DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="digitsite.settings")
    spec = tmp_path / "requests.json"
    spec.write_text(json.dumps({"requests": requests, "headroom": headroom_mb << 20}))
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(spec)],
        cwd=ROOT, env=settings, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def real_handwriting() -> Path:
    """The folder of the real handwriting sets; the calling test is skipped without it, and
    fails on CI, which must have it."""
    folder = handwriting.find_folder()
    if folder is None:
        if os.environ.get("CI"):
            raise AssertionError(f"CI must have the real handwriting: set {handwriting.ENV_VAR}")
        pytest.skip(f"needs the real handwriting sets: set {handwriting.ENV_VAR}")
    return folder


def checked_copy(path: str | os.PathLike, folder: Path) -> Path:
    """A copy of a shipped file in `folder`, with its checksum file beside it."""
    copy = folder / Path(path).name
    copy.write_bytes(Path(path).read_bytes())
    Path(f"{copy}.sha256").write_bytes(Path(f"{path}.sha256").read_bytes())
    return copy


def flip_a_bit(path: Path) -> None:
    """Tamper with a file: one bit in its middle flipped."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
