"""Model files: round trip, atomic writes, and refusal of unsafe or broken files."""

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from bench.payloads import Expanding
from nn import MODEL_DIR
from nn.networks.cnn import MAX_WIDTH, ConvNet, param_shapes
from nn.networks.model_file import (
    MAX_FILE_BYTES,
    ModelFileError,
    load_check,
    load_model,
    save_model,
    to_payload,
)
from nn.networks.network import Network
from nn.networks.not_digit import CHECK_PATH
from nn.networks.scorer import SCORER_PATH, load_scorer
from tests.helpers import MLP_SIZES, RunsACommand, checked_copy, flip_a_bit, tiny_network, write_payload


@pytest.fixture
def network():
    return Network.initialise(np.random.default_rng(0), MLP_SIZES)


def test_a_saved_model_loads_back_with_identical_weights_and_metadata(tmp_path, network):
    path = tmp_path / "m.pkl"
    save_model(path, network, {"history": [{"epoch": 1, "loss": 0.5}], "test_accuracy": 0.9})
    model = load_model(path)
    for name, p in network.params().items():
        np.testing.assert_array_equal(model.network.params()[name], p)
    assert model.meta["history"] == [{"epoch": 1, "loss": 0.5}]
    assert model.meta["sizes"] == [784, 250, 10]
    assert model.meta["output"] == "softmax" and model.meta["loss"] == "cross_entropy"
    assert "params" not in model.meta


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_files_written_with_older_pickle_protocols_load_too(tmp_path, network, protocol):
    path = write_payload(tmp_path / "m.pkl", to_payload(network, {}), protocol)
    np.testing.assert_array_equal(load_model(path).network.W1, network.W1)


def test_a_pickle_that_would_run_a_command_is_refused_and_the_command_never_runs(tmp_path, network):
    marker = tmp_path / "pwned"
    payload = to_payload(network, {"history": RunsACommand(marker)})
    path = write_payload(tmp_path / "evil.pkl", payload)
    with pytest.raises(ModelFileError, match="refused: .*system"):
        load_model(path)
    assert not marker.exists()


def test_a_truncated_file_gives_a_clear_error(tmp_path, network):
    path = tmp_path / "m.pkl"
    save_model(path, network, {})
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(ModelFileError, match="corrupt or truncated"):
        load_model(path)


def test_bytes_that_are_not_a_pickle_give_a_clear_error(tmp_path):
    path = tmp_path / "m.pkl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not a model at all")
    with pytest.raises(ModelFileError, match="corrupt or truncated"):
        load_model(path)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "absent.pkl")


def test_a_pickle_of_something_else_is_not_a_model(tmp_path):
    path = write_payload(tmp_path / "m.pkl", {"hello": [1, 2, 3]})
    with pytest.raises(ModelFileError, match="not a digits model file"):
        load_model(path)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("W1", np.zeros((784, 100), np.float32), "W1 has shape"),
        ("b2", np.zeros(11, np.float32), "b2 has shape"),
        ("W2", np.zeros((250, 10), np.int64), "W2 must be a float32 or float64 array"),
        ("b1", [0.0] * 250, "b1 must be a float32 or float64 array"),
    ],
)
def test_wrong_shapes_and_types_are_refused(tmp_path, network, name, value, message):
    payload = to_payload(network, {})
    payload["params"][name] = value
    with pytest.raises(ModelFileError, match=message):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_non_finite_weights_are_refused(tmp_path, network):
    payload = to_payload(network, {})
    payload["params"]["W2"][3, 4] = np.nan
    with pytest.raises(ModelFileError, match="W2 holds non-finite values"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_an_unknown_format_version_is_refused(tmp_path, network):
    payload = to_payload(network, {})
    payload["format_version"] = 99
    with pytest.raises(ModelFileError, match="unsupported format version 99"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_a_crash_while_saving_leaves_the_previous_model_intact(tmp_path, network, monkeypatch):
    path = tmp_path / "m.pkl"
    save_model(path, network, {"test_accuracy": 0.5})
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk pulled out"):
        save_model(path, Network.initialise(np.random.default_rng(1), MLP_SIZES), {"test_accuracy": 0.9})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pkl", "m.pkl.sha256"], (
        "temporary file left behind"
    )


def test_metadata_that_is_not_plain_data_is_refused(tmp_path, network):
    payload = to_payload(network, {"history": [{"loss": np.zeros(3)}]})
    with pytest.raises(ModelFileError, match=r"metadata.history\[0\].loss holds a ndarray"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_a_saved_model_has_a_checksum_file_that_a_verifying_load_checks(tmp_path, network):
    path = tmp_path / "m.pkl"
    save_model(path, network, {})
    assert load_model(path, verify=True).sha256 == (tmp_path / "m.pkl.sha256").read_text().split()[0]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1  # one bit of one weight flipped
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="does not match its checksum file"):
        load_model(path, verify=True)
    (tmp_path / "m.pkl.sha256").unlink()
    with pytest.raises(ModelFileError, match="no checksum file"):
        load_model(path, verify=True)


def test_a_malicious_pickle_is_refused_by_its_checksum_before_it_is_unpickled(tmp_path, network, monkeypatch):
    path = tmp_path / "m.pkl"
    save_model(path, network, {})
    marker = tmp_path / "pwned"
    write_payload(path, to_payload(network, {"history": RunsACommand(marker)}))
    unpickled = []
    monkeypatch.setattr("nn.networks.model_file.safe_loads", unpickled.append)
    with pytest.raises(ModelFileError, match="does not match"):
        load_model(path, verify=True)
    assert unpickled == [] and not marker.exists()


def test_a_saved_model_and_its_checksum_are_readable_by_other_users_like_the_web_server(tmp_path, network):
    path = tmp_path / "mlp.pkl"
    save_model(path, network, {"name": "mlp"})
    assert path.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "mlp.pkl.sha256").stat().st_mode & 0o777 == 0o644


