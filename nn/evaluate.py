"""Test-set accuracy, per-class accuracy and the confusion matrix of a model file.

python -m nn.evaluate [MODEL] [--data-dir FOLDER]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from . import DEFAULT_MODEL_PATH
from .mnist import MnistError, load_mnist
from .model_file import ModelFileError, load_model
from .network import Classifier
from .preprocess import network_inputs


def evaluate(network: Classifier, images: np.ndarray, labels: np.ndarray, deskewed: bool = False) -> dict:
    """Accuracy, per-class accuracy and confusion[true][predicted] as plain Python data."""
    X = network_inputs(images, deskewed).astype(network.dtype)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nn.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "model", nargs="?", default=str(DEFAULT_MODEL_PATH), help="model file (default: %(default)s)"
    )
    parser.add_argument("--data-dir", help="folder with the MNIST files (else MNIST_DIR, else the cache)")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
        data = load_mnist(args.data_dir)
    except (ModelFileError, MnistError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"model: {args.model} ({model.name}, {model.meta.get('architecture', '')})")
    print(format_report(evaluate(model.network, data.test_images, data.test_labels, model.deskewed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
