"""What the network and model pages show: the weights as one .npy file per array, and a
report of how a model was trained and how it scores. Plain functions, no HTTP."""

from __future__ import annotations

import base64
import io

import numpy as np

from nn.model_file import Model

WEIGHT_NAMES = ("W1", "b1", "W2", "b2")  # the 784-250-10's arrays the network page fetches


def weights_version(model: Model) -> str:
    """A short name for this exact set of weights, used in the weights URL."""
    return model.sha256[:16]


def weights_npy(model: Model, name: str) -> bytes:
    """One of WEIGHT_NAMES as a .npy file: float32 little-endian, C order, its own shape
    (W1 is (784, 250): input-major)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(getattr(model.network, name), dtype="<f4"))
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
