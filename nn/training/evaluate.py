"""Test-set accuracy, per-class accuracy and the confusion matrix of a model file; or several
models side by side on MNIST, on the real test writers and on held-out labelled drawings.

    python3 -m nn.training.evaluate [MODEL] [--mnist-dir FOLDER] [--handwriting-dir FOLDER]
    python3 -m nn.training.evaluate SHIPPED CANDIDATE --labelled-drawings FOLDER [--labelled-holdout 0.2]

With two or more models, each after the first is compared with the first: ship it only if
it is better on everything measured: MNIST, with the real handwriting (--handwriting-dir or
$HANDWRITING_DIR) its test writers (their mean over collections, each collection shown too),
and with --labelled-drawings the held-out drawings. The verdict names what it compared.
Without a MODEL it evaluates nn.DEFAULT_MODEL_PATH, the model the site answers with by default.

`expected_calibration_error` says how far a model's confidence strays from its accuracy.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from nn import DEFAULT_MODEL_PATH
from nn.data import handwriting, mnist
from nn.data.labelled_drawings import load_labelled_drawings, split_labelled_drawings
from nn.data.mix import by_collection, held_out
from nn.data.mnist import MnistError, load_mnist
from nn.ink.preprocess import network_inputs
from nn.networks.model_file import ModelFileError, load_model
from nn.networks.network import Classifier
from nn.training.calibrate import SURE

BINS = 15  # confidence bins of the expected calibration error


def evaluate(network: Classifier, images: np.ndarray, labels: np.ndarray, deskewed: bool = False) -> dict:
    """Accuracy, per-class accuracy and confusion[true][predicted] as plain Python data."""
    X = network_inputs(images, deskewed, network.channels).astype(network.dtype)
    predicted = np.concatenate([network.predict(X[i : i + 5000]) for i in range(0, len(X), 5000)])
    n_classes = network.n_classes
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(confusion, (labels.astype(np.int64), predicted), 1)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    return {
        "accuracy": float((predicted == labels).mean()),
        "per_class_accuracy": [float(a) for a in per_class],
        "confusion": confusion.tolist(),
        "predicted": predicted,
    }


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    """Sum over equal-width confidence bins of |accuracy - mean confidence|, weighted by the
    bin's share of the answers. confidence, correct: (N,)."""
    which = np.minimum((confidence * bins).astype(int), bins - 1)  # (N,): the bin of each answer
    count = np.bincount(which, minlength=bins)  # (B,)
    gap = np.bincount(which, correct - confidence, minlength=bins)  # (B,): sum of (hit - confidence)
    return float(np.abs(gap).sum() / max(count.sum(), 1))


def probabilities(network: Classifier, images: np.ndarray, deskewed: bool, batch: int = 2000) -> np.ndarray:
    """(N, 28, 28) pixels in MNIST's form -> (N, 10) the network's probabilities, batch by batch."""
    parts = [
        network.predict_proba(
            network_inputs(images[i : i + batch], deskewed, network.channels).astype(network.dtype)
        )
        for i in range(0, len(images), batch)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, network.n_classes), network.dtype)


def honesty(probs: np.ndarray, labels: np.ndarray) -> dict:
    """How sure answers are: the expected calibration error, and of the answers at least
    SURE sure, how many there are and how many of them are wrong."""
    confidence, correct = probs.max(axis=1), probs.argmax(axis=1) == labels  # (N,), (N,)
    sure = confidence >= SURE
    return {
        "ece": expected_calibration_error(confidence, correct),
        "sure": int(sure.sum()),
        "sure_wrong": int((sure & ~correct).sum()),
    }


def handwriting_figures(probs: np.ndarray, labels: np.ndarray, sets: list[str]) -> dict:
    """Accuracy on real writers' digits, overall, per set and per digit, and its honesty."""
    correct = probs.argmax(axis=1) == labels  # (N,)
    per_set = {name: float(correct[np.array(sets) == name].mean()) for name in sorted(set(sets))}
    per_digit = [float(correct[labels == d].mean()) if (labels == d).any() else None for d in range(10)]
    return {
        "accuracy": float(correct.mean()),
        "count": len(labels),
        "per_set": per_set,
        "per_digit": per_digit,
        **honesty(probs, labels),
    }


