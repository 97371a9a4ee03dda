"""Numbers as people write them: read through the site's own path, real numbers first.

    python3 -m bench.bench_numbers [--composed 300] [--seed 0] [--handwriting-dir FOLDER]
                                  [--sheet FILE] [--leave-out DIR] [--split test]

Real numbers (nn/data/written_numbers.py): numbers of 2 to 5 digits that CROHME's writers wrote
inside handwritten maths, each placed on the pad as one drawing and read by
services.predict, exactly as the page's strokes are. The headline is the TEST writers'
numbers: neither the segment scorer nor the digit models saw those writers (--split
validation reads the writers a recipe is chosen on instead). For each model, per length
and per site:

- number right, against what its digits allow: the share of numbers whose every digit the
  model reads right when the true segmentation is given (each digit drawn alone, as placed),
  and the per-digit accuracy raised to the number's length;
- segmentation right (each digit found with exactly its own strokes), the digit count
  right, and numbers refused as not digits;
- a contact sheet of the numbers read wrong (--sheet).

With --leave-out DIR holding scorer-<SITE>.pkl files (`python3 -m nn.training.train_scorer
--leave-out SITE`), every number of each site is also read with the scorer that never
saw that site: what a new collection of writers sees. The digit models' own figures on
all 651 numbers are printed too (CROHME's training writers among them), and the same real
numbers as photos of them written on paper (nn/data/written_numbers.py's `photo`).

Then composed numbers (second: made up from the TEST writers' real single digits): with
the gaps measured on real numbers, as pairs and as numbers written touching, with a mark
beside a digit, with two digits joined in one stroke; as strokes and as photos on paper.
Then how often a single real digit is split, per set, and the server's time.
"""

from __future__ import annotations

import collections
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
from PIL import Image, ImageOps

from bench import common
from bench.common import arguments, setup_django, timed
from bench.payloads import encode
from nn.data import handwriting
from nn.data import written_numbers as wn
from nn.ink import raster, segment
from nn.ink.directions import pen_channels
from nn.ink.pieces import mask_pieces, pen_pieces
from nn.ink.preprocess import ink_mask
from nn.networks.scorer import load_scorer
from nn.training.train_scorer import pen_digits

setup_django()

from recognizer import drawings, model_store, services  # noqa: E402
from recognizer.drawings import Photo, Strokes  # noqa: E402
from recognizer.errors import DigitsError, NotADigit  # noqa: E402

KINDS = ("pairs", "2-6 digits", "touching pairs", "touching, 2-6 digits", "a mark beside", "two joined")


class Tally:
    """Counts of numbers read, by any key (a length, a site)."""

    def __init__(self):
        self.counts: dict = collections.defaultdict(lambda: collections.defaultdict(float))

    def add(self, key, **outcomes) -> None:
        for k in (key, "all"):
            self.counts[k]["n"] += 1
            for name, value in outcomes.items():
                self.counts[k][name] += float(value)

    NAMES = {
        "right": "number right",
        "allowed": "allowed by its digits",
        "power": "per-digit^n",
        "segmented": "segmentation",
        "count": "count right",
        "refused": "refused",
    }

    def line(self, key, name: str | None = None) -> str:
        """One row: each outcome counted for this key, as a share of its numbers."""
        c = self.counts[key]
        shares = "   ".join(
            f"{label} {100 * c[k] / max(c['n'], 1):6.2f}%" for k, label in self.NAMES.items() if k in c
        )
        return f"  {name or key!s:<24} {shares}   ({int(c['n'])})"


def read(drawing, model: str):
    """(the number the site reads, or None when refused or an error; the answer's digits' strokes)."""
    try:
        reading = services.predict(drawing, model)
    except NotADigit:
        return None, None
    except DigitsError as exc:
        return f"error: {exc}", None
    return reading.number, [d.strokes for d in reading.digits]


def drawn(number: wn.WrittenNumber) -> Strokes:
    """A number's strokes as the page sends them."""
    return Strokes([s.tolist() for s in number.strokes])


def outcome(number: wn.WrittenNumber, answer, digits: list[bool]) -> dict[str, bool]:
    """What a reading got right: the number, its count of digits; whether it was refused, and
    whether the digits read alone allowed the number at all."""
    return {
        "right": answer == number.label,
        "allowed": all(digits),
        "count": answer is not None and len(answer) == len(number.label),
        "refused": answer is None,
    }


