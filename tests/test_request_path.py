"""The request path's answers stay exactly what they were: golden/answers.json holds, for a
fixed set of drawings, photos and pixel arrays (made-up ones and real people's), every
answer each shipped model gives (or the refusal, word for word). The path shares its
work between its steps (one ink mask, one working image); sharing must change no answer.

An answer is kept as it is sent, but for its long lists of numbers (the input, the layers'
activations), each kept as its count, sum and sum of magnitudes. Another processor's BLAS
sums in another order, and a float32 sum then differs in its last bits: a number may move
by one unit of its last decimal (services.DECIMALS) where it lies on a rounding boundary.
Numbers are compared to within that unit (a sum, to within a few of them and float32's
precision); every digit, number, refusal and count exactly.

After a shipped model or the not-a-digit check is retrained, the answers change with it:
write them again with `python -m tests.test_request_path`, on the code before any change
to the path, and check the new file in with the model."""

from __future__ import annotations

# First, before NumPy loads: run as a script, it sets Django up, and with it BLAS's one
# thread (digitsite/__init__.py), as under pytest and in a web process. Another thread
# count sums in another order, and a mask's threshold may then fall elsewhere.
from tests.conftest import SHIPPED_DEFAULT, SHIPPED_MODEL_DIR

# isort: split
import json
from pathlib import Path

import numpy as np
from PIL import Image

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


UNIT = 10.0**-services.DECIMALS  # the last decimal an answer's numbers are written to
SHORT = 10  # numbers a list may hold and be kept whole (a digit's probabilities)
SUM_UNITS = 4  # of UNIT: how far a long list's sums may move (a few numbers on a boundary)
PRECISION = 1e-5  # relative: how far float32 sums summed in another order may move
KEPT_DECIMALS = services.DECIMALS + 2  # a number as the file keeps it: well within UNIT


def kept(answer):
    """An answer as the golden file keeps it: each long list of numbers (nested or not) as
    {"count", "sum", "magnitude"}, each number to KEPT_DECIMALS; everything else as it is."""
    if isinstance(answer, dict):
        return {key: kept(value) for key, value in answer.items()}
    if isinstance(answer, list):
        values = np.asarray(answer, dtype=object).ravel()
        if len(values) > SHORT and any(isinstance(v, float) for v in values):
            numbers = values.astype(np.float64)
            return {
                "count": len(numbers),
                "sum": kept(numbers.sum()),
                "magnitude": kept(np.abs(numbers).sum()),
            }
        return [kept(value) for value in answer]
    return round(float(answer), KEPT_DECIMALS) if isinstance(answer, float) else answer


def differences(expected, got, at: str = "") -> list[str]:
    """Where `got` differs from `expected` (both as `kept` makes them) beyond another
    processor's rounding: one unit of the last decimal for a number, SUM_UNITS of them and
    float32's PRECISION for a long list's sums; exactly for anything else."""
    if isinstance(expected, dict) and isinstance(got, dict):
        if expected.keys() != got.keys():
            return [f"{at}: keys {sorted(expected)} became {sorted(got)}"]
        if "magnitude" in expected:
            allowed = SUM_UNITS * UNIT + PRECISION * expected["magnitude"]
            moved = [k for k in ("sum", "magnitude") if abs(expected[k] - got[k]) > allowed]
            return [f"{at}: {k} {expected[k]} became {got[k]}" for k in moved] + (
                [f"{at}: count {expected['count']} became {got['count']}"]
                if expected["count"] != got["count"]
                else []
            )
        return [d for key in expected for d in differences(expected[key], got[key], f"{at}.{key}")]
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        return [
            d
            for i, (e, g) in enumerate(zip(expected, got, strict=True))
            for d in differences(e, g, f"{at}[{i}]")
        ]
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (expected, got))
    if numbers and float in (type(expected), type(got)):  # a 0 is written 0 (services.numbers)
        return [] if abs(expected - got) <= UNIT * 1.01 else [f"{at}: {expected} became {got}"]
    return [] if expected == got and type(expected) is type(got) else [f"{at}: {expected!r} became {got!r}"]


def answer(drawing, model: str, activations: bool | None) -> dict | str:
    try:
        return services.predict(TYPED[type(drawing)](drawing), model, activations).as_json()
    except DigitsError as exc:
        return f"{type(exc).__name__}: {exc}"


def answers(cases: dict[str, object]) -> dict[str, object]:
    """Each case's answer by each model, and with every layer's activations from the default."""
    out = {}
    for name, drawing in cases.items():
        for model in model_store.names():
            out[f"{name} / {model}"] = kept(answer(drawing, model, None))
        out[f"{name} / activations"] = kept(answer(drawing, None, True))
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
    assert got.keys() <= expected.keys()
    differ = {key: d for key in got if (d := differences(expected[key], got[key], key))}
    assert not differ, f"{len(differ)} of {len(got)} answers changed, e.g. {list(differ.values())[:3]}"


def test_made_up_drawings_photos_and_pixels_are_answered_exactly_as_before(shipped):
    assert_same_answers(made_up())


def test_real_people_s_drawings_numbers_and_scans_are_answered_exactly_as_before(shipped):
    cases = real()
    assert len(cases) > 500
    assert_same_answers(cases)


def test_a_number_moved_by_another_processor_s_rounding_is_the_same_answer():
    before = kept({"digit": 3, "probabilities": [0.12345, 0.5], "input": [0.25] * 784})
    after = kept({"digit": 3, "probabilities": [0.12355, 0.5], "input": [0.25] * 783 + [0.2501]})
    assert differences(before, after) == []


def test_a_number_moved_further_or_another_digit_is_a_change():
    before = kept({"digit": 3, "probabilities": [0.12345, 0.5], "input": [0.25] * 784})
    assert differences(before, kept({"digit": 3, "probabilities": [0.1237, 0.5], "input": [0.25] * 784}))
    assert differences(before, kept({"digit": 8, "probabilities": [0.12345, 0.5], "input": [0.25] * 784}))
    assert differences(
        before, kept({"digit": 3, "probabilities": [0.12345, 0.5], "input": [0.25] * 783 + [0.3]})
    )


if __name__ == "__main__":  # record the answers of the code as it is
    from django.conf import settings

    settings.MODEL_DIR, settings.DIGITS_MODEL = SHIPPED_MODEL_DIR, SHIPPED_DEFAULT
    recorded = answers({**made_up(), **real()})
    # One answer a line: a change of answers is a change of lines.
    lines = [
        f"{json.dumps(key)}: {json.dumps(value, sort_keys=True)}" for key, value in sorted(recorded.items())
    ]
    head = json.dumps(versions(), sort_keys=True)
    GOLDEN.write_text(f'{{"versions": {head}, "answers": {{\n' + ",\n".join(lines) + "\n}}\n")
    print(f"{len(recorded)} answers written to {GOLDEN}")
