"""The command lines: retraining, evaluation, and their answers when data is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nn import mnist
from nn.model_file import load_model

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def test_help_documents_every_training_flag():
    result = run("-m", "nn.neural_network", "--help")
    assert result.returncode == 0
    for flag in ("--threshold", "--max-epochs", "--batch-size", "--learning-rate", "--momentum", "--seed",
                 "--no-augment", "--recipe", "--data-dir", "--output", "--source"):  # fmt: skip
        assert flag in result.stdout


@pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="set MNIST_DIR to the real MNIST files")
def test_running_the_script_retrains_and_writes_a_model_that_evaluates(tmp_path):
    out = tmp_path / "quick.pkl"
    result = run("nn/neural_network.py", "--max-epochs", "1", "--no-augment", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "stopped by max epochs after 1 epochs" in result.stdout
    model = load_model(out)
    assert model.meta["test_accuracy"] > 0.9
    evaluated = run("-m", "nn.evaluate", str(out))
    assert evaluated.returncode == 0
    assert "test accuracy:" in evaluated.stdout and "confusion matrix" in evaluated.stdout


def test_without_data_and_offline_the_trainer_prints_one_clear_error_and_no_traceback(
    tmp_path, monkeypatch, capsys
):
    from nn import neural_network

    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(mnist, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    assert neural_network.main(["--data-dir", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: MNIST files not found")
    assert "Traceback" not in err and "MNIST_DIR" in err


def test_evaluating_a_missing_model_file_is_a_clear_error(tmp_path):
    result = run("-m", "nn.evaluate", str(tmp_path / "absent.pkl"))
    assert result.returncode == 2
    assert "no such model file" in result.stderr and "Traceback" not in result.stderr


def test_the_keras_source_without_tensorflow_says_what_to_install(monkeypatch, capsys):
    from nn import neural_network

    monkeypatch.setitem(sys.modules, "tensorflow", None)  # import tensorflow -> ImportError
    assert neural_network.main(["--source", "keras"]) == 2
    assert "pip install -r nn/requirements-optional.txt" in capsys.readouterr().err


@pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="set MNIST_DIR to the real MNIST files")
def test_retraining_with_extra_data_holds_part_out_and_evaluation_compares_models_on_both(tmp_path):
    data = mnist.load_mnist(os.environ["MNIST_DIR"], allow_download=False)
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    mnist.write_idx(feedback / "feedback-images-idx3-ubyte.gz", data.test_images[:200])
    mnist.write_idx(feedback / "feedback-labels-idx1-ubyte.gz", data.test_labels[:200])
    out = tmp_path / "retrained.pkl"
    result = run("nn/neural_network.py", "--max-epochs", "1", "--no-augment", "--hidden", "32",
                 "--extra-data", str(feedback), "--extra-weight", "3", "--output", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    extra = load_model(out).meta["extra_data"]
    assert extra["train"] + extra["held_out"] == 200 and 20 < extra["held_out"] < 60
    assert "feedback (held out)" in result.stdout

    shipped = ROOT / "nn" / "models" / "mlp.pkl"
    compared = run("-m", "nn.evaluate", str(shipped), str(out), "--extra-data", str(feedback))
    assert compared.returncode == 0, compared.stderr
    rows = compared.stdout.splitlines()
    assert rows[0].split() == ["model", "MNIST", "test", "feedback", "(held", "out)"]
    assert f"of {extra['held_out']}" in rows[1] and f"of {extra['held_out']}" in rows[2]
    # A one-epoch, 32-neuron network does not beat the shipped one on MNIST.
    assert rows[3] == f"{out} is not better than {shipped} on both: keep {shipped}"
