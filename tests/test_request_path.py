"""The request path's answers stay exactly what they were: golden/answers.json holds, for a
fixed set of drawings, photos and pixel arrays (made-up ones and real people's), a digest of
every answer each shipped model gives (or the refusal, word for word). The path shares its
work between its steps (one ink mask, one working image); sharing must change no answer.

After a shipped model or the not-a-digit check is retrained, the answers change with it:
write them again with `python -m tests.test_request_path`, on the code before any change
to the path, and check the new file in with the model."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from PIL import Image

from tests.conftest import SHIPPED_DEFAULT, SHIPPED_MODEL_DIR  # first: it sets Django up (run as a script)

# isort: split
from nn.data import handwriting
from nn.ink import raster
from recognizer import model_store, not_digit, services
from recognizer.drawings import Photo, Pixels, Strokes
from recognizer.errors import DigitsError
from tests.helpers import NOT_DIGITS, ONE, ZERO, encode, real_handwriting, seven_image, seven_pixels, written

GOLDEN = Path(__file__).parent / "golden" / "answers.json"
EVERY = 97  # of a pen collection's rows, one in this many (some 400 drawings in all)
SCANS = 60  # of each scanned collection, the first this many, sent as photos
TYPED = {list: Strokes, bytes: Photo, np.ndarray: Pixels}  # each case as the parser types it


def photo_of(strokes: list, size: int = 160, margin: int = 20, invert: bool = False) -> bytes:
    """Strokes drawn with the page's pen, as a PNG photo: dark ink on white paper (or light
    on dark), with a margin of paper."""
    ink = np.pad(raster.draw(strokes, size=size), margin)
    levels = np.where(ink != invert, 20, 235).astype(np.uint8)
    return encode(Image.fromarray(levels))


def scan_photo(image: np.ndarray) -> bytes:
    """A 16x16 scan on its paper, enlarged as a phone's photo of it would be."""
    paper = Image.fromarray(handwriting.paper(image))
    return encode(paper.resize((120, 120), Image.Resampling.BILINEAR))


def made_up() -> dict[str, object]:
    cases = {"one": ONE, "zero": ZERO, **{name: strokes for name, strokes in NOT_DIGITS.items()}}
    for number in ("2026", "147", "10", "4567"):
        strokes, _ = written(number)
        cases[f"number {number}"] = strokes
        cases[f"photo of {number}"] = photo_of(strokes, size=200)
    cases["photo of a seven"] = encode(seven_image())
    cases["photo of a seven, JPEG"] = encode(seven_image(), "JPEG", quality=80)
    cases["photo of a one, light on dark"] = photo_of(ONE, invert=True)
    cases["photo of a dot"] = photo_of(NOT_DIGITS["a dot"])
    cases["photo of several blobs"] = photo_of(NOT_DIGITS["several blobs"])
    cases["blank photo"] = encode(Image.new("L", (64, 64), 255))
    cases["pixels of a seven"] = seven_pixels()
    return cases


def real() -> dict[str, object]:
    folder = real_handwriting()
    cases: dict[str, object] = {}
    for name in ("unipen-1a", "digilets", "crohme", "chars74k", "numberpad", "chars74k-letters"):
        for i, (_, row) in enumerate(handwriting.json_rows(folder / f"{name}.jsonl.gz")):
            if i % EVERY == 0:
                cases[f"{name} {i}"] = [s.tolist() for s in handwriting.to_unit(row["strokes"])]
    for i, (_, row) in enumerate(handwriting.json_rows(folder / "crohme-numbers.jsonl.gz")):
        if i % 7 == 0:  # a whole number, each digit where its writer put it
            strokes = [s for d in row["digits"] for s in d["strokes"]]
            cases[f"crohme-numbers {i}"] = [s.tolist() for s in handwriting.to_unit(strokes)]
            cases[f"photo of crohme-numbers {i}"] = photo_of(cases[f"crohme-numbers {i}"], size=240)
    for name, scans in (
        ("semeion", handwriting.load_semeion(folder / "semeion.data")),
        ("usps", handwriting.load_usps(folder)),
    ):
        for i in range(0, len(scans), len(scans) // SCANS)[:SCANS]:
            cases[f"scan {name} {i}"] = scan_photo(scans[i].image)
    return cases


def digest(answer: dict | str) -> str:
    return hashlib.sha256(json.dumps(answer, sort_keys=True).encode()).hexdigest()[:16]


def answer(drawing, model: str, activations: bool | None) -> dict | str:
    try:
        return services.predict(TYPED[type(drawing)](drawing), model, activations).as_json()
    except DigitsError as exc:
        return f"{type(exc).__name__}: {exc}"


def answers(cases: dict[str, object]) -> dict[str, str]:
    """Each case's answer by each model, and with every layer's activations from the default."""
    out = {}
    for name, drawing in cases.items():
        for model in model_store.names():
            out[f"{name} / {model}"] = digest(answer(drawing, model, None))
        out[f"{name} / activations"] = digest(answer(drawing, None, True))
    return out


def versions() -> dict[str, str]:
    return {
        **{name: model_store.get(name).sha256 for name in model_store.names()},
        "not-a-digit check": not_digit.check().sha256,
    }


def golden() -> dict:
    stored = json.loads(GOLDEN.read_text())
    assert stored["versions"] == versions(), (
        "a shipped model or the check is not the one the answers were recorded with: "
        "record them again (see this module's docstring)"
    )
    return stored["answers"]


def assert_same_answers(cases: dict[str, object]) -> None:
    expected, got = golden(), answers(cases)
    differ = [key for key, value in got.items() if expected[key] != value]
    assert not differ, f"{len(differ)} of {len(got)} answers changed, e.g. {differ[:5]}"


def test_made_up_drawings_photos_and_pixels_are_answered_exactly_as_before(shipped):
    assert_same_answers(made_up())


def test_real_people_s_drawings_numbers_and_scans_are_answered_exactly_as_before(shipped):
    cases = real()
    assert len(cases) > 500
    assert_same_answers(cases)


if __name__ == "__main__":  # record the answers of the code as it is
    from django.conf import settings

    settings.MODEL_DIR, settings.DIGITS_MODEL = SHIPPED_MODEL_DIR, SHIPPED_DEFAULT
    recorded = answers({**made_up(), **real()})
    GOLDEN.write_text(
        json.dumps({"versions": versions(), "answers": recorded}, indent=0, sort_keys=True) + "\n"
    )
    print(f"{len(recorded)} answers written to {GOLDEN}")
