"""Train the segment scorer (nn/networks/scorer.py) and write it where the site reads it.

    python3 -m nn.training.train_scorer [--handwriting-dir FOLDER] [--output FILE] [--numbers 12000] [--seed 0]
                              [--leave-out SITE]

Every candidate digit of a drawing (nn/ink/segment.py: runs of its pieces) is an example,
labelled from the drawing's true digits: the digit, when it holds exactly one digit's
pieces; "part" when it holds only some of one digit's, or of a mark's; "several" when it
holds pieces of more than one, or of a digit and a mark; "mark" when it is a lone piece
of no digit beside digits, or the whole of a drawing of no digit.
The drawings, all by TRAIN writers (nn.data.handwriting.side):

- real numbers (nn/data/written_numbers.py), seen REAL_WEIGHT times an epoch;
- numbers composed of real single pen digits, one to six of them by one writer, with the
  gaps measured on the real numbers; some written touching, some with a mark beside a
  digit, some with two digits joined in one stroke; some of them written on paper and
  read as photos, with grain;
- every single pen digit as a drawing of its own, and every scan (Semeion, USPS) as a photo;
- drawings of no digit: made-up dots, dashes, scribbles, crosses, blobs, waves, capitals
  and signs, the signs also drawn through the pen variations, and letters that look like
  no digit.

Digits whose label UNIPEN's curators did not check are left out: some are "00" or a slip.
The epoch kept is the one whose scorer segments the most VALIDATION writers' drawings
right, on average over their real numbers, composed numbers and single digits. Needs the
handwriting folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from nn.data import handwriting
from nn.data import non_digits as non_digit_kinds
from nn.data import written_numbers as wn
from nn.data.mix import StrokeVariation, vary
from nn.ink import segment
from nn.ink.line import CLASSES, MARK, PART, SEVERAL
from nn.ink.pieces import MaskPieces, PenPieces, mask_pieces, pen_pieces
from nn.ink.preprocess import ink_mask
from nn.networks.network import Network, one_hot
from nn.networks.scorer import N_INPUTS, SCORER_PATH, Scorer, inputs, save_scorer
from nn.training.train import MomentumSGD, sgd_epoch

HIDDEN, EPOCHS, BATCH, LEARNING_RATE, MOMENTUM, DECAY = 256, 25, 64, 0.05, 0.9, 0.95
REAL_WEIGHT = 4  # copies of each real number's candidates an epoch sees
LENGTHS = (1, 2, 3, 4, 5, 6)  # digits in a composed number
LENGTH_SHARES = (0.2, 0.35, 0.17, 0.12, 0.08, 0.08)
TOUCHING_SHARE, MARK_SHARE, JOINED_SHARE, PHOTO_SHARE = 0.3, 0.25, 0.1, 0.3
NON_DIGITS = 500  # made-up drawings of each kind, and four times as many letters
SIGNS = 2  # signs drawn through the pen variations, this many times NON_DIGITS


def pen_digits(folder: Path, side: str, leave_out: str | None = None) -> dict[str, list[handwriting.Sample]]:
    """One side's pen digits of every set in the folder, by writer; none of the site left out."""
    samples = [s for s in handwriting.load_digits(folder) if s.strokes is not None]
    writers: dict[str, list] = {}
    for s in handwriting.split(samples, side):
        if s.site != leave_out and s.checked:  # an unchecked label may be "00" or a slip
            writers.setdefault(s.writer, []).append(s)
    return writers


def composed(writers: dict, gaps: np.ndarray, rng: np.random.Generator) -> wn.WrittenNumber:
    """A number of one writer's digits, touching, with a mark, or joined, at their shares."""
    count = int(rng.choice(LENGTHS, p=LENGTH_SHARES))
    names = [w for w, s in writers.items() if len(s) >= count]
    pool = writers[names[rng.integers(len(names))]]
    digits = [pool[i] for i in rng.choice(len(pool), count, replace=False)]
    number = wn.compose(digits, gaps, rng, touch=rng.random() < TOUCHING_SHARE)
    if rng.random() < MARK_SHARE:
        number = wn.with_mark(number, rng)
    if count > 1 and rng.random() < JOINED_SHARE:
        number = wn.joined(number, rng)
    return number


def singles(writers: dict) -> list[wn.WrittenNumber]:
    """Every one of the writers' digits as a drawing of one digit, as the pad sends it."""
    return [
        wn.WrittenNumber(str(s.label), s.writer, s.site, s.strokes, (tuple(range(len(s.strokes))),))
        for samples in writers.values()
        for s in samples
    ]


