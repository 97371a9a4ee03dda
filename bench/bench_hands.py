"""Accuracy on real people's handwriting, on writers no model was trained on.

    python3 -m bench.bench_hands [MODEL ...] [--handwriting-dir FOLDER] [--mnist-dir FOLDER]
                                [--sheets FOLDER] [--split test] [--left-out FOLDER]

For each model (default: every nn/models/*.pkl), on the writer-held-out split of the real
sets (nn/data/handwriting.py): accuracy per collection (and the worst), per UNIPEN site and
CROHME source, for UNIPEN's checked and unchecked labels, and per digit; the ten most
frequent confusions; how often a "sure" answer is wrong and the expected calibration
error; for a model reading the pen's direction, its pen digits as drawn, drawn backwards
and without their direction; and the same for MNIST's test set. The wrong answers go on a
contact sheet (a PNG per model) to look at.

With --left-out FOLDER, the models there that were trained with one collection left out
(`python3 -m nn.neural_network --leave-out COLLECTION`) are each measured on the whole of the
collection they never saw: what a new collection of writers sees. The worst is reported.

Drawings are made exactly as a request's: strokes through nn.ink.raster.draw_read and from_mask,
with the pen's direction beside the ink (nn/ink/directions.py) for a model that reads it,
Semeion's scans through to_mnist, then network_inputs and the network's predict_proba.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from bench import common
from bench.common import arguments, load_models
from nn.data import handwriting, styles
from nn.data.mix import held_out
from nn.data.mnist import load_mnist
from nn.ink import directions
from nn.ink.preprocess import as_float
from nn.networks.model_file import load_model
from nn.training import calibrate, evaluate
from nn.training.evaluate import BINS, expected_calibration_error

CONFIDENCE_LEVELS = (calibrate.SURE, calibrate.UNSURE_BELOW)  # what the page calls sure, and unsure below
TILE, COLUMNS = 84, 16  # contact sheet: 28x28 at 3x


def probabilities(model, images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) pixels in MNIST's form, or (N, 3, 28, 28) with the pen's direction -> (N, 10)
    the model's probabilities, at its temperature."""
    return evaluate.probabilities(model.network, images, model.deskewed)


def honesty(probs: np.ndarray, labels: np.ndarray) -> list[str]:
    """How often sure answers are wrong, and the expected calibration error."""
    confidence, correct = probs.max(axis=1), probs.argmax(axis=1) == labels  # (N,), (N,)
    lines = []
    for level in CONFIDENCE_LEVELS:
        sure = confidence >= level
        wrong = int((sure & ~correct).sum())
        lines.append(
            f"  answers >= {100 * level:.0f}% sure: {int(sure.sum())} of {len(labels)}, "
            f"{wrong} wrong ({100 * wrong / max(int(sure.sum()), 1):.2f}% of them; "
            f"{wrong} of {int((~correct).sum())} wrong answers)"
        )
    lines.append(
        f"  expected calibration error ({BINS} bins): {100 * expected_calibration_error(confidence, correct):.2f}%"
    )
    return lines


def accuracy_by(keys: list, correct: np.ndarray) -> list[str]:
    """One line per key: how many, and the accuracy on them."""
    groups = collections.defaultdict(list)
    for key, hit in zip(keys, correct, strict=True):
        groups[key].append(hit)
    return [
        f"    {key!s:<12}{100 * np.mean(hits):7.2f}%  of {len(hits)}" for key, hits in sorted(groups.items())
    ]


def confusions(labels: np.ndarray, predicted: np.ndarray, top: int = 10) -> list[tuple[tuple[int, int], int]]:
    """The most frequent (true, said) pairs among the wrong answers, with their counts."""
    wrong = labels != predicted
    return collections.Counter(
        zip(labels[wrong].tolist(), predicted[wrong].tolist(), strict=True)
    ).most_common(top)