def alone(number: wn.WrittenNumber, model) -> list[bool]:
    """Whether the model reads each digit right when given its own strokes, as placed."""
    forms = [pen_channels([number.strokes[i] for i in g]) for g in number.groups]  # (3, 28, 28) each
    return [
        f is not None and services.predict_pixels(f[0], model, directions=lambda f=f: f[1:]).digit == int(d)
        for f, d in zip(forms, number.label, strict=True)
    ]


def real_numbers(numbers: list, name: str, title: str, sheet: Path | None = None, by_site=True) -> float:
    """Read real numbers with one model; print the figures; return its per-digit accuracy."""
    model = model_store.get(name)
    per_digit = [alone(n, model) for n in numbers]
    accuracy = float(np.mean([ok for digits in per_digit for ok in digits]))
    lengths, sites, wrong = Tally(), Tally(), []
    for number, digits in zip(numbers, per_digit, strict=True):
        answer, found = read(drawn(number), name)
        right = outcome(number, answer, digits)
        right |= {
            "power": accuracy ** len(number.label),
            "segmented": found == [list(g) for g in number.groups],
        }
        lengths.add(len(number.label), **right)
        sites.add(number.site, **right)
        if not right["right"]:
            wrong.append((number, answer, found))
    print(f"{title}, {name}: per-digit accuracy {100 * accuracy:.2f}%")
    print(lengths.line("all", "all numbers"))
    for length in sorted(k for k in lengths.counts if k != "all"):
        print(lengths.line(length, f"{length} digits"))
    if by_site:
        for site in wn.SITES:
            if site in sites.counts:
                print(sites.line(site))
    if sheet is not None:
        contact_sheet(wrong, sheet)
        print(f"  {len(wrong)} read wrong: {sheet}")
    return accuracy


def contact_sheet(wrong: list, path: Path, tile=(240, 110), columns=5) -> None:
    """The numbers read wrong, each drawn with its digits' boxes as read, captioned."""
    tiles = []
    for number, answer, found in wrong:
        ink = raster.draw(number.strokes, size=tile[0] - 20)
        image = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))
        image.thumbnail((tile[0] - 10, tile[1] - 30))
        said = "refused" if answer is None else answer
        groups = "|".join(",".join(map(str, g)) for g in found or [])
        tiles.append(
            (ImageOps.expand(image, 5, 255), f"{number.label} read {said} ({number.site})\n{groups}")
        )
    common.contact_sheet(tiles, path, tile, columns)


def real_photos(numbers: list, test: list, names: list[str], seed: int) -> None:
    """The real numbers as photos of them written on paper, read by each model: the test
    writers' and all of them."""
    rng = np.random.default_rng(seed)
    photos = [Photo(encode(Image.fromarray(wn.photo(n, rng)[0]))) for n in numbers]
    tested = {id(n) for n in test}
    for name in names:
        model, tally = model_store.get(name), Tally()
        for number, photo in zip(numbers, photos, strict=True):
            answer, _ = read(photo, name)
            writers = "test writers" if id(number) in tested else "other writers"
            tally.add(writers, **outcome(number, answer, alone(number, model)))
        print(f"real numbers as photos on paper, {name}:")
        for key in ("test writers", "all"):
            print(tally.line(key, f"{key} numbers" if key == "all" else key))


def leave_one_site_out(numbers: list, folder: Path, names: list[str]) -> None:
    """Every number of each site, read with the scorer trained without that site."""
    for site in wn.SITES:
        path = folder / f"scorer-{site}.pkl"
        if not path.is_file():
            print(f"  {site}: no {path}")
            continue
        scorer = load_scorer(path)
        with mock.patch.object(drawings, "scorer", lambda scorer=scorer: scorer):
            for name in names:
                real_numbers(
                    [n for n in numbers if n.site == site], name, f"{site}, scorer without it", by_site=False
                )


def composed(kind: str, writers: dict, gaps: np.ndarray, rng: np.random.Generator) -> wn.WrittenNumber:
    count = 2 if kind in ("pairs", "touching pairs", "two joined") else int(rng.integers(2, 7))
    names = [w for w, s in writers.items() if len(s) >= count]
    pool = writers[names[rng.integers(len(names))]]
    digits = [pool[i] for i in rng.choice(len(pool), count, replace=False)]
    number = wn.compose(digits, gaps, rng, touch=kind.startswith("touching"))
    if kind == "a mark beside":
        number = wn.with_mark(number, rng)
    return wn.joined(number, rng) if kind == "two joined" else number


