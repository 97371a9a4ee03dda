"""Image bombs: a few bytes that would decode to hundreds of megabytes are refused from the
header alone, fast and without the memory, through the whole predict endpoint.

Each file is sent in a fresh Python process that has already answered one ordinary
prediction, and that process measures the time of the bomb's request and the growth of
its peak resident memory (VmHWM, reset just before through /proc/self/clear_refs).
"""

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bench.payloads import BOMB_SIDE, BOMBS, PARTS, encode
from recognizer.imaging import MAX_DECODED_BYTES, decoding_cost

ROOT = Path(__file__).resolve().parent.parent

MEASURE = """
import io, json, os, sys, time
os.environ.update(DJANGO_SETTINGS_MODULE="digitsite.settings", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="secret-key-for-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz",
                  DJANGO_ALLOWED_HOSTS="testserver", DJANGO_HTTPS="0", DJANGO_HASHED_STATIC="0")
import django
django.setup()
from django.test import Client
from PIL import Image, ImageDraw

def peak_kib():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))

client = Client()  # one: each new client loads the middleware again

def predict(data):
    return client.post("/api/predict", {"image": io.BytesIO(data)})

warm = io.BytesIO()
digit = Image.new("L", (280, 280), 255)
ImageDraw.Draw(digit).line([(60, 50), (220, 50), (120, 240)], fill=0, width=24)
digit.save(warm, "PNG")
assert predict(warm.getvalue()).status_code == 200
assert predict(b"not an image").status_code == 400  # the error path warmed too
bomb = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak resident size starts again from the current one
before = peak_kib()
started = time.process_time()  # CPU: what the request costs, however busy the machine
response = predict(bomb)
seconds = time.process_time() - started
print(json.dumps({"status": response.status_code, "seconds": seconds, "mb": (peak_kib() - before) / 1024,
                  "answer": response.content.decode(errors="replace")[:300]}))
"""


@pytest.fixture(scope="module")
def bomb_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    files = {}
    for i, (name, make) in enumerate(BOMBS.items()):
        files[name] = folder / f"bomb{i}"
        files[name].write_bytes(make())
    return files


def test_the_bombs_are_what_they_claim(bomb_files):
    for name, path in bomb_files.items():
        image = Image.open(path)
        assert image.size == (BOMB_SIDE, BOMB_SIDE), name
        assert path.stat().st_size < 400_000, name
    assert bomb_files["lossless WebP, RGBA"].stat().st_size < 40
    assert Image.open(bomb_files["lossless WebP, RGBA"]).mode == "RGBA"
    assert Image.open(bomb_files["16-bit RGBA PNG"]).mode == "RGBA"  # Pillow reads it as 8-bit
    assert "transparency" in Image.open(bomb_files["transparent GIF"]).info


def measure(path: Path) -> dict:
    """Send the file to predict in a fresh process: status, seconds of CPU, peak memory growth."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", BOMBS)
def test_an_image_bomb_is_a_4xx_within_100_ms_and_100_mb(bomb_files, name):
    measured = measure(bomb_files[name])
    print(f"{name}: {measured}")
    assert 400 <= measured["status"] < 500, measured
    assert "error" in json.loads(measured["answer"])
    assert measured["seconds"] < 0.1, measured
    assert measured["mb"] < 100, measured


def drawn(mode: str, side: int) -> Image.Image:
    """A dark seven on a light square (transparent around it where the mode allows)."""
    image = Image.new("L", (side, side), 255)
    ImageDraw.Draw(image).line([(side // 5, side // 5), (side * 4 // 5, side // 5), (side // 3, side * 4 // 5)],
                               fill=0, width=side // 12)  # fmt: skip
    if mode == "I;16":
        return image.point(lambda v: v * 257, "I").convert("I;16")
    if mode == "RGBA":  # ink opaque, paper transparent: the costly case
        rgba = image.convert("RGBA")
        rgba.putalpha(image.point(lambda v: 255 - v))
        return rgba
    return image.convert(mode)


KINDS = {  # format, mode, save parameters
    "transparent palette PNG": ("PNG", "P", {"transparency": 255}),
    "RGBA PNG": ("PNG", "RGBA", {}),
    "RGB PNG with a transparent colour": ("PNG", "RGB", {"transparency": (255, 255, 255)}),
    "16-bit greyscale PNG": ("PNG", "I;16", {}),
    "lossless WebP": ("WEBP", "RGBA", {"lossless": True}),
    "progressive JPEG": ("JPEG", "RGB", {"progressive": True}),
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_largest_image_of_each_kind_accepted_costs_what_the_limit_allows(tmp_path, kind):
    fmt, mode, params = KINDS[kind]
    probe = Image.open(io.BytesIO(encode(drawn(mode, 64), fmt, **params)))
    side = math.isqrt(MAX_DECODED_BYTES // decoding_cost(probe))
    path = tmp_path / "largest"
    path.write_bytes(encode(drawn(mode, side), fmt, **params))
    measured = measure(path)
    print(f"{kind}, {side}x{side}: {measured}")
    assert measured["status"] in (200, 422), measured  # decoded, not refused
    assert measured["mb"] < 1.2 * MAX_DECODED_BYTES / 2**20, measured


@pytest.mark.parametrize("name", PARTS)
def test_an_image_of_countless_tiny_parts_is_a_4xx_within_100_ms(tmp_path, name):
    path = tmp_path / "parts"
    path.write_bytes(PARTS[name]())
    assert 5_000_000 < path.stat().st_size < 8 * 1024 * 1024  # fits an upload; cost 1-2 s to open before
    measured = measure(path)
    assert 400 <= measured["status"] < 500, measured
    assert "no real image" in measured["answer"] or "before its image data" in measured["answer"]
    assert measured["seconds"] < 0.1, measured


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_ordinary_images_have_far_fewer_parts_than_the_limit(kind):
    from recognizer import image_structure

    photo = encode(
        drawn("RGB", 2000),
        kind,
        **({"exif": Image.Exif(), "icc_profile": b"\0" * 4000} if kind == "JPEG" else {}),
    )
    count = image_structure.check(photo)
    assert count is None or count < 50