def describe_honesty(h: dict) -> str:
    """honesty()'s figures in words."""
    return (f"{h['sure_wrong']} of {h['sure']} answers >= 90% sure wrong, "
            f"expected calibration error {100 * h['ece']:.2f}%")  # fmt: skip


def measure_real_writers(network: Classifier, deskewed: bool, test, who: str = "test writers") -> dict:
    """Real writers' figures (samples, images, labels), printed and returned for the model file."""
    samples, images, labels = test
    figures = handwriting_figures(probabilities(network, images, deskewed), labels, [s.set for s in samples])
    # USPS names no writers: its test file's digits are counted apart, not as a writer each
    figures["writers"] = len({s.writer for s in samples if s.fixed_side is None})
    figures["unnamed"] = sum(s.fixed_side is not None for s in samples)
    per_set = ", ".join(f"{k} {100 * v:.2f}%" for k, v in figures["per_set"].items())
    worst = min(range(10), key=lambda d: figures["per_digit"][d] or 1.0)
    print(f"real {who}: {100 * figures['accuracy']:.2f}% of {figures['count']} ({per_set}); "
          f"weakest digit {worst} {100 * figures['per_digit'][worst]:.2f}%; {describe_honesty(figures)}")  # fmt: skip
    return figures


def example_digits(images, labels, predicted, rng: np.random.Generator, sample: int = 100) -> dict:
    """Test digits kept in the model file for the model page: every misclassified one, and
    a random sample. Each is {index, label, predicted, pixels: 784 bytes}."""

    def example(i):
        return {
            "index": int(i),
            "label": int(labels[i]),
            "predicted": int(predicted[i]),
            "pixels": images[i].tobytes(),
        }

    wrong = np.flatnonzero(predicted != labels)
    chosen = np.sort(rng.choice(len(labels), size=min(sample, len(labels)), replace=False))
    return {"misclassified": [example(i) for i in wrong], "sample": [example(i) for i in chosen]}


def format_report(result: dict) -> str:
    lines = [f"test accuracy: {100 * result['accuracy']:.2f}%", "", "per-class accuracy:"]
    lines += [f"  {d}: {100 * a:6.2f}%" for d, a in enumerate(result["per_class_accuracy"])]
    lines += ["", "confusion matrix (rows: true digit, columns: predicted):"]
    lines.append("      " + "".join(f"{d:>6}" for d in range(len(result["confusion"]))))
    lines += [f"  {t:>2}  " + "".join(f"{c:>6}" for c in row) for t, row in enumerate(result["confusion"])]
    return "\n".join(lines)


Row = tuple[str, dict[str, tuple[float, int]]]  # a model's name, and {measure: (accuracy, count)}