def composed_numbers(folder: Path, names: list[str], count: int, seed: int) -> None:
    """The second table: numbers composed of the test writers' pen digits."""
    writers = pen_digits(folder, "test")
    gaps = wn.spacing(wn.split(wn.load_numbers(folder), "train"))
    rng = np.random.default_rng(seed)
    made = {kind: [composed(kind, writers, gaps, rng) for _ in range(count)] for kind in KINDS}
    photos = {
        kind: [encode(Image.fromarray(wn.photo(n, rng)[0])) for n in numbers]
        for kind, numbers in made.items()
    }
    for name in names:
        model = model_store.get(name)
        tally = Tally()
        for kind, numbers in made.items():
            for number, photo in zip(numbers, photos[kind], strict=True):
                digits = alone(number, model)
                answer, found = read(drawn(number), name)
                segmented = found == [list(g) for g in number.groups]
                tally.add(kind, segmented=segmented, **outcome(number, answer, digits))
                answer, _ = read(Photo(photo), name)
                tally.add(f"{kind}, photo", **outcome(number, answer, digits))
        print(f"composed of the test writers' digits, {name} (segmentation: strokes only):")
        for kind in KINDS:
            print(tally.line(kind))
        for kind in KINDS:
            print(tally.line(f"{kind}, photo"))


def single_digits(folder: Path) -> None:
    """How often one real digit is split into several, per set: by the test writers, and by all."""
    scorer = drawings.scorer()
    samples = handwriting.load_digits(folder)
    counts = collections.Counter()
    for s in samples:
        if s.strokes is not None:
            pieces = pen_pieces([a.tolist() for a in s.strokes])
        else:
            pieces = mask_pieces(ink_mask(handwriting.paper(s.image)))
        split = len(segment.digits(pieces, scorer)) > 1
        test = handwriting.side_of(s) == "test"  # USPS: its test file
        for key in (s.set, "every set"):
            counts[key, "all"] += 1
            counts[key, "all split"] += split
            counts[key, "test"] += test
            counts[key, "test split"] += split and test
    print("a single real digit split into several: test writers; all writers")
    for key in sorted({k for k, _ in counts}):
        shares = [
            f"{counts[key, f'{w} split']} of {counts[key, w]} ({100 * counts[key, f'{w} split'] / max(counts[key, w], 1):.2f}%)"
            for w in ("test", "all")
        ]
        print(f"  {key:<12} {shares[0]}; {shares[1]}")


def main() -> None:
    parser = arguments(__doc__, real=True)
    parser.add_argument("--composed", type=int, default=300, help="composed numbers of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sheet", default="/tmp/numbers-wrong", help="contact sheets: this path, -<model>.png"
    )
    parser.add_argument("--leave-out", help="a folder of scorer-<SITE>.pkl, each trained without that site")
    parser.add_argument(
        "--split", default="test", choices=("validation", "test"), help="whose numbers are read first"
    )
    args = parser.parse_args()
    folder = handwriting.find_folder(args.handwriting_dir)
    if folder is None:
        sys.exit(handwriting.not_found_message())
    names = model_store.names()
    numbers = wn.load_numbers(folder)
    test = wn.split(numbers, "test")
    first = wn.split(numbers, args.split)
    writers = len({n.writer for n in first})
    for name in names:
        sheet = Path(f"{args.sheet}-{name}.png")
        real_numbers(first, name, f"real numbers, {args.split} writers ({writers})", sheet)
    if args.leave_out:
        leave_one_site_out(numbers, Path(args.leave_out), names)
    for name in names:
        real_numbers(numbers, name, "real numbers, every writer (the scorer trained on the train writers')")
    real_photos(numbers, test, names, args.seed)
    composed_numbers(folder, names, args.composed, args.seed)
    single_digits(folder)
    writers = [s for s in pen_digits(folder, "test").values() if len(s) >= 6]
    six = wn.compose(writers[0][:6], np.array([0.25]), np.random.default_rng(args.seed))
    for name in names:
        ms = timed(services.predict, drawn(six), name, n=60, clock=time.perf_counter, warm_up=0)
        print(
            f"{name}: services.predict of six digits drawn ({six.label}): median {statistics.median(ms):.2f} ms"
        )


if __name__ == "__main__":
    main()
