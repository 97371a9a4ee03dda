"""Real people's handwritten digits beyond MNIST, read from a folder, split by writer.

The sets (UNIPEN, Chars74K, NumberPad, DigiLeTs, CROHME, Semeion, USPS; see the README for
sources and citations)
are not part of the project: a folder holding them is named by the --handwriting-dir flag
or the HANDWRITING_DIR environment variable, and nothing is downloaded. Without either,
`find_folder` says None and the caller goes on with MNIST alone.

Pen sets (`*.jsonl.gz`: one JSON object a line with `label`, `writer`, `strokes` in device
units, y down) are scaled into the pad's units by each drawing's bounding box,
aspect kept, as if drawn on the pad at a typical size in its middle; they are then drawn
as a request's strokes are (nn/ink/raster.py, then from_mask). Semeion's and USPS's 16x16
scans go through the image path (to_mnist), on a paper margin.

UNIPEN's `checked: false` rows (labels its curators did not verify) are kept, flagged in
`Sample.checked`: they are more than half of UNIPEN and all of ten of its seventeen sites,
Spain's among them, and only a few are wrong; reports give their accuracy apart.

Writers: every split is by writer, never by drawing, so that test writers are never
trained on. A writer's side is a hash of its qualified id (the collection and the writer,
e.g. `unipen/val/w023`): deterministic, and a writer keeps its side when rows are added.
Chars74K's letters share its digits' writers, so a writer's letters go the same way.
Semeion has no writer ids, and despite its README its file is not ordered by writer: it
holds six groups of 10 or 20 writers, each ordered by digit (all the group's zeros, then
its ones, ...). A group is the only unit sure to keep a writer on one side, so it stands
for a writer there. USPS has no writer ids either, and comes as two files: its test file
is the test side, and its training file is split row by row (a hash of the row) between
training and validation, since no writer can be kept apart anyway.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.ink import directions, raster
from nn.ink.preprocess import SIDE, from_mask, to_mnist

ENV_VAR = "HANDWRITING_DIR"  # the folder holding the sets
FLAG = "--handwriting-dir"  # the same, on a command line; it wins over the variable
FILES = {  # digit set (a collection of writers) -> its files in the folder
    "unipen": ("unipen-1a.jsonl.gz",),
    "chars74k": ("chars74k.jsonl.gz",),
    "numberpad": ("numberpad.jsonl.gz",),
    "digilets": ("digilets.jsonl.gz",),
    "crohme": ("crohme.jsonl.gz",),
    "semeion": ("semeion.data",),
    "usps": ("usps-train.gz", "usps-test.gz"),
}
LETTERS = {  # not digits, material for saying "not a digit": writers' collection -> file
    "chars74k": "chars74k-letters.jsonl.gz",
    "digilets": "digilets-letters.jsonl.gz",
}
DIGIT_LIKE = frozenset("OolISsZzBgqbG")  # letters that a digit may look like (the data's README)
SPLITS = {"train": 0.70, "validation": 0.15, "test": 0.15}  # fractions of the writers
SPLIT_ENDS = np.cumsum(list(SPLITS.values()))  # (3,): where each side's share of [0, 1) ends
TYPICAL_SIZE = 0.65  # a digit's longer side on the pad, as a fraction of the pad's height
MIN_ASPECT = 0.25  # a digit's drawing is at least this tall for its width (`plausible`)
SCAN_SIDE = 16  # Semeion's and USPS's scans are 16x16
SCAN_MARGIN = 2  # pixels of paper around a scan: its digits touch the 16x16 box


class HandwritingError(Exception):
    """The handwriting folder or one of its files is missing or malformed; the message says which."""


@dataclass(frozen=True, eq=False)
class Sample:
    label: int | str  # a digit 0-9, or a letter from a letters file
    writer: str  # qualified, unique across sets: "unipen/val/w023", "semeion/group3"
    set: str  # a key of FILES, or "<collection>-letters"
    site: str  # UNIPEN's contributing lab, CROHME's source database; the set's name elsewhere
    checked: bool = True  # False for UNIPEN labels its curators did not verify
    strokes: tuple[np.ndarray, ...] | None = None  # pen sets: (M, 2) points, the pad's units
    image: np.ndarray | None = None  # scans: (16, 16), ink 1 (Semeion: bool; USPS: float grey)
    fixed_side: str | None = None  # the split of a set without writer ids (USPS), else by writer


def add_flag(parser, help: str = f"the real sets (else ${ENV_VAR})") -> None:
    """The flag that names the real sets' folder on a tool's command line (args.handwriting_dir)."""
    parser.add_argument(FLAG, dest="handwriting_dir", help=help)


def find_folder(flag: str | None = None) -> Path | None:
    """The handwriting folder: the flag's, else $HANDWRITING_DIR's; None when neither names
    one (MNIST alone). A folder that is named but is not there is an error, not a fallback."""
    value, source = (flag, FLAG) if flag else (os.environ.get(ENV_VAR), ENV_VAR)
    if not value:
        return None
    folder = Path(value)
    if not folder.is_dir():
        raise HandwritingError(f"{source} names {folder}, which is not a folder")
    return folder


def not_found_message() -> str:
    return (
        f"no real handwriting: set {ENV_VAR} or pass {FLAG} to a folder holding "
        f"{', '.join(all_files())} (the README says where to get them); MNIST alone"
    )


def all_files() -> list[str]:
    return [file for files in FILES.values() for file in files]


def absent(folder: Path) -> list[str]:
    """The digit sets' files that the folder lacks."""
    return [file for file in all_files() if not (folder / file).is_file()]


