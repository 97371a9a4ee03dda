"""What the network and model pages show: the weights as a compact binary, and a report
of how a model was trained and how it scores. Plain functions, no HTTP."""

from __future__ import annotations

import base64
import struct

import numpy as np

from nn.model_file import Model

WEIGHTS_MAGIC = b"DGW1"


def weights_version(model: Model) -> str:
    """A short name for this exact set of weights, used in the weights URL."""
    return model.sha256[:16]


def pack_weights(model: Model) -> bytes:
    """ "DGW1", sizes as three little-endian uint32, then float32 little-endian
    W1 (784 x 250, row-major: input-major), b1 (250), W2 (250 x 10), b2 (10)."""
    net = model.network
    header = WEIGHTS_MAGIC + struct.pack("<3I", *net.sizes)
    arrays = (net.W1, net.b1, net.W2, net.b2)
    return header + b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for a in arrays)


def encode_examples(examples: list[dict]) -> list[dict]:
    return [{**e, "pixels": base64.b64encode(e["pixels"]).decode("ascii")} for e in examples]


def model_report(model: Model) -> dict:
    """Everything the model page draws, as JSON-ready data."""
    meta = model.meta
    examples = meta.get("test_examples", {})
    keys = ("name", "kind", "architecture", "deskew", "sizes", "recipe", "hidden_activation", "output", "loss", "config", "history",
            "stopped_by", "best_epoch", "train_seconds", "test_accuracy", "per_class_accuracy",
            "confusion", "created")  # fmt: skip
    report = {key: meta.get(key) for key in keys}
    report["parameters"] = int(sum(p.size for p in model.network.params().values()))
    report["misclassified"] = encode_examples(examples.get("misclassified", []))
    report["sample"] = encode_examples(examples.get("sample", []))
    return report