def report(probs: np.ndarray, labels: np.ndarray, samples: list) -> list[str]:
    predicted = probs.argmax(axis=1)
    correct = predicted == labels
    unipen = [i for i, s in enumerate(samples) if s.set == "unipen"]
    crohme = [i for i, s in enumerate(samples) if s.set == "crohme"]
    sets = np.array([s.set for s in samples])
    per = {name: correct[sets == name].mean() for name in sorted(set(sets))}
    worst = min(per, key=per.get)
    lines = [f"  all real writers: {100 * correct.mean():.2f}% of {len(labels)}; mean over collections "
             f"{100 * np.mean(list(per.values())):.2f}%; worst collection {worst} {100 * per[worst]:.2f}%",
             "  per collection:"]  # fmt: skip
    lines += accuracy_by(sets.tolist(), correct)
    lines += ["  per UNIPEN site:", *accuracy_by([samples[i].site for i in unipen], correct[unipen])]
    lines += ["  per CROHME source:", *accuracy_by([samples[i].site for i in crohme], correct[crohme])]
    checked = ["checked" if samples[i].checked else "unchecked" for i in unipen]
    lines += ["  UNIPEN labels:", *accuracy_by(checked, correct[unipen])]
    lines += ["  per digit:", *accuracy_by(labels.tolist(), correct)]
    pairs = confusions(labels, predicted)
    lines.append(
        "  most frequent confusions (true -> said): " + ", ".join(f"{t}->{p} {n}" for (t, p), n in pairs)
    )
    writers = collections.Counter(s.writer for s, hit in zip(samples, correct, strict=True) if not hit)
    lines.append("  writers with the most wrong: " + ", ".join(f"{w} {n}" for w, n in writers.most_common(5)))
    return lines + honesty(probs, labels)


def contact_sheet(
    images: np.ndarray, samples: list, probs: np.ndarray, labels: np.ndarray, path: Path
) -> int:
    """Write the wrong answers as a PNG, the most frequent confusions first, each tile the
    network's 28x28 input captioned with the digit, the answer, its confidence and the UNIPEN
    site or the set. Returns how many."""
    predicted, confidence = probs.argmax(axis=1), probs.max(axis=1)
    ink = images if images.ndim == 3 else images[:, 0]  # (N, 28, 28)
    wrong = np.flatnonzero(predicted != labels)
    frequency = collections.Counter(zip(labels[wrong], predicted[wrong], strict=True))
    order = sorted(
        wrong, key=lambda i: (-frequency[labels[i], predicted[i]], labels[i], predicted[i], -confidence[i])
    )
    tiles = [
        (
            Image.fromarray((255 * as_float(ink[i])).astype(np.uint8)).resize((TILE, TILE), Image.NEAREST),
            f"{labels[i]} said {predicted[i]} {100 * confidence[i]:.0f}%\n{samples[i].site}",
        )
        for i in order
    ]
    common.contact_sheet(tiles, path, (TILE, TILE + common.CAPTION), COLUMNS, paper=40)
    return len(order)


def main() -> int:
    parser = arguments(__doc__, models=True, mnist=True, real=True)
    parser.add_argument(
        "--sheets", default="/tmp", help="folder for the contact sheets (default %(default)s)"
    )
    parser.add_argument("--split", default="test", choices=list(handwriting.SPLITS), help="which writers")
    parser.add_argument(
        "--left-out", metavar="FOLDER", help="models each trained with one collection left out"
    )
    args = parser.parse_args()
    models = load_models(args.models)
    try:
        real = real_writers(handwriting.find_folder(args.handwriting_dir), args.split)
    except handwriting.HandwritingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    mnist = load_mnist(args.mnist_dir)
    for name, model in models.items():
        measure(name, model, mnist, real, args)
    if args.left_out:
        left_out(Path(args.left_out), handwriting.load_digits(handwriting.find_folder(args.handwriting_dir)))
    return 0


def left_out(folder: Path, samples: list) -> None:
    """Each model in the folder trained without a collection, measured on all of that collection."""
    print(f"== collections left out of training, each measured whole ({folder})")
    worst: dict[str, tuple[float, str]] = {}
    for path in sorted(folder.glob("*.pkl")):
        model = load_model(path)
        collection = model.meta.get("config", {}).get("leave_out")
        if not collection:
            continue
        part = [s for s in samples if s.set == collection]
        probs = probabilities(model, handwriting.pixels(part, with_directions=True))
        correct = probs.argmax(axis=1) == handwriting.labels(part)
        kind = model.meta.get("kind", model.name)
        digits = accuracy_by(handwriting.labels(part).tolist(), correct)
        weakest = min(digits, key=lambda line: float(line.split()[1].rstrip("%")))
        print(f"  {kind} without {collection:<10} {100 * correct.mean():6.2f}% of {len(part):>6,}; "
              f"weakest digit {weakest.strip()}")  # fmt: skip
        worst[kind] = min(worst.get(kind, (1.0, "")), (float(correct.mean()), collection))
    for kind, (accuracy, collection) in worst.items():
        print(f"  worst collection left out, {kind}: {collection} {100 * accuracy:.2f}%")