def digits_in(folder: Path | None, log=print) -> list[Sample] | None:
    """Every digit set in the folder, saying which it lacks; None, said why, without a folder."""
    if folder is None:
        log(not_found_message())
        return None
    missing = absent(folder)
    if missing:
        log(f"{folder} lacks {', '.join(missing)}: going on with the rest")
    return load_digits(folder)


def load_digits(folder: Path) -> list[Sample]:
    """Every digit set whose files are in the folder (at least one must be)."""
    present = [name for name, files in FILES.items() if all((folder / f).is_file() for f in files)]
    if not present:
        raise HandwritingError(f"{folder} holds none of {', '.join(all_files())}")
    readers = {
        "semeion": lambda: load_semeion(folder / FILES["semeion"][0]),
        "usps": lambda: load_usps(folder),
    }
    samples = []
    for name in present:
        samples += readers[name]() if name in readers else load_pen(folder / FILES[name][0], name)
    return [s for s in samples if plausible(s)]


def plausible(sample: Sample) -> bool:
    """Whether a digit's drawing could be one digit: not flatter than MIN_ASPECT. The flatter
    ones in the sets are segmentation slips, dashes and runs of digits under one label (26 of
    the pen digits, most of them UNIPEN's unchecked ones); trained on, they teach a network
    that a dash is a one."""
    if sample.strokes is None:
        return True
    extent = np.ptp(np.concatenate(sample.strokes), axis=0)  # (2,): width, height
    return bool(extent[1] >= MIN_ASPECT * extent[0])


def load_letters(folder: Path) -> list[Sample]:
    """The letters sets in the folder (at least one must be): never digits, labelled with the
    letter, their writers the same as their collection's digits'."""
    present = {name: folder / file for name, file in LETTERS.items() if (folder / file).is_file()}
    if not present:
        raise HandwritingError(f"{folder} holds none of {', '.join(LETTERS.values())}")
    return [
        s for name, path in present.items() for s in load_pen(path, f"{name}-letters", name, letters=True)
    ]


def load_pen(path: Path, name: str, collection: str | None = None, letters: bool = False) -> list[Sample]:
    """A `.jsonl.gz` pen set: each drawing scaled into the pad's units."""
    samples = []
    for number, row in json_rows(path):
        try:
            samples.append(pen_sample(row, name, collection or name, letters))
        except (KeyError, TypeError, ValueError) as exc:
            raise HandwritingError(f"{path}, line {number}: {exc}") from None
    return samples


def json_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-empty line of a gzipped JSON-lines file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield number, json.loads(line)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HandwritingError(f"{path} is not gzipped JSON lines ({exc})") from None


