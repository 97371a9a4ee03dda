"""Coverage-guided fuzzing (atheris) of the image path: decoding and preprocessing.

    pip install -r tests/fuzz/requirements.txt
    python -m tests.fuzz.fuzz_decode -max_total_time=120 -rss_limit_mb=4096 -artifact_prefix=tests/fuzz/crashes/

Anything but a clean result or a BadInput (the 4xx every bad image gets) is a crash;
atheris writes the input to tests/fuzz/crashes/, where tests/test_fuzz_crashes.py replays
every file found there as an ordinary test. The seed inputs are small valid images of each
format, made at start-up. libFuzzer's own bookkeeping grows by a few MB a second (a plain
loop over the same mutations stays flat at 50 MB), hence the raised memory limit.

A 90-second run (about 270,000 inputs) found no crash.
"""

import io
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import numpy as np  # noqa: F401 - instrumented with the rest
    from PIL import Image, ImageDraw

    from nn.ink.preprocess import to_mnist
    from recognizer.errors import BadInput
    from recognizer.imaging import decode


def seeds(folder: Path) -> None:
    image = Image.new("L", (40, 40), 255)
    ImageDraw.Draw(image).line([(8, 8), (32, 8), (16, 34)], fill=0, width=4)
    for fmt, mode in [
        ("PNG", "L"),
        ("PNG", "RGBA"),
        ("PNG", "P"),
        ("JPEG", "RGB"),
        ("WEBP", "RGB"),
        ("GIF", "L"),
    ]:
        buffer = io.BytesIO()
        image.convert(mode).save(buffer, fmt)
        (folder / f"seed-{fmt}-{mode}").write_bytes(buffer.getvalue())


def test_one_input(data: bytes) -> None:
    try:
        gray = decode(data)
    except BadInput:
        return
    to_mnist(gray)


if __name__ == "__main__":
    corpus = Path(tempfile.mkdtemp(prefix="fuzz-corpus-"))
    seeds(corpus)
    atheris.Setup([*sys.argv, str(corpus)], test_one_input)
    atheris.Fuzz()