def measure(name: str, model, mnist, real, args) -> None:
    """Print one model's figures on MNIST's test set and on the real writers, and write its sheet."""
    print(f"== {name} ({model.meta.get('architecture', model.meta.get('kind', ''))})")
    probs = probabilities(model, mnist.test_images)
    print(f"  MNIST test: {100 * (probs.argmax(axis=1) == mnist.test_labels).mean():.2f}% of {len(probs)}")
    print("\n".join(honesty(probs, mnist.test_labels)))
    if real is None:
        return
    samples, images, labels, _ = real
    probs = probabilities(model, images)
    print(f"  real writers ({args.split} split):")
    print("\n".join(report(probs, labels, samples)))
    print("\n".join(direction_lines(model, samples, images, labels, probs)))
    styled_drawings, styled_labels = real[3]
    if len(styled_labels):
        correct = probabilities(model, styled_drawings).argmax(axis=1) == styled_labels
        print("  the test writers' digits given a style MNIST lacks (nn/data/styles.py):")
        print("\n".join(accuracy_by([styles.NAMES[d] for d in styled_labels.tolist()], correct)))
    path = Path(args.sheets) / f"hands-wrong-{name}.png"
    print(f"  contact sheet of {contact_sheet(images, samples, probs, labels, path)} wrong answers: {path}")


def direction_lines(
    model, samples: list, images: np.ndarray, labels: np.ndarray, probs: np.ndarray
) -> list[str]:
    """For a model that reads the pen's direction: its pen digits as drawn (its answers
    `probs` (N, 10) on `images`), drawn backwards (every stroke from its end: the direction
    negated) and without their direction, as a photo of them would be."""
    pen = np.array([s.strokes is not None for s in samples])  # (N,)
    if model.network.channels == 1 or not pen.any():
        return []
    drawn = images[pen]  # (P, 1 + DIRECTIONS, 28, 28)
    said = {"as drawn": probs[pen].argmax(axis=1)}  # (P,) each
    for way, sign in (("drawn backwards", -1), ("without their direction", 0)):  # times the direction
        signs = np.array([1] + [sign] * directions.DIRECTIONS).reshape(1, -1, 1, 1)
        said[way] = probabilities(model, drawn * signs).argmax(axis=1)
    shares = [f"{way} {100 * (answers == labels[pen]).mean():.2f}%" for way, answers in said.items()]
    return [f"  the pen digits ({int(pen.sum())}): " + ", ".join(shares)]


def styled_images(samples: list) -> tuple[np.ndarray, np.ndarray]:
    """The test writers' sevens, ones, nines and zeros given a rare style, drawn as requests are."""
    drawings, digits = styles.styled(samples, np.random.default_rng(0))
    images = [directions.pen_channels(d) for d in drawings]
    kept = [i for i, image in enumerate(images) if image is not None]
    return np.array([images[i] for i in kept]), np.array([digits[i] for i in kept])


def real_writers(folder: Path | None, split: str):
    """(samples, (N, 3, 28, 28) images with the pen's direction, (N,) labels, their styled
    sevens, ones and nines) of one split's writers, or None (said why)."""
    found = handwriting.digits_in(folder)
    if found is None:
        return None
    samples = handwriting.split(found, split)
    writers = collections.Counter(s.set for s in {s.writer: s for s in samples}.values())
    listed = ", ".join(f"{k} {n}" for k, n in sorted(writers.items()))
    print(f"{split} split: {len(samples)} digits; writers: {listed} (a Semeion writer: a group of 10 or 20)")
    return *held_out(samples, with_directions=True), styled_images(samples)


if __name__ == "__main__":
    sys.exit(main())