def pen_sample(row: dict, name: str, collection: str, letters: bool) -> Sample:
    label, writer, checked = row["label"], row["writer"], row.get("checked", True)
    if letters != isinstance(label, str):
        raise ValueError(f"label {label!r} is not a {'letter' if letters else 'digit'}")
    if letters and not (len(label) == 1 and label.isalpha()):
        raise ValueError(f"label {label!r} is not a letter")
    if not letters and (type(label) is not int or not 0 <= label <= 9):
        raise ValueError(f"label {label!r} is not a digit 0-9")
    if not isinstance(writer, str) or not writer or type(checked) is not bool:
        raise ValueError("a writer must be a non-empty string, checked true or false")
    return Sample(
        label=label,
        writer=qualified(collection, writer),
        set=name,
        site=str(row.get("site") or name),
        checked=checked,
        strokes=to_unit(row["strokes"]),
    )


def qualified(collection: str, writer: str) -> str:
    """A writer id unique across sets: prefixed with its collection unless it already is."""
    return writer if writer.startswith(f"{collection}/") else f"{collection}/{writer}"


def to_unit(strokes: list) -> tuple[np.ndarray, ...]:
    """Strokes of [x, y] points in device units (y down) -> (M, 2) float arrays in the
    pad's units: the drawing's bounding box scaled, aspect kept, so its longer side is
    TYPICAL_SIZE, and centred on the pad. A lone dot lands in the middle."""
    arrays = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes]
    arrays = [a for a in arrays if len(a)]
    if not arrays or not all(np.isfinite(a).all() for a in arrays):
        raise ValueError("a drawing needs finite points")
    low, high = raster.extent(arrays)  # (2,), (2,)
    extent = (high - low).max()
    scale = TYPICAL_SIZE / extent if extent > 0 else 1.0
    return tuple((a - (low + high) / 2) * scale + 0.5 for a in arrays)


def load_semeion(path: Path) -> list[Sample]:
    """semeion.data: per line 256 pixels (0 or 1, a 16x16 image row by row) and 10 one-hot
    label values. A new group of writers starts where the digits start again from a lower one."""
    samples, group, previous = [], 0, -1
    lines = path.read_text(encoding="ascii", errors="replace").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        pixels, label = semeion_row(line, f"{path}, line {number}")
        if label < previous:
            group += 1
        previous = label
        samples.append(
            Sample(label, f"semeion/group{group}", "semeion", "semeion", image=pixels.astype(bool))
        )
    return samples


def numbers_of(line: str, where: str, count: int, expected: str) -> np.ndarray:
    """The `count` numbers of a line of a scan file, (count,) float64; else an error saying
    what was `expected`."""
    try:
        values = np.array(line.split(), dtype=np.float64)
    except ValueError:
        raise HandwritingError(f"{where}: not numbers") from None
    if len(values) != count or not np.isfinite(values).all():
        raise HandwritingError(f"{where}: expected {expected}")
    return values


def semeion_row(line: str, where: str) -> tuple[np.ndarray, int]:
    """One line of semeion.data -> ((16, 16) 0/1 pixels, the digit)."""
    expected = "266 values, each 0 or 1"
    values = numbers_of(line, where, SCAN_SIDE**2 + 10, expected)  # (266,)
    if not np.isin(values, (0.0, 1.0)).all():
        raise HandwritingError(f"{where}: expected {expected}")
    pixels, one_hot = values[: SCAN_SIDE**2], values[SCAN_SIDE**2 :]
    if one_hot.sum() != 1:
        raise HandwritingError(f"{where}: the last 10 values must mark exactly one digit")
    return pixels.reshape(SCAN_SIDE, SCAN_SIDE), int(one_hot.argmax())