def shared_references(levels: int, width: int) -> list:
    """Lists of `width` references to the list one level down: a few kB on disk, but a
    tree of width ** levels values for anything that walks it."""
    value = [0.5]
    for _ in range(levels):
        value = [value] * width
    return value


def test_a_model_whose_metadata_shares_references_18_levels_deep_is_refused_quickly(tmp_path, network):
    path = tmp_path / "dag.pkl"
    save_model(path, network, {"history": shared_references(levels=18, width=1000)})  # checksum matches
    # In a child process: without a bound, the check would run for ever.
    code = "import sys; from nn.networks.model_file import load_model; load_model(sys.argv[1], verify=True)"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode != 0 and "metadata holds more than" in result.stderr, result.stderr[-500:]
    assert elapsed < 5, f"refused after {elapsed:.1f} s"


def test_a_pickle_of_too_many_operations_is_refused_before_it_is_unpickled(tmp_path, network):
    payload = to_payload(network, {"history": list(range(300, 200_300))})
    with pytest.raises(ModelFileError, match="more than 100000 pickle operations"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_a_file_larger_than_any_model_is_refused_unread(tmp_path):
    path = tmp_path / "huge.pkl"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written
    with pytest.raises(ModelFileError, match="larger than"):
        load_model(path)


def test_a_cnn_of_other_widths_loads_back_as_those_widths(tmp_path):
    net = ConvNet.initialise(np.random.default_rng(0), widths=(8, 12, 24))
    save_model(tmp_path / "cnn.pkl", net, {"name": "cnn"})
    model = load_model(tmp_path / "cnn.pkl", verify=True)
    assert model.network.widths == (8, 12, 24)
    assert model.meta["architecture"] == "conv 5x5x8, pool, conv 5x5x12, pool, dense 24, dense 10"
    for name, p in net.params().items():
        np.testing.assert_array_equal(model.network.params()[name], p)


def test_a_cnn_reading_three_channels_loads_back_and_answers_the_same(tmp_path):
    net = ConvNet.initialise(np.random.default_rng(0), widths=(8, 12, 24), channels=3)
    save_model(tmp_path / "cnn.pkl", net, {"name": "cnn"})
    model = load_model(tmp_path / "cnn.pkl", verify=True)
    assert model.network.channels == 3 and model.network.params()["K1"].shape == (5, 5, 3, 8)
    assert model.meta["architecture"].startswith("ink and pen direction (3 channels), conv 5x5x8")
    for name, p in net.params().items():
        np.testing.assert_array_equal(model.network.params()[name], p)
    X = np.random.default_rng(1).random((4, 3 * 784), dtype=np.float32)
    np.testing.assert_array_equal(model.network.predict_proba(X), net.predict_proba(X))


def cnn_payload(widths, channels: int = 1) -> dict:
    """A CNN model payload whose arrays have the shapes of `widths` and `channels`, zeros throughout."""
    shapes = param_shapes(widths, channels)
    return to_payload(ConvNet({name: np.zeros(shape, np.float32) for name, shape in shapes.items()}), {})


@pytest.mark.parametrize("channels", [2, 4])
def test_a_cnn_whose_k1_reads_neither_the_ink_nor_the_ink_and_the_pen_s_direction_is_refused(
    tmp_path, channels
):
    payload = cnn_payload((8, 12, 24), channels)
    with pytest.raises(
        ModelFileError, match=rf"cnn K1 \(5, 5, {channels}, 8\): input channels must be one of"
    ):
        load_model(write_payload(tmp_path / "m.pkl", payload))


@pytest.mark.parametrize(
    "name, shape",
    [
        ("K1", (5, 5, 1, 9)),  # 9 channels out, where c1 says 8
        ("K1", (5, 5, 3, 9)),
        ("K1", (5, 5, 8)),
        ("K2", (5, 5, 9, 12)),  # 9 channels in, where layer 1 gives 8
        ("K2", (3, 3, 8, 12)),
        ("W3", (12 * 12, 24)),  # rows for 12 channels of 12 pixels, not 16
        ("W3", (16 * 12, 25)),
        ("W4", (24, 11)),
    ],
)
def test_a_cnn_whose_shapes_disagree_with_its_widths_is_refused(tmp_path, name, shape):
    payload = cnn_payload((8, 12, 24))
    payload["params"][name] = np.zeros(shape, np.float32)
    with pytest.raises(ModelFileError, match=f"{name} has shape"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


@pytest.mark.parametrize("bias, width", [("c1", 0), ("c2", MAX_WIDTH + 1), ("b3", MAX_WIDTH + 1)])
def test_a_cnn_wider_than_the_bound_or_empty_is_refused_before_its_shapes_are_checked(tmp_path, bias, width):
    payload = cnn_payload((2, 2, 2))
    payload["params"][bias] = np.zeros(width, np.float32)  # the rest stays tiny: the file is small
    with pytest.raises(ModelFileError, match=f"cnn widths must be three integers from 1 to {MAX_WIDTH}"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_a_cnn_whose_biases_are_not_vectors_is_refused(tmp_path):
    payload = cnn_payload((2, 2, 2))
    payload["params"]["c2"] = np.zeros((2, 1), np.float32)
    with pytest.raises(ModelFileError, match="c1, c2 and b3 must be one-dimensional arrays"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_a_cnn_missing_a_parameter_is_refused(tmp_path):
    payload = cnn_payload((2, 2, 2))
    del payload["params"]["W3"]
    with pytest.raises(ModelFileError, match="params must hold exactly K1, c1, K2"):
        load_model(write_payload(tmp_path / "m.pkl", payload))


def test_a_codec_that_expands_is_refused_at_once_without_the_memory(tmp_path, network):
    """Nested 26 times, "hex" turns 2 bytes of a 1 MB model file into 128 MB of metadata
    (30 times: 1 GB), and the file loaded as a valid model."""
    path = write_payload(tmp_path / "m.pkl", to_payload(network, {"notes": Expanding(26)}), protocol=4)
    tracemalloc.start()
    started = time.thread_time()
    with pytest.raises(ModelFileError, match="refused: _codecs.encode is read only as latin1"):
        load_model(path)
    seconds, peak = time.thread_time() - started, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 0.1 and peak < 100 * 2**20, (seconds, peak / 2**20)


SHIPPED = {  # every network file the site loads, and how it is read
    "mlp": (MODEL_DIR / "mlp.pkl", lambda path: load_model(path, verify=True)),
    "cnn": (MODEL_DIR / "cnn.pkl", lambda path: load_model(path, verify=True)),
    "not-a-digit check": (CHECK_PATH, load_check),
    "segment scorer": (SCORER_PATH, load_scorer),
}


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_network_file_is_refused_once_tampered_with(name, tmp_path):
    path, read = SHIPPED[name]
    copy = checked_copy(path, tmp_path)
    read(copy)  # as shipped: loads
    flip_a_bit(copy)
    with pytest.raises(ModelFileError, match="does not match"):
        read(copy)


def test_a_digit_model_is_not_a_not_a_digit_check(tmp_path):
    save_model(tmp_path / "mlp.pkl", tiny_network(), {"name": "mlp"})
    with pytest.raises(ModelFileError, match="not a not-a-digit check"):
        load_check(tmp_path / "mlp.pkl")
