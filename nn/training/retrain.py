"""Retrain a digit network on MNIST and real handwriting and write the model file the site loads.

    python3 -m nn.neural_network              # the 784-250-10 network -> nn/models/mlp.pkl
    python3 -m nn.neural_network --model cnn  # the convolutional network -> nn/models/cnn.pkl
    python3 -m nn.neural_network --help       # every flag (nn/training/config.py makes them)

With --handwriting-dir (or $HANDWRITING_DIR) it also trains on the real sets' training
writers (nn/data/mix.py), picks the best epoch on MNIST's and the validation writers' digits,
fits the softmax temperature on them (nn/training/calibrate.py), and measures the test writers;
without, MNIST alone, and it says so.

Training runs until the mean training loss of an epoch drops below --threshold, or for
--max-epochs, whichever comes first; the summary says which stopped it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from nn import MODEL_DIR
from nn.data import handwriting, mnist
from nn.data.labelled_drawings import load_labelled_drawings, split_labelled_drawings
from nn.data.mix import by_collection, real_handwriting
from nn.data.mnist import MnistError, load_keras, load_mnist
from nn.networks.model_file import ModelFileError, save_model
from nn.training.calibrate import calibrate
from nn.training.config import CONFIGS, TrainConfig, add_flags, check_flags, config_from
from nn.training.evaluate import (
    LABELLED,
    describe_honesty,
    evaluate,
    example_digits,
    format_report,
    format_side_by_side,
    honesty,
    measure_real_writers,
    probabilities,
)
from nn.training.train import train


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m nn.neural_network", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--model", choices=tuple(CONFIGS), default="mlp", help="the 784-250-10 network, or the CNN"
    )
    mnist.add_flag(p)
    p.add_argument("--source", choices=("idx", "keras"), default="idx",
                   help="keras: load MNIST through TensorFlow, if installed (default %(default)s)")  # fmt: skip
    handwriting.add_flag(
        p, f"folder with the real handwriting sets (else ${handwriting.ENV_VAR}, else MNIST alone)"
    )
    p.add_argument("--output", help="model file to write (default nn/models/MODEL.pkl)")
    p.add_argument("--labelled-drawings", metavar="FOLDER",
                   help="labelled drawings to mix into training, as written by `manage.py export_labelled_drawings`")  # fmt: skip
    p.add_argument("--labelled-holdout", type=float, default=0.2, metavar="FRACTION",
                   help="part of the labelled drawings kept out of training, for evaluation (default %(default)s)")  # fmt: skip
    add_flags(p, CONFIGS)
    args = p.parse_args(argv)
    check_flags(p, args, args.model, CONFIGS)
    cfg = config_from(args, CONFIGS, args.model)
    if cfg.deskew and cfg.channels > 1:
        p.error("--deskew and --directions do not go together: the pen's direction is read upright only")
    if not 0 <= args.labelled_holdout < 1:
        p.error("--labelled-holdout must be at least 0 and below 1")
    return args


def load_labelled_drawings_split(folder: str | None, holdout: float):
    """(train part, held-out part) of the labelled drawings, or (None, None) without any."""
    if folder is None:
        return None, None
    images, labels = load_labelled_drawings(folder)
    return split_labelled_drawings(images, labels, holdout)


def retrain(
    args: argparse.Namespace,
    cfg: TrainConfig,
    data,
    labelled_train,
    labelled_held,
    *,
    real=None,
    teacher=None,
):
    """Train a new network (`teacher`: see nn/training/distill.py), calibrate and evaluate it;
    (network, the metadata its model file keeps)."""
    network = cfg.new_network()
    n_val = min(cfg.validation, len(data.train_labels))
    print(f"training the {args.model} on {len(data.train_labels) - n_val} images, "
          f"{n_val} held out to pick the best epoch", flush=True)  # fmt: skip
    if labelled_train is not None:
        print(f"  and {len(labelled_train[1])} labelled drawings x {cfg.labelled_weight}; "
              f"{len(labelled_held[1])} held out for evaluation", flush=True)  # fmt: skip
    result = train(
        network,
        data.train_images,
        data.train_labels,
        cfg,
        log=lambda s: print(s, flush=True),
        labelled=labelled_train,
        extra=real["train"] if real else (),
        validation=by_collection(real["validation"]) if real else None,
        teacher=teacher,
    )
    calibration = calibrate(network, result.validation)
    test = evaluate(network, data.test_images, data.test_labels, cfg.deskew)
    clean = sum(e["phase"] == "clean" for e in result.history)
    print(
        f"\nstopped by {result.stopped_by.replace('_', ' ')} after {len(result.history) - clean} epochs"
        + (f", then {clean} undistorted" if clean else "")
        + f" ({result.seconds:.0f}s); kept epoch {result.best_epoch}, best on validation"
    )
    print(format_report(test))
    mnist_honesty = honesty(probabilities(network, data.test_images, cfg.deskew), data.test_labels)
    calibration["mnist_test"] = mnist_honesty
    print(f"softmax temperature {calibration['temperature']:.3f}, fitted on {calibration['fitted_on']}; "
          f"MNIST test: {describe_honesty(mnist_honesty)}")  # fmt: skip
    real_meta = measure_real_writers(network, cfg.deskew, real["test"]) if real else None
    if real and "left_out" in real:
        real_meta["left_out"] = {"collection": cfg.leave_out,
                                 **measure_real_writers(network, cfg.deskew, real["left_out"], "left out whole")}  # fmt: skip
    labelled_meta = None
    if labelled_held is not None:
        held = evaluate(network, *labelled_held, cfg.deskew) if len(labelled_held[1]) else None
        labelled_meta = {
            "folder": Path(args.labelled_drawings).name,
            "train": len(labelled_train[1]),
            "held_out": len(labelled_held[1]),
            "holdout_fraction": args.labelled_holdout,
            "held_out_accuracy": held and held["accuracy"],
        }
        measured = {"MNIST test": (test["accuracy"], len(data.test_labels))}
        if held:
            measured[LABELLED] = (held["accuracy"], len(labelled_held[1]))
        print(format_side_by_side([(str(args.output or args.model), measured)]))
    meta = {
        "name": args.model,
        "deskew": cfg.deskew,
        "config": cfg.to_dict(),
        "history": result.history,
        "stopped_by": result.stopped_by,
        "best_epoch": result.best_epoch,
        "train_seconds": result.seconds,
        "cpus": os.cpu_count(),  # what the training time was measured on
        "test_accuracy": test["accuracy"],
        "per_class_accuracy": test["per_class_accuracy"],
        "confusion": test["confusion"],
        "test_examples": example_digits(
            data.test_images, data.test_labels, test["predicted"], np.random.default_rng(cfg.seed)
        ),
        "data_sha256": data.sha256,
        "labelled_drawings": labelled_meta,
        "calibration": calibration,
        "handwriting": real_meta,
        "teacher_sha256": teacher.sha256 if teacher else None,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return network, meta


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = config_from(args, CONFIGS, args.model)
    output = Path(args.output) if args.output else MODEL_DIR / f"{args.model}.pkl"
    try:
        teacher = cfg.new_teacher()  # first: a wrong file is said before minutes of loading
        print("loading MNIST...", flush=True)
        data = load_keras() if args.source == "keras" else load_mnist(args.mnist_dir)
        labelled_train, labelled_held = load_labelled_drawings_split(
            args.labelled_drawings, args.labelled_holdout
        )
        real = real_handwriting(handwriting.find_folder(args.handwriting_dir), cfg)
        network, meta = retrain(args, cfg, data, labelled_train, labelled_held, real=real, teacher=teacher)
    except (MnistError, handwriting.HandwritingError, ModelFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        kept = "the old model is kept" if output.exists() else "no model was there before"
        print(f"interrupted: nothing saved to {output}, {kept}", file=sys.stderr)
        return 130  # 128 + SIGINT, as a shell reports a process Ctrl-C stopped
    # The model and its checksum file are written one after the other; a Ctrl-C between the
    # two would leave a model the site refuses, so it waits until both are written.
    sigint = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        save_model(output, network, meta)
    finally:
        signal.signal(signal.SIGINT, sigint)
    print(f"\nsaved {output}")
    return 0