def load_usps(folder: Path) -> list[Sample]:
    """usps-train.gz and usps-test.gz: per line the digit, then 256 grey levels in [-1, 1]
    (ink 1), row by row. Each row is its own writer; the files fix the sides (the module's
    docstring)."""
    samples = []
    for file in FILES["usps"]:
        path, part = folder / file, file.removeprefix("usps-").split(".")[0]
        try:
            with gzip.open(path, "rt", encoding="ascii") as f:
                lines = f.read().splitlines()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise HandwritingError(f"{path} is not gzipped text ({exc})") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where, expected = f"{path}, line {number}", "a digit, then 256 levels in [-1, 1]"
            values = numbers_of(line, where, 1 + SCAN_SIDE**2, expected)  # (257,)
            if values[0] not in range(10) or np.abs(values[1:]).max() > 1:
                raise HandwritingError(f"{where}: expected {expected}")
            writer = f"usps/{part}/{number}"
            fixed = "test" if part == "test" else ("validation" if side(writer) == "validation" else "train")
            ink = ((values[1:] + 1) / 2).reshape(SCAN_SIDE, SCAN_SIDE).astype(np.float32)
            samples.append(Sample(int(values[0]), writer, "usps", "usps", image=ink, fixed_side=fixed))
    return samples


def unit_hash(data: bytes) -> float:
    """A number in [0, 1) from a hash of `data`: the same on every machine, and independent
    for different data. Splits by writer, and of labelled drawings, are made with it."""
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big") / 2**64


def side(writer: str) -> str:
    """The split a writer belongs to ("train", "validation" or "test"), from a hash of its
    qualified id (unit_hash)."""
    where = unit_hash(writer.encode("utf-8"))
    names = list(SPLITS)
    return names[min(int(np.searchsorted(SPLIT_ENDS, where, side="right")), len(names) - 1)]


def split(samples: list[Sample], name: str) -> list[Sample]:
    """The samples whose writers are on the named side."""
    if name not in SPLITS:
        raise ValueError(f"unknown split {name!r}: one of {', '.join(SPLITS)}")
    return [s for s in samples if side_of(s) == name]


def side_of(sample: Sample) -> str:
    """The split a sample belongs to: its set's fixed one (USPS's files), else its writer's."""
    return sample.fixed_side or side(sample.writer)


def pixels_of(sample: Sample, pen_width: float = raster.PEN_WIDTH) -> np.ndarray | None:
    """A sample in MNIST's (28, 28) form, made as serving makes it, or None if no ink is
    found: strokes drawn as the network reads them (raster.draw_read) then from_mask; a
    scan through to_mnist."""
    if sample.strokes is not None:
        return from_mask(raster.draw_read(sample.strokes, pen_width))
    return to_mnist(paper(sample.image))


def paper(image: np.ndarray) -> np.ndarray:
    """A (16, 16) scan, ink 1 -> (20, 20) uint8 grey levels: dark ink on white paper, with a
    margin, as a photo of it would be (the preprocessing finds the paper on the border)."""
    levels = np.rint(255 * (1 - np.asarray(image, np.float32))).astype(np.uint8)
    return np.pad(levels, SCAN_MARGIN, constant_values=255)


def channels_of(sample: Sample, pen_width: float = raster.PEN_WIDTH) -> np.ndarray | None:
    """A sample as (3, 28, 28) channels (nn/ink/directions.py), made as serving makes them, or
    None if no ink is found: its pixels, and the pen's direction there (zero for a scan)."""
    if sample.strokes is not None:
        return directions.pen_channels(sample.strokes, pen_width)
    image = pixels_of(sample, pen_width)
    return None if image is None else directions.no_directions(image)


def pixels(
    samples: list[Sample], pen_width: float = raster.PEN_WIDTH, with_directions: bool = False
) -> np.ndarray:
    """(N, 28, 28) float32: the samples in MNIST's form; all zero where no ink was found.
    `with_directions`: (N, 3, 28, 28), each with the pen's direction (channels_of)."""
    shape = (1 + directions.DIRECTIONS, SIDE, SIDE) if with_directions else (SIDE, SIDE)
    made = ((channels_of if with_directions else pixels_of)(s, pen_width) for s in samples)
    blank = np.zeros(shape, np.float32)
    return np.array([blank if m is None else m for m in made], dtype=np.float32).reshape(-1, *shape)


def labels(samples: list[Sample]) -> np.ndarray:
    """(N,) int64 digits of digit samples."""
    return np.array([s.label for s in samples], dtype=np.int64)
