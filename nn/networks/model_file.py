"""Model files: a pickle of plain data, written atomically, read through a safe unpickler.
Every network the site loads is stored this way: the digit models, the not-a-digit check
(nn/checks/not_digit.pkl) and the segment scorer (nn/checks/scorer.pkl).

A model file holds one dict:
    format            "digits-model"
    format_version    1
    kind              "mlp", "cnn" or "check"
    name              short name shown by the site, e.g. "mlp"
    architecture      a one-line description, e.g. "784-250-10"
    sizes, recipe     (mlp) [784, 250, 10]; "softmax-xent" or "sigmoid-mse"
    hidden_activation "sigmoid" | "relu"; output "softmax" | "sigmoid"; loss "cross_entropy" | "squared_error"
    params            mlp: {"W1": ndarray (784, 250), "b1": (250,), "W2": (250, 10), "b2": (10,)}
                      cnn: {"K1", "c1", "K2", "c2", "W3", "b3", "W4", "b4"} (shapes in cnn.py,
                      from the widths its biases c1, c2, b3 give, each at most cnn.MAX_WIDTH,
                      and the input channels K1's third axis gives, one of cnn.INPUT_CHANNELS:
                      1, the ink, or 3, the ink and the pen's direction across and down)
                      check: {"W1", "b1", "W2", "b2", "mean", "scale"} (not_digit.py), and
                      "thresholds" {source: probability} beside them
    config            the training configuration (plain dict)
    history           per-epoch dicts: loss, train/validation accuracy, learning rate, seconds
    stopped_by        "threshold" or "max_epochs"
    test_accuracy     float; per_class_accuracy [10 floats]; confusion [[10 ints] x 10]
    deskew            bool: the network was trained on deskewed digits, and must be served them
    test_examples     {"misclassified": [...], "sample": [...]}: test digits for the model
                      page, each {index, label, predicted, pixels: 784 bytes}
    data_sha256       {file name: SHA-256 of the decompressed IDX bytes trained on}
    created           ISO-8601 time

Unpickling can run arbitrary code, so loading admits only the few globals that NumPy
arrays need and refuses everything else before it runs. A file is also a workload: its
size and its count of pickle operations are bounded before it is unpickled, and the
metadata check by the number of values it visits, so no file, however built, can hold a
process for long (a structure of shared references is small on disk but its tree, which
the check walks, can be astronomically large).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import os
import pickle
import pickletools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.networks.cnn import PARAM_SHAPES as CNN_SHAPES
from nn.networks.cnn import ConvNet, check_channels, check_widths, param_shapes
from nn.networks.network import PARAM_NAMES, RECIPES, Classifier, Network
from nn.networks.not_digit import CHECK_PATH, N_FEATURES, N_INPUTS, SOURCES, Check

FORMAT, FORMAT_VERSION = "digits-model", 1

# The only globals a pickle of dicts, lists, numbers, strings and float arrays needs.
ALLOWED_GLOBALS = {
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),  # protocol 2 and older store array bytes through it: see latin1
}
ALLOWED_DTYPES = (np.float32, np.float64)
# Bounds on the work a file may cause, each far above what a real model needs (the shipped
# ones: under 1 MB, about 4,200 pickle operations and 1,700 metadata values).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PICKLE_OPS = 100_000
MAX_METADATA_VALUES = 50_000
MAX_METADATA_DEPTH = 20
TEMPERATURES = (0.05, 20.0)  # the softmax temperatures a file may hold: far beyond any fitted


class ModelFileError(Exception):
    """The model file is missing, unsafe, corrupt or not a model; the message says which."""


@dataclass
class Model:
    network: Classifier | Check  # a Network (784-250-10 or the scorer), a ConvNet, or the check
    meta: dict  # everything in the file but the weights
    sha256: str = ""  # of the file's bytes: names this exact version of the weights

    @property
    def name(self) -> str:
        return self.meta.get("name", "mlp")

    @property
    def deskewed(self) -> bool:
        """Whether the network expects deskewed digits (preprocess.network_inputs)."""
        return bool(self.meta.get("deskew", False))


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) == ("_codecs", "encode"):
            return latin1
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise ModelFileError(f"refused: the file asks for {module}.{name}, which a model never needs")


def latin1(text, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """_codecs.encode as older pickles call it for bytes: text to the same number of bytes,
    one a character. Any other codec is refused: "hex" doubles its input, so nested 30
    times it turns a few bytes into a gigabyte."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise ModelFileError("refused: _codecs.encode is read only as latin1 text, as array bytes are stored")
    return codecs.encode(text, "latin1", errors)


def count_ops(data: bytes) -> int:
    """The number of pickle operations in `data`, up to MAX_PICKLE_OPS + 1, read without
    running any: unpickling's time and memory grow with it."""
    return sum(1 for _ in itertools.islice(pickletools.genops(data), MAX_PICKLE_OPS + 1))


