"""Find, verify and read the MNIST IDX files.

Files are looked for, in order, in: an explicit folder (the `--data-dir` flag), the
`MNIST_DIR` environment variable, and the project's git-ignored cache folder. Each may
hold the gzipped (`*.gz`) or the raw IDX file. Whatever is read is checked against the
SHA-256 of the *decompressed* bytes, so a re-compressed copy and a fresh download pass
the same check. When no folder has the files they are downloaded into the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = PROJECT_ROOT / ".cache" / "mnist"
ENV_VAR = "MNIST_DIR"  # the folder holding the four IDX files
FLAG = "--mnist-dir"  # the same, on a command line; it wins over the variable

# SHA-256 of each file's decompressed IDX bytes (the published data set).
SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

# Public mirrors of the original files, tried in order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801


class MnistError(Exception):
    """MNIST could not be found, fetched or read; the message says what to do."""


@dataclass
class Mnist:
    train_images: np.ndarray  # (60000, 28, 28) uint8
    train_labels: np.ndarray  # (60000,) uint8
    test_images: np.ndarray  # (10000, 28, 28) uint8
    test_labels: np.ndarray  # (10000,) uint8
    sha256: dict[str, str]


def parse_idx(raw: bytes) -> np.ndarray:
    """IDX bytes -> uint8 array: a big-endian magic, one uint32 per dimension, payload."""
    if len(raw) < 8:
        raise MnistError("IDX file too short")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
        raise MnistError(f"not an IDX uint8 file (magic {magic:#010x})")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + int(np.prod(shape)):
        raise MnistError(f"IDX payload does not match its shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as a (gzipped if the name ends in .gz) IDX file."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = 0x00000800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def read_verified(folder: Path, name: str) -> bytes | None:
    """The decompressed bytes of `name` in `folder`, or None when it is not there.

    A file that is there but whose content has the wrong checksum is an error, not a miss:
    silently skipping it would hide a corrupt copy.
    """
    for candidate, opener in ((folder / f"{name}.gz", gzip.open), (folder / name, open)):
        if candidate.is_file():
            try:
                with opener(candidate, "rb") as f:
                    raw = f.read()
            except (OSError, EOFError) as exc:
                raise MnistError(f"{candidate} cannot be read: {exc}") from None
            digest = hashlib.sha256(raw).hexdigest()
            if digest != SHA256[name]:
                raise MnistError(
                    f"{candidate} has the wrong checksum (SHA-256 {digest}, expected "
                    f"{SHA256[name]}); delete it or point to a good copy"
                )
            return raw
    return None


def add_flag(parser) -> None:
    """The flag that names MNIST's folder on a tool's command line (args.mnist_dir)."""
    parser.add_argument(
        FLAG, dest="mnist_dir", help=f"folder with MNIST's IDX files (else ${ENV_VAR}, else the cache)"
    )


def candidate_dirs(data_dir: str | os.PathLike | None) -> list[tuple[str, Path]]:
    dirs = []
    if data_dir:
        dirs.append((FLAG, Path(data_dir)))
    if os.environ.get(ENV_VAR):
        dirs.append((ENV_VAR, Path(os.environ[ENV_VAR])))
    dirs.append(("cache", CACHE_DIR))
    return dirs


def download(name: str, dest_dir: Path, mirrors=MIRRORS) -> None:
    """Fetch `name`.gz into dest_dir, with progress on stderr, verifying its content."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    errors = []
    for mirror in mirrors:
        url = f"{mirror}{name}.gz"
        tmp_path = dest_dir / f".{name}.gz.part"
        try:
            with urllib.request.urlopen(url, timeout=30) as response, open(tmp_path, "wb") as tmp:
                total = int(response.headers.get("Content-Length") or 0)
                copy_with_progress(response, tmp, total, f"{name}.gz")
            raw = gzip.decompress(tmp_path.read_bytes())
            if hashlib.sha256(raw).hexdigest() != SHA256[name]:
                raise MnistError(f"{url} sent a file with the wrong checksum")
            os.replace(tmp_path, dest_dir / f"{name}.gz")
            return
        except (OSError, EOFError, MnistError) as exc:  # URLError is an OSError
            errors.append(f"{url}: {exc}")
            tmp_path.unlink(missing_ok=True)
    raise MnistError("could not download MNIST:\n  " + "\n  ".join(errors))


def copy_with_progress(src, dst, total: int, label: str) -> None:
    done, chunk = 0, 1 << 16
    while block := src.read(chunk):
        dst.write(block)
        done += len(block)
        if total and sys.stderr.isatty():
            print(f"\r  {label}: {100 * done // total:3d}%", end="", file=sys.stderr)
    if total and sys.stderr.isatty():
        print(file=sys.stderr)


def find_files(data_dir=None, allow_download: bool = True) -> dict[str, bytes]:
    """The four verified decompressed files, searching (and if need be downloading)."""
    dirs = candidate_dirs(data_dir)
    for _, folder in dirs:
        found = {name: read_verified(folder, name) for name in SHA256}
        if all(raw is not None for raw in found.values()):
            return found
    if allow_download:
        try:
            for name in SHA256:
                if read_verified(CACHE_DIR, name) is None:
                    download(name, CACHE_DIR)
            return {name: read_verified(CACHE_DIR, name) for name in SHA256}
        except MnistError as exc:
            reason = str(exc)
    else:
        reason = "downloading was not allowed"
    looked = "\n".join(f"  {label}: {folder}" for label, folder in dirs)
    raise MnistError(
        f"MNIST files not found. Looked in:\n{looked}\nand {reason}.\n"
        "Put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in a folder and pass "
        f"{FLAG} FOLDER or set {ENV_VAR}=FOLDER."
    )


def load_mnist(data_dir=None, allow_download: bool = True) -> Mnist:
    raw = find_files(data_dir, allow_download)
    arrays = {name: parse_idx(data) for name, data in raw.items()}
    return Mnist(
        arrays["train-images-idx3-ubyte"],
        arrays["train-labels-idx1-ubyte"],
        arrays["t10k-images-idx3-ubyte"],
        arrays["t10k-labels-idx1-ubyte"],
        dict(SHA256),
    )


def load_keras() -> Mnist:
    """MNIST as Keras's datasets.mnist gives it, through TensorFlow (optional)."""
    try:
        from tensorflow import keras  # noqa: PLC0415 - optional, heavy
    except ImportError:
        raise MnistError(
            "--source keras needs TensorFlow: pip install -r nn/requirements-optional.txt"
        ) from None
    try:  # Keras downloads the data set on first use: offline, that fails
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # noqa: BLE001 - whatever Keras raises, say what happened
        raise MnistError(f"Keras could not load MNIST ({type(exc).__name__}: {exc})") from None
    checksums = {
        "train-images-idx3-ubyte": x_train,
        "train-labels-idx1-ubyte": y_train,
        "t10k-images-idx3-ubyte": x_test,
        "t10k-labels-idx1-ubyte": y_test,
    }
    # Keras hands over bare arrays; hash their payloads so the model file still records
    # exactly which data trained it.
    sha = {k: hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest() for k, v in checksums.items()}
    return Mnist(x_train, y_train, x_test, y_test, sha)