def non_digits(folder: Path, side: str, count: int, rng: np.random.Generator) -> list[wn.WrittenNumber]:
    """Drawings of no digit: made-up dots, dashes, scribbles, crosses, blobs, waves, capitals
    and signs (nn/data/non_digits.py), the signs also drawn through the pen variations the
    digits are trained with, SIGNS times as many (a # or a % is pieces that each read as a
    digit: only their whole says it is none); and the side's writers' letters that look
    like no digit."""
    drawings = [d for kind in non_digit_kinds.KINDS for d in non_digit_kinds.generate(kind, count, rng)]
    signs = non_digit_kinds.generate("symbol", SIGNS * count, rng)
    drawings += [vary(d, rng, StrokeVariation())[0] for d in signs]
    letters = handwriting.split(handwriting.load_letters(folder), side)
    letters = [s.strokes for s in letters if s.label not in handwriting.DIGIT_LIKE]
    drawings += [letters[i] for i in rng.choice(len(letters), min(len(letters), count * 4), replace=False)]
    return [
        wn.WrittenNumber("", "", "no digit", tuple(d), (), tuple(np.full(len(s), -1) for s in d))
        for d in drawings
    ]


def scans(folder: Path, side: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Material of one side's scans (Semeion, USPS), each a photo of one digit."""
    xs, ys, drawings = [], [], []
    for sample in handwriting.split(handwriting.load_digits(folder), side):
        if sample.image is None:
            continue
        pieces = mask_pieces(ink_mask(handwriting.paper(sample.image)))
        found, owners = segment.candidates(pieces), np.zeros(len(pieces.crops), np.intp)
        classes = labels(found.runs, owners, str(sample.label))
        xs.append(inputs(found.pixels, found.geometry))
        ys.append(classes)
        drawings.append((found, classes, 1))
    return np.concatenate(xs), np.concatenate(ys), drawings


def pen_owners(pieces: PenPieces, number: wn.WrittenNumber) -> np.ndarray:
    """(N,) the digit most of each piece's points belong to; -1: a mark."""
    owners = number.point_owners()
    return np.array([np.bincount(owners[k][a:b] + 1).argmax() - 1 for k, a, b in pieces.spans])


def photo_owners(pieces: MaskPieces, inks: list[np.ndarray]) -> np.ndarray:
    """(N,) the digit whose ink most of each piece's ink is; -1 (a mark) for under a third."""
    owners = []
    for crop, (left, top, right, bottom) in zip(pieces.crops, pieces.line.boxes.astype(int), strict=True):
        shared = [np.count_nonzero(crop & ink[top:bottom, left:right]) for ink in inks]
        best = int(np.argmax(shared))
        owners.append(best if shared[best] >= np.count_nonzero(crop) / 3 else -1)
    return np.array(owners)


def labels(runs: np.ndarray, owners: np.ndarray, label: str) -> np.ndarray:
    """(C,) each candidate run's class (see the module's docstring)."""
    out = []
    for start, stop in runs:
        own = set(owners[start:stop].tolist())
        if own == {-1} and (owners == -1).all():  # a drawing of no digit: all of it is one mark
            out.append(MARK if stop - start == len(owners) else PART)
        elif own == {-1}:  # a mark beside digits: a lone piece
            out.append(MARK if stop - start == 1 else PART)
        elif len(own) > 1:
            out.append(SEVERAL)
        else:
            (d,) = own
            out.append(int(label[d]) if np.count_nonzero(owners == d) == stop - start else PART)
    return np.array(out, dtype=np.intp)


def examples(number: wn.WrittenNumber, rng: np.random.Generator | None = None):
    """(candidates, owners of the pieces): the number as strokes, or with `rng`, at
    PHOTO_SHARE, as a photo of it."""
    if rng is not None and rng.random() < PHOTO_SHARE:
        gray, inks = wn.photo(number, rng)
        pieces = mask_pieces(ink_mask(gray))
        return segment.candidates(pieces), photo_owners(pieces, inks)
    pieces = pen_pieces(number.strokes)
    return segment.candidates(pieces), pen_owners(pieces, number)


def material(numbers: list[wn.WrittenNumber], rng=None) -> tuple[np.ndarray, np.ndarray, list]:
    """(X (N, N_INPUTS), y (N,), per number (its candidates, the true runs)) of drawings."""
    xs, ys, drawings = [], [], []
    for number in numbers:
        found, owners = examples(number, rng)
        classes = labels(found.runs, owners, number.label)
        xs.append(inputs(found.pixels, found.geometry))
        ys.append(classes)
        drawings.append((found, classes, len(set(owners.tolist()) - {-1})))
    return np.concatenate(xs), np.concatenate(ys), drawings


def segmented_right(scorer: Scorer, drawings: list) -> float:
    """The share of drawings whose best path reads as digits exactly the runs that are
    each one whole digit, one run for every digit."""
    right = 0
    for found, classes, count in drawings:
        chosen = segment.best_path(found, scorer.probabilities(found.pixels, found.geometry))
        wanted = np.flatnonzero(classes < PART)
        right += len(wanted) == count and sorted(chosen) == wanted.tolist()
    return right / max(len(drawings), 1)


def train(x, y, validation: dict[str, list], rng: np.random.Generator, log=print) -> tuple[Network, dict]:
    """Momentum SGD (nn/training/train.py) on (x, y); the epoch that segments validation best is kept."""
    network = Network.initialise(rng, (N_INPUTS, HIDDEN, len(CLASSES)))
    optimiser = MomentumSGD(network.params(), LEARNING_RATE, MOMENTUM, average=0.999)
    averaged = network.with_params(optimiser.averaged)
    best, best_key, best_epoch, history = network.copy(), -1.0, 0, []
    for epoch in range(EPOCHS):
        start = time.perf_counter()
        order = rng.permutation(len(x))
        loss, accuracy = sgd_epoch(network, x[order], one_hot(y[order], len(CLASSES)), BATCH, optimiser)
        scores = {name: segmented_right(Scorer(averaged, {}), d) for name, d in validation.items()}
        key = float(np.mean(list(scores.values())))  # no one set decides
        if key > best_key:
            best, best_key, best_epoch = averaged.copy(), key, epoch + 1
        history.append({"epoch": epoch + 1, "loss": loss, "accuracy": accuracy, **scores})
        shown = ", ".join(f"{k} {100 * v:.2f}%" for k, v in scores.items())
        log(f"  epoch {epoch + 1}/{EPOCHS}: loss {loss:.4f}, {shown} ({time.perf_counter() - start:.0f} s)")
        optimiser.lr *= DECAY
    kept = {name: history[best_epoch - 1][name] for name in validation}
    return best, {"history": history, "best_epoch": best_epoch, "segmented_right": kept}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m nn.training.train_scorer", description=__doc__.splitlines()[0]
    )
    handwriting.add_flag(parser)
    parser.add_argument(
        "--output", default=str(SCORER_PATH), help="where to write the scorer (default %(default)s)"
    )
    parser.add_argument("--numbers", type=int, default=12_000, help="composed numbers to train on")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--leave-out", choices=wn.SITES, help="train without this site's writers (to measure on it)"
    )
    args = parser.parse_args(argv)
    folder = handwriting.find_folder(args.handwriting_dir)
    if folder is None:
        sys.exit(handwriting.not_found_message())
    rng = np.random.default_rng(args.seed)
    real = [n for n in wn.load_numbers(folder) if n.site != args.leave_out]
    train_real, validation_real = wn.split(real, "train"), wn.split(real, "validation")
    gaps = wn.spacing(train_real)
    print(
        f"real numbers: {len(train_real)} train, {len(validation_real)} validation; gaps (H) "
        + ", ".join(
            f"{q:.0%} {v:+.2f}"
            for q, v in zip(
                (0.05, 0.25, 0.5, 0.75, 0.95), np.quantile(gaps, (0.05, 0.25, 0.5, 0.75, 0.95)), strict=True
            )
        )
    )
    started = time.perf_counter()
    writers = pen_digits(folder, "train", args.leave_out)
    x_real, y_real, _ = material(train_real)
    x_made, y_made, _ = material([composed(writers, gaps, rng) for _ in range(args.numbers)], rng)
    x_single, y_single, _ = material(singles(writers))
    x_scan, y_scan, _ = scans(folder, "train")
    x_none, y_none, _ = material(non_digits(folder, "train", NON_DIGITS, rng))
    held = pen_digits(folder, "validation", args.leave_out)
    validation = {
        "real numbers": material(validation_real)[2],
        "composed": material([composed(held, gaps, rng) for _ in range(1000)], rng)[2],
        "single digits": material(singles(held)[::4])[2],
        "no digit": material(non_digits(folder, "validation", 40, rng))[2],
    }
    x = np.concatenate([np.tile(x_real, (REAL_WEIGHT, 1)), x_made, x_single, x_scan, x_none])
    y = np.concatenate([np.tile(y_real, REAL_WEIGHT), y_made, y_single, y_scan, y_none])
    counts = np.bincount(y, minlength=len(CLASSES))
    print(
        f"{len(x)} candidates ({time.perf_counter() - started:.0f} s): "
        + ", ".join(f"{c} {n}" for c, n in zip(CLASSES, counts, strict=True))
    )
    network, report = train(x, y, validation, rng)
    meta = {
        "seed": args.seed,
        "numbers": args.numbers,
        "leave_out": args.leave_out,
        "gaps": np.quantile(gaps, np.linspace(0, 1, 21)).tolist(),
        **report,
    }
    save_scorer(args.output, network, meta)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