def safe_loads(data: bytes):
    """Unpickle bytes admitting only NumPy array globals; any failure is a ModelFileError."""
    try:
        if count_ops(data) > MAX_PICKLE_OPS:
            raise ModelFileError(
                f"refused: more than {MAX_PICKLE_OPS} pickle operations; a model needs far fewer"
            )
        return SafeUnpickler(io.BytesIO(data)).load()
    except ModelFileError:
        raise
    except Exception as exc:  # a corrupt pickle can raise almost anything
        raise ModelFileError(f"corrupt or truncated ({type(exc).__name__}: {exc})") from None


def describe(network: Classifier | Check) -> dict:
    """The architecture fields stored beside the weights."""
    if isinstance(network, Check):
        hidden = network.W1.shape[1]
        return {
            "kind": "check",
            "architecture": f"{N_FEATURES} shape features + 784 pixels, dense {hidden}, dense 2",
            "hidden_activation": "relu",
            "output": "softmax",
            "thresholds": dict(network.thresholds),
        }
    if isinstance(network, ConvNet):
        c1, c2, dense = network.widths
        reads = "" if network.channels == 1 else "ink and pen direction (3 channels), "
        return {
            "kind": "cnn",
            "architecture": f"{reads}conv 5x5x{c1}, pool, conv 5x5x{c2}, pool, dense {dense}, dense 10",
            "hidden_activation": "relu",
            "output": "softmax",
            "loss": "cross_entropy",
            "temperature": float(network.temperature),
        }
    softmax = network.recipe == "softmax-xent"
    n_in, n_hidden, n_out = network.sizes
    return {
        "kind": "mlp",
        "architecture": f"{n_in}-{n_hidden}-{n_out}",
        "sizes": [n_in, n_hidden, n_out],
        "recipe": network.recipe,
        "hidden_activation": "sigmoid",
        "output": "softmax" if softmax else "sigmoid",
        "loss": "cross_entropy" if softmax else "squared_error",
        "temperature": float(network.temperature),
    }


def to_payload(network: Classifier | Check, meta: dict) -> dict:
    """The dict stored in a model file, built from a network and its metadata."""
    described = describe(network)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": described["kind"],
        **meta,
        **described,
        "params": {k: np.ascontiguousarray(v) for k, v in network.params().items()},
    }


def save_model(path: str | os.PathLike, network: Classifier | Check, meta: dict) -> None:
    """Write the model, then its checksum file `<name>.sha256` beside it, each atomically
    (a temporary file in the same folder, then a rename). A crash between the two leaves a
    checksum that does not match, which a verifying load refuses: never a half model."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps(to_payload(network, meta), protocol=5)
    write_atomically(path, data)
    write_atomically(checksum_path(path), f"{hashlib.sha256(data).hexdigest()}  {path.name}\n".encode())


def write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model is read by the web server's user
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def expected_sha256(path: Path) -> str | None:
    """The SHA-256 recorded beside a model file (sha256sum format), or None."""
    try:
        return checksum_path(path).read_text().split()[0].lower()
    except (OSError, IndexError):
        return None


def check_params(params, shapes: dict[str, tuple]) -> dict[str, np.ndarray]:
    """Exactly the expected weight arrays, each of the right shape and dtype, and finite."""
    if not isinstance(params, dict) or set(params) != set(shapes):
        raise ModelFileError(f"params must hold exactly {', '.join(shapes)}")
    for name, shape in shapes.items():
        p = params[name]
        if not isinstance(p, np.ndarray) or p.dtype.type not in ALLOWED_DTYPES:
            raise ModelFileError(f"{name} must be a float32 or float64 array")
        if p.shape != shape:
            raise ModelFileError(f"{name} has shape {p.shape}, expected {shape}")
        if not np.isfinite(p).all():
            raise ModelFileError(f"{name} holds non-finite values")
    if len({p.dtype for p in params.values()}) != 1:
        raise ModelFileError("all weight arrays must share one dtype")
    return params


def mlp_from(payload: dict) -> Network:
    sizes = payload.get("sizes")
    if not (isinstance(sizes, list) and len(sizes) == 3 and all(type(s) is int and s > 0 for s in sizes)):
        raise ModelFileError("sizes must be three positive integers")
    if payload.get("recipe") not in RECIPES:
        raise ModelFileError(f"unknown recipe {payload.get('recipe')!r}")
    n_in, n_hidden, n_out = sizes
    shapes = {"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}
    params = check_params(payload.get("params"), shapes)
    network = Network(**{k: params[k] for k in PARAM_NAMES}, recipe=payload["recipe"])
    network.temperature = temperature_from(payload)
    return network


def cnn_from(payload: dict) -> ConvNet:
    """The widths are read from the biases and the input channels from K1, then every shape
    is checked against them."""
    params = payload.get("params")
    if not isinstance(params, dict) or set(params) != set(CNN_SHAPES):
        raise ModelFileError(f"params must hold exactly {', '.join(CNN_SHAPES)}")
    biases = [params[name] for name in ("c1", "c2", "b3")]
    if not all(isinstance(b, np.ndarray) and b.ndim == 1 for b in biases):
        raise ModelFileError("c1, c2 and b3 must be one-dimensional arrays")
    try:
        widths = check_widths(b.shape[0] for b in biases)
    except ValueError as exc:
        raise ModelFileError(f"cnn {exc}") from None
    K1 = params["K1"]
    # A K1 that is not four-dimensional is refused by its shape, below.
    channels = K1.shape[2] if isinstance(K1, np.ndarray) and K1.ndim == 4 else 1
    try:
        channels = check_channels(channels)
    except ValueError as exc:
        raise ModelFileError(f"cnn K1 {K1.shape}: {exc}") from None
    network = ConvNet(dict(check_params(params, param_shapes(widths, channels))))
    network.temperature = temperature_from(payload)
    return network


def check_from(payload: dict) -> Check:
    """The hidden width is read from W1, then every shape is checked against it."""
    params = payload.get("params")
    w1 = params.get("W1") if isinstance(params, dict) else None
    if not (isinstance(w1, np.ndarray) and w1.ndim == 2):
        raise ModelFileError("a check needs a two-dimensional W1")
    hidden = w1.shape[1]
    shapes = {"W1": (N_INPUTS, hidden), "b1": (hidden,), "W2": (hidden, 2), "b2": (2,)}
    params = check_params(params, shapes | {"mean": (N_FEATURES,), "scale": (N_FEATURES,)})
    if not (params["scale"] > 0).all():
        raise ModelFileError("scale must be positive")
    thresholds = payload.get("thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(SOURCES):
        raise ModelFileError(f"needs a threshold for each of {', '.join(SOURCES)}")
    if not all(type(t) is float and 0 < t < 1 for t in thresholds.values()):
        raise ModelFileError("each threshold must be a number between 0 and 1")
    return Check(**params, thresholds=thresholds)


BUILDERS = {"mlp": mlp_from, "cnn": cnn_from, "check": check_from}


def from_payload(payload) -> Model:
    """Validate an unpickled payload and build the Model it describes."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelFileError("not a digits model file")
    if payload.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"unsupported format version {payload.get('format_version')!r}")
    build = BUILDERS.get(payload.get("kind"))
    if build is None:
        raise ModelFileError(f"unknown model kind {payload.get('kind')!r}")
    network = build(payload)
    meta = {k: v for k, v in payload.items() if k != "params"}
    check_plain(meta, "metadata")
    return Model(network, meta)


