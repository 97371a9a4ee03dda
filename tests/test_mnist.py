"""Finding, verifying and reading the MNIST IDX files."""

import gzip
import hashlib
import io
from pathlib import Path

import numpy as np
import pytest

from nn.data import mnist
from nn.data.mnist import MnistError, load_mnist, parse_idx, write_idx

NAMES = list(mnist.SHA256)


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """A folder with four tiny IDX files, and the checksum table pointed at them."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(6, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.arange(3, dtype=np.uint8),
    }
    folder = tmp_path / "tiny"
    folder.mkdir()
    table = {}
    for name, array in arrays.items():
        write_idx(folder / f"{name}.gz", array)
        table[name] = hashlib.sha256(gzip.decompress((folder / f"{name}.gz").read_bytes())).hexdigest()
    monkeypatch.setattr(mnist, "SHA256", table)
    monkeypatch.setattr(mnist, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))  # nothing listens there
    monkeypatch.delenv("MNIST_DIR", raising=False)
    return folder, arrays


def test_idx_bytes_round_trip_through_write_and_parse(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.idx", array)
    np.testing.assert_array_equal(parse_idx((tmp_path / "a.idx").read_bytes()), array)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x00\x00", "too short"),
        (b"\x00\x00\x0d\x03" + bytes(12), "not an IDX uint8 file"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x05abc", "does not match its shape"),
    ],
)
def test_malformed_idx_bytes_are_refused(raw, message):
    with pytest.raises(MnistError, match=message):
        parse_idx(raw)


def test_files_are_found_through_the_mnist_dir_variable(tiny_mnist, monkeypatch):
    folder, arrays = tiny_mnist
    monkeypatch.setenv("MNIST_DIR", str(folder))
    data = load_mnist()
    np.testing.assert_array_equal(data.train_images, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.test_labels, arrays["t10k-labels-idx1-ubyte"])


def test_the_mnist_dir_flag_wins_over_the_variable_and_raw_files_work_too(tiny_mnist, monkeypatch, tmp_path):
    folder, arrays = tiny_mnist
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in NAMES:
        (raw / name).write_bytes(gzip.decompress((folder / f"{name}.gz").read_bytes()))
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "nowhere"))
    data = load_mnist(raw)
    np.testing.assert_array_equal(data.train_labels, arrays["train-labels-idx1-ubyte"])


def test_a_file_with_the_wrong_checksum_is_rejected_not_skipped(tiny_mnist):
    folder, _ = tiny_mnist
    path = folder / "t10k-labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"\x00\x00\x08\x01\x00\x00\x00\x03\x09\x09\x09")
    with pytest.raises(MnistError, match="wrong checksum"):
        load_mnist(folder)


def test_offline_with_no_files_one_error_says_where_it_looked_and_what_to_set(tiny_mnist, tmp_path):
    with pytest.raises(MnistError) as info:
        load_mnist(tmp_path / "empty")
    message = str(info.value)
    assert str(tmp_path / "empty") in message and str(mnist.CACHE_DIR) in message
    assert "could not download" in message
    assert "--mnist-dir" in message and "MNIST_DIR" in message


class FakeResponse(io.BytesIO):
    """What urlopen returns, enough for the downloader: a readable body and headers."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}


def test_a_download_is_verified_and_lands_in_the_cache(tiny_mnist, monkeypatch):
    folder, arrays = tiny_mnist

    def fake_urlopen(url, timeout):
        return FakeResponse((folder / url.rsplit("/", 1)[1]).read_bytes())

    monkeypatch.setattr(mnist.urllib.request, "urlopen", fake_urlopen)
    data = load_mnist(Path("/nonexistent"))
    np.testing.assert_array_equal(data.test_images, arrays["t10k-images-idx3-ubyte"])
    assert sorted(p.name for p in mnist.CACHE_DIR.iterdir()) == sorted(f"{n}.gz" for n in NAMES)


def test_a_download_with_the_wrong_content_is_discarded(tiny_mnist, monkeypatch, tmp_path):
    bad = tmp_path / "bad.gz"
    bad.write_bytes(gzip.compress(b"not mnist"))
    monkeypatch.setattr(mnist.urllib.request, "urlopen", lambda url, timeout: FakeResponse(bad.read_bytes()))
    with pytest.raises(MnistError, match="wrong checksum"):
        load_mnist(Path("/nonexistent"))
    assert not any(mnist.CACHE_DIR.iterdir())


def test_the_real_files_pass_their_published_checksums(mnist_data):
    data = mnist_data  # load_mnist checks every file's SHA-256
    assert data.train_images.shape == (60000, 28, 28) and data.test_labels.shape == (10000,)
