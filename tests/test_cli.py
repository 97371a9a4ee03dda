"""The command lines: retraining, evaluation, and their answers when data is missing."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from nn import DEFAULT_MODEL_PATH
from nn.data import mnist
from nn.networks.model_file import ModelFileError, load_model
from nn.training import evaluate, retrain
from nn.training.config import CONFIGS, CNNConfig, MLPConfig, config_from

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def test_help_documents_every_training_flag():
    result = run("-m", "nn.neural_network", "--help")
    assert result.returncode == 0
    for flag in ("--threshold", "--max-epochs", "--batch-size", "--learning-rate", "--momentum", "--seed",
                 "--no-augment", "--recipe", "--mnist-dir", "--output", "--source"):  # fmt: skip
        assert flag in result.stdout


def test_retraining_writes_a_model_that_evaluates_and_records_only_its_own_config(tmp_path, mnist_data):
    out = tmp_path / "quick.pkl"
    result = run("-m", "nn.neural_network", "--max-epochs", "1", "--no-augment", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "stopped by max epochs after 1 epochs" in result.stdout
    model = load_model(out)
    assert model.meta["test_accuracy"] > 0.9
    config = model.meta["config"]
    assert config["hidden"] == 250 and config["max_epochs"] == 1 and config["augment"] is None
    assert "widths" not in config and "dropout" not in config
    assert config["teacher"] == "cnn"  # the shipped recipe: it learnt from the shipped CNN's answers
    assert model.meta["teacher_sha256"] == (ROOT / "nn" / "models" / "cnn.pkl.sha256").read_text().split()[0]
    evaluated = run("-m", "nn.training.evaluate", str(out))
    assert evaluated.returncode == 0
    assert "test accuracy:" in evaluated.stdout and "confusion matrix" in evaluated.stdout


TOOLS = [
    f"bench.bench_{name}"
    for name in ("attack", "drawn", "hands", "load", "nn", "not_digit", "numbers", "predict")
]
TOOLS += [
    "nn.neural_network",
    "nn.training.evaluate",
    "nn.training.train_scorer",
    "nn.training.train_not_digit",
]


@pytest.mark.parametrize("module", TOOLS)
def test_each_tool_s_usage_line_says_how_to_run_it(module):
    assert run("-m", module, "--help").stdout.startswith(f"usage: python3 -m {module} ")


def test_run_as_a_file_the_entry_point_says_how_to_run_it_instead_of_a_traceback():
    result = run("nn/neural_network.py", "--help")
    assert result.returncode == 1
    assert "python3 -m nn.neural_network" in result.stderr and "Traceback" not in result.stderr


def test_each_models_config_holds_only_what_applies_to_it():
    assert {"hidden", "recipe"} <= set(MLPConfig().to_dict()) and "widths" not in MLPConfig().to_dict()
    cnn = CNNConfig().to_dict()
    assert cnn["widths"] == [32, 64, 128] and cnn["dropout"] == 0.25
    assert "hidden" not in cnn and "recipe" not in cnn


def test_each_models_config_makes_its_network():
    cnn = CNNConfig(widths=(4, 6, 8), dropout=0.5).new_network()
    assert cnn.widths == (4, 6, 8) and cnn.dropout == 0.5
    mlp = MLPConfig(hidden=7, recipe="sigmoid-mse", seed=3).new_network()
    assert mlp.W1.shape == (784, 7) and mlp.recipe == "sigmoid-mse"
    np.testing.assert_array_equal(mlp.W1, MLPConfig(hidden=7, recipe="sigmoid-mse", seed=3).new_network().W1)


def test_without_data_and_offline_the_trainer_prints_one_clear_error_and_no_traceback(
    tmp_path, monkeypatch, capsys
):
    from nn import neural_network

    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(mnist, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    assert neural_network.main(["--mnist-dir", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: MNIST files not found")
    assert "Traceback" not in err and "MNIST_DIR" in err


def test_evaluating_a_missing_model_file_is_a_clear_error(tmp_path):
    result = run("-m", "nn.training.evaluate", str(tmp_path / "absent.pkl"))
    assert result.returncode == 2
    assert "no such model file" in result.stderr and "Traceback" not in result.stderr


def test_the_evaluator_checks_its_model_paths_before_it_looks_for_mnist(tmp_path, monkeypatch, capsys):
    def no_mnist_yet(*args, **kwargs):
        raise AssertionError("MNIST was looked for before the model paths were checked")

    monkeypatch.setattr(evaluate, "load_mnist", no_mnist_yet)
    assert evaluate.main([str(DEFAULT_MODEL_PATH), str(tmp_path / "absent.pkl")]) == 2
    assert "no such model file" in capsys.readouterr().err


def test_the_evaluator_defaults_to_the_model_the_site_answers_with(monkeypatch, capsys):
    site_env = {k: v for k, v in os.environ.items() if k != "DIGITS_MODEL"} | {"DJANGO_DEBUG": "1"}
    site = run("-c", "from django.conf import settings; print(settings.DIGITS_MODEL)", env=site_env)
    assert site.returncode == 0, site.stderr
    asked = []

    def load_model(path):
        asked.append(Path(path))
        raise ModelFileError("stop here")

    monkeypatch.setattr(evaluate, "load_model", load_model)
    assert evaluate.main([]) == 2
    assert asked == [Path(site.stdout.strip())] == [DEFAULT_MODEL_PATH]


def test_the_cnn_refuses_the_flags_only_the_mlp_has(capsys):
    for flags, named in (
        (["--hidden", "32"], "--hidden applies"),
        (["--recipe", "sigmoid-mse"], "--recipe applies"),
    ):
        with pytest.raises(SystemExit) as stopped:
            retrain.parse_args(["--model", "cnn", *flags])
        assert stopped.value.code == 2
        assert f"{named} to the mlp only" in capsys.readouterr().err


def test_the_mlp_refuses_the_flags_only_the_cnn_has(capsys):
    for flags, named in (
        (["--widths", "8", "8", "8"], "--widths applies"),
        (["--dropout", "0.5"], "--dropout applies"),
        (["--directions"], "--directions applies"),
        (["--direction-dropout", "0.2"], "--direction-dropout applies"),
    ):
        with pytest.raises(SystemExit) as stopped:
            retrain.parse_args(flags)
        assert stopped.value.code == 2
        assert f"{named} to the cnn only" in capsys.readouterr().err


def test_the_cnn_reads_the_pen_s_direction_unless_told_not_to_and_never_deskewed(capsys):
    read = config_from(retrain.parse_args(["--model", "cnn"]), CONFIGS, "cnn")
    assert read.directions and read.channels == 3 and read.new_network().channels == 3
    ink_alone = config_from(retrain.parse_args(["--model", "cnn", "--no-directions"]), CONFIGS, "cnn")
    assert ink_alone.channels == 1 and ink_alone.new_network().channels == 1
    with pytest.raises(SystemExit) as stopped:
        retrain.parse_args(["--model", "cnn", "--deskew"])
    assert stopped.value.code == 2 and "upright" in capsys.readouterr().err
    assert retrain.parse_args(["--model", "cnn", "--deskew", "--no-directions"])


def test_the_cnns_widths_and_dropout_come_from_the_flags(capsys):
    args = retrain.parse_args(["--model", "cnn", "--widths", "8", "16", "32", "--dropout", "0.5"])
    cfg = config_from(args, CONFIGS, "cnn")
    assert cfg.widths == (8, 16, 32) and cfg.dropout == 0.5
    assert cfg.learning_rate == CNNConfig.learning_rate == 0.05  # the cnn's own defaults otherwise
    for flags in (["--widths", "0", "8", "8"], ["--dropout", "1"]):
        with pytest.raises(SystemExit):
            retrain.parse_args(["--model", "cnn", *flags])
    assert "must be" in capsys.readouterr().err


def test_help_gives_one_default_for_a_flag_only_the_mlp_has_and_each_models_where_they_differ():
    help_text = " ".join(run("-m", "nn.neural_network", "--help").stdout.split())
    hidden = help_text.split("--hidden HIDDEN", 2)[-1].split(" --")[0]
    assert hidden == " hidden neurons (mlp only; default 250)"
    assert "initial learning rate (default 0.1 (mlp), 0.05 (cnn))" in help_text
    assert "max rotation, degrees (default 8.0 (mlp), 10 (cnn))" in help_text


def test_ctrl_c_while_training_prints_one_line_keeps_the_old_model_and_exits_non_zero(tmp_path, mnist_data):
    output = tmp_path / "old.pkl"
    output.write_bytes(b"the old model")
    # Python turns SIGINT into KeyboardInterrupt only if it was not ignored when it started
    # (it is, under a shell without job control): the child asks for it in any case.
    child = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from nn.neural_network import main; sys.exit(main(sys.argv[1:]))"
    )
    trainer = subprocess.Popen(
        [sys.executable, "-c", child, "--output", str(output)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HANDWRITING_DIR": ""},  # MNIST alone: the first epoch comes soon
    )
    watchdog = threading.Timer(120, trainer.kill)  # no hanging on a trainer that stays silent
    watchdog.start()
    said = []
    for line in trainer.stdout:  # the trainer says what it is doing before the first epoch
        said.append(line)
        if line.startswith(("deskewing", "epoch")):
            trainer.send_signal(signal.SIGINT)
            break
    out, err = trainer.communicate(timeout=60)
    watchdog.cancel()
    assert said[0] == "loading MNIST...\n" and said[-1].startswith("deskewing"), said
    assert trainer.returncode == 130
    assert err == f"interrupted: nothing saved to {output}, the old model is kept\n"
    assert output.read_bytes() == b"the old model" and not Path(f"{output}.sha256").exists()


def test_the_keras_source_without_tensorflow_says_what_to_install(monkeypatch, capsys):
    from nn import neural_network

    monkeypatch.setitem(sys.modules, "tensorflow", None)  # import tensorflow -> ImportError
    assert neural_network.main(["--source", "keras"]) == 2
    assert "pip install -r nn/requirements-optional.txt" in capsys.readouterr().err


def test_retraining_with_labelled_drawings_holds_part_out_and_evaluation_compares_models_on_both(
    tmp_path, mnist_data
):
    data = mnist_data
    drawings = tmp_path / "labelled-drawings"
    drawings.mkdir()
    mnist.write_idx(drawings / "labelled-drawings-images-idx3-ubyte.gz", data.test_images[:200])
    mnist.write_idx(drawings / "labelled-drawings-labels-idx1-ubyte.gz", data.test_labels[:200])
    out = tmp_path / "retrained.pkl"
    result = run("-m", "nn.neural_network", "--max-epochs", "1", "--no-augment", "--hidden", "32", "--teacher", "",
                 "--labelled-drawings", str(drawings), "--labelled-weight", "3", "--output", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    held = load_model(out).meta["labelled_drawings"]
    assert held["train"] + held["held_out"] == 200 and 20 < held["held_out"] < 60
    assert "labelled (held out)" in result.stdout

    shipped = ROOT / "nn" / "models" / "mlp.pkl"
    compared = run("-m", "nn.training.evaluate", str(shipped), str(out), "--labelled-drawings", str(drawings),
                   env={**os.environ, "HANDWRITING_DIR": ""})  # fmt: skip
    assert compared.returncode == 0, compared.stderr
    rows = compared.stdout.splitlines()
    assert "MNIST alone" in rows[0]  # no real handwriting named: said, and compared without
    assert rows[1].split() == ["model", "MNIST", "test", "labelled", "(held", "out)"]
    assert f"of {held['held_out']}" in rows[2] and f"of {held['held_out']}" in rows[3]
    # A one-epoch, 32-neuron network does not beat the shipped one on MNIST.
    assert rows[4] in (
        f"{out} is not better than {shipped} on any measure (compared on MNIST test, labelled (held out)): "
        f"keep {shipped}",
        f"{out} is better than {shipped} on labelled (held out) but not on MNIST test: keep {shipped}",
    )


def row(name, mnist_accuracy, real_accuracy=None):
    measured = {"MNIST test": (mnist_accuracy, 10_000)}
    return name, measured | ({} if real_accuracy is None else {evaluate.REAL: (real_accuracy, 6_000)})


def test_the_verdict_names_what_it_compared_and_ships_only_a_model_better_on_all_of_it():
    assert evaluate.verdict(row("cnn.pkl", 0.995), row("mlp.pkl", 0.993), ["MNIST test"]) == (
        "cnn.pkl is better than mlp.pkl on every measure (compared on MNIST test): ship it"
    )
    deciding = ["MNIST test", evaluate.REAL]
    assert evaluate.verdict(row("new.pkl", 0.995, 0.99), row("old.pkl", 0.99, 0.98), deciding) == (
        "new.pkl is better than old.pkl on every measure (compared on MNIST test, real test writers): ship it"
    )
    assert evaluate.verdict(row("new.pkl", 0.995, 0.97), row("old.pkl", 0.99, 0.98), deciding) == (
        "new.pkl is better than old.pkl on MNIST test but not on real test writers: keep old.pkl"
    )


def test_side_by_side_the_real_writers_mean_over_collections_and_each_collection_are_columns(mnist_data):
    model = load_model(ROOT / "nn" / "models" / "mlp.pkl")
    images, labels = mnist_data.test_images[:300], mnist_data.test_labels[:300]
    real = {"unipen": (images[:100], labels[:100]), "usps": (images[100:], labels[100:])}
    measured = evaluate.measures(model, mnist_data, None, real)
    assert list(measured) == [
        "MNIST test",
        evaluate.REAL,
        f"{evaluate.REAL}: unipen",
        f"{evaluate.REAL}: usps",
    ]
    each = [measured[f"{evaluate.REAL}: {name}"][0] for name in real]
    assert measured[evaluate.REAL] == (pytest.approx(np.mean(each)), 300)
    table = evaluate.format_side_by_side([("mlp.pkl", measured)]).splitlines()
    assert table[0].split()[:3] == ["model", "MNIST", "test"] and "of 200" in table[1]