def temperature_from(payload: dict) -> float:
    """The file's softmax temperature (nn/training/calibrate.py); 1 when the file has none."""
    value = payload.get("temperature", 1.0)
    is_number = type(value) in (float, int)  # not bool, not str
    if not (is_number and TEMPERATURES[0] <= value <= TEMPERATURES[1]):
        raise ModelFileError(f"temperature must be a number from {TEMPERATURES[0]} to {TEMPERATURES[1]}")
    return float(value)


PLAIN = (str, int, float, bool, bytes, type(None))


def check_plain(value, where: str) -> None:
    """Metadata is plain data only (dicts, lists, strings, numbers, bytes): anything else,
    an array in the history say, would break whatever shows it. The walk visits at most
    MAX_METADATA_VALUES values, counting a value reached twice (a shared reference) twice."""
    pending = [(value, where, 0)]  # a stack, not recursion: depth and breadth both bounded
    visited = 0
    while pending:
        value, where, depth = pending.pop()
        visited += 1
        if visited > MAX_METADATA_VALUES:
            raise ModelFileError(f"metadata holds more than {MAX_METADATA_VALUES} values")
        if depth > MAX_METADATA_DEPTH:
            raise ModelFileError(f"{where} is nested too deeply")
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise ModelFileError(f"{where} has a key that is not a string")
                pending.append((item, f"{where}.{key}", depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
        elif not isinstance(value, PLAIN):
            raise ModelFileError(f"{where} holds a {type(value).__name__}; metadata must be plain data")


def load_model(path: str | os.PathLike, verify: bool = False) -> Model:
    """Read and validate a model file. With `verify`, its SHA-256 must first match the
    checksum file beside it, so a tampered file is refused before a byte is unpickled."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ModelFileError(f"{path}: larger than {MAX_FILE_BYTES} bytes; a model is far smaller")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot be read ({exc.strerror})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    if verify:
        expected = expected_sha256(path)
        if expected is None:
            raise ModelFileError(f"{path}: no checksum file {checksum_path(path).name} beside it")
        if expected != sha256:
            raise ModelFileError(f"{path}: SHA-256 {sha256} does not match its checksum file ({expected})")
    try:
        model = from_payload(safe_loads(data))
    except ModelFileError as exc:
        raise ModelFileError(f"{path}: {exc}") from None
    model.sha256 = sha256
    return model


def load_check(path: str | os.PathLike = CHECK_PATH) -> Check:
    """The not-a-digit check in `path`, its checksum verified; ModelFileError if the file
    is refused or holds another kind of network."""
    model = load_model(path, verify=True)
    if model.meta.get("kind") != "check":
        raise ModelFileError(f"{path}: holds a {model.meta.get('kind')} network, not a not-a-digit check")
    check = model.network
    check.meta, check.sha256 = model.meta, model.sha256
    return check
