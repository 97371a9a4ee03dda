"""What the network and model pages show: the weights as one .npy file per array, and a
report of how a model was trained and how it scores. Plain functions, no HTTP."""

from __future__ import annotations

import base64
import io

import numpy as np

from nn.networks.cnn import KERNEL
from nn.networks.model_file import Model

from .limits import SIDE

# The arrays the network page fetches, by kind: all of the 784-250-10's; the CNN's filters,
# biases and output weights (its dense layer's 131,072 weights are not drawn).
WEIGHT_NAMES = {"mlp": ("W1", "b1", "W2", "b2"), "cnn": ("K1", "c1", "K2", "c2", "b3", "W4", "b4")}


def weights_version(model: Model) -> str:
    """A short name for this exact set of weights, used in the weights URL."""
    return model.sha256[:16]


def network_view(model: Model) -> dict:
    """What the network page draws a model from: its kind, its layer sizes (the
    784-250-10's "sizes"; the CNN's "widths" C1, C2, D, with the side of its filters,
    "kernel", of its input, "side", and its input's "channels": 1, the ink, or 3, the ink
    and the pen's direction across and down), and the version and names of the weights it
    fetches."""
    kind = model.meta.get("kind", "mlp")
    network = model.network
    if kind == "mlp":
        sizes = {"sizes": list(network.sizes)}
    else:
        sizes = {"widths": list(network.widths), "kernel": KERNEL, "side": SIDE, "channels": network.channels}
    return {"kind": kind, **sizes, "version": weights_version(model), "weights": list(WEIGHT_NAMES[kind])}


def weights_npy(model: Model, name: str) -> bytes:
    """One of its kind's WEIGHT_NAMES as a .npy file: float32 little-endian, C order, its
    own shape (W1 is (784, 250): input-major; K1 (5, 5, C, C1), C its input channels, 1 or
    3, and K2 (5, 5, C1, C2))."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(model.network.params()[name], dtype="<f4"))
    return buffer.getvalue()


def encode_examples(examples: list[dict]) -> list[dict]:
    return [{**e, "pixels": base64.b64encode(e["pixels"]).decode("ascii")} for e in examples]


def model_report(model: Model) -> dict:
    """Everything the model page draws, as JSON-ready data."""
    meta = model.meta
    examples = meta.get("test_examples", {})
    keys = ("name", "kind", "architecture", "deskew", "sizes", "recipe", "hidden_activation", "output", "loss", "config", "history",
            "stopped_by", "best_epoch", "train_seconds", "test_accuracy", "per_class_accuracy",
            "confusion", "created", "cpus", "handwriting", "calibration")  # fmt: skip
    report = {key: meta.get(key) for key in keys}
    report["parameters"] = int(sum(p.size for p in model.network.params().values()))
    report["misclassified"] = encode_examples(examples.get("misclassified", []))
    report["sample"] = encode_examples(examples.get("sample", []))
    return report