def format_side_by_side(rows: list[Row]) -> str:
    """A table: a row per model, a column per measure (its accuracy, of how many digits)."""
    measures = list(rows[0][1])
    width = max(len(name) for name, _ in rows)
    cells = [[f"{100 * a:.2f}% of {n:,}" for a, n in measured.values()] for _, measured in rows]
    widths = [max(len(m), *(len(c[k]) for c in cells)) for k, m in enumerate(measures)]
    lines = [f"{'model':<{width}}" + "".join(f"  {m:>{w}}" for m, w in zip(measures, widths, strict=True))]
    for (name, _), row in zip(rows, cells, strict=True):
        lines.append(f"{name:<{width}}" + "".join(f"  {c:>{w}}" for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def verdict(candidate: Row, shipped: Row, deciding: list[str]) -> str:
    """Whether to ship `candidate` instead of `shipped`: only if it is better on every one of
    the `deciding` measures; the sentence names what was compared."""
    (name, measured), (name0, measured0) = candidate, shipped
    better = [m for m in deciding if measured[m][0] > measured0[m][0]]
    worse = [m for m in deciding if m not in better]
    on = f"compared on {', '.join(deciding)}"
    if not worse:
        return f"{name} is better than {name0} on every measure ({on}): ship it"
    if not better:
        return f"{name} is not better than {name0} on any measure ({on}): keep {name0}"
    return f"{name} is better than {name0} on {', '.join(better)} but not on {', '.join(worse)}: keep {name0}"


def measures(model, data, labelled_held, real) -> dict[str, tuple[float, int]]:
    """{measure: (accuracy, count)}: MNIST's test set; with real writers, their mean over
    collections (each weighing the same, as training's validation does) and each collection;
    with labelled drawings held out, those."""
    measured = {
        "MNIST test": (
            evaluate(model.network, data.test_images, data.test_labels, model.deskewed)["accuracy"],
            len(data.test_labels),
        )
    }
    if real is not None:
        per = {name: (evaluate(model.network, images, labels, model.deskewed)["accuracy"], len(labels))
               for name, (images, labels) in real.items()}  # fmt: skip
        measured[REAL] = (float(np.mean([a for a, _ in per.values()])), sum(n for _, n in per.values()))
        measured |= {f"{REAL}: {name}": figures for name, figures in per.items()}
    if labelled_held is not None and len(labelled_held[1]):
        held = evaluate(model.network, *labelled_held, model.deskewed)
        measured[LABELLED] = (held["accuracy"], len(labelled_held[1]))
    return measured


REAL = "real test writers"  # their mean over collections, each weighing the same
LABELLED = "labelled (held out)"


def compare(paths: list[str], models: list, data, labelled_held, real=None) -> str:
    rows = [
        (path, measures(model, data, labelled_held, real)) for path, model in zip(paths, models, strict=True)
    ]
    deciding = [m for m in ("MNIST test", REAL, LABELLED) if m in rows[0][1]]
    return "\n".join([format_side_by_side(rows), *(verdict(row, rows[0], deciding) for row in rows[1:])])


def real_test_writers(folder, log=print) -> dict | None:
    """The test writers' digits {collection: (images, labels)}, or None without a folder (said)."""
    samples = handwriting.digits_in(folder, log)
    # with the pen's direction, which a network reading the ink alone leaves aside
    return None if samples is None else by_collection(held_out(handwriting.split(samples, "test"), True))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m nn.training.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "models",
        nargs="*",
        metavar="MODEL",
        help="model files: the first is the shipped one, each other a candidate compared with it "
        f"(default: {DEFAULT_MODEL_PATH}, the one the site serves by default)",
    )
    mnist.add_flag(parser)
    parser.add_argument(
        "--labelled-drawings",
        metavar="FOLDER",
        help="labelled drawings from `manage.py export_labelled_drawings`",
    )
    parser.add_argument("--labelled-holdout", type=float, default=0.2, metavar="FRACTION",
                        help="the held-out part, as given to the trainer (default %(default)s)")  # fmt: skip
    handwriting.add_flag(
        parser,
        f"the real handwriting sets, to compare on their test writers too (else ${handwriting.ENV_VAR})",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.labelled_holdout < 1:
        parser.error("--labelled-holdout must be at least 0 and below 1")
    paths = args.models or [str(DEFAULT_MODEL_PATH)]
    try:
        # The arguments first: a wrong path is reported before MNIST is looked for (or fetched).
        models = [load_model(path) for path in paths]
        held = (
            split_labelled_drawings(*load_labelled_drawings(args.labelled_drawings), args.labelled_holdout)[1]
            if args.labelled_drawings
            else None
        )
        data = load_mnist(args.mnist_dir)
        real = real_test_writers(handwriting.find_folder(args.handwriting_dir), log=print)
    except (ModelFileError, MnistError, handwriting.HandwritingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if len(paths) > 1 or held is not None:
        print(compare(paths, models, data, held, real))
        return 0
    model = models[0]
    print(f"model: {paths[0]} ({model.name}, {model.meta.get('architecture', '')})")
    print(format_report(evaluate(model.network, data.test_images, data.test_labels, model.deskewed)))
    if real is not None:
        print("\n" + format_side_by_side([(paths[0], measures(model, data, None, real))]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
