"""Retrain a digit network on MNIST and real handwriting and write the model file the site loads.

    python nn/neural_network.py              # the 784-250-10 network -> nn/models/mlp.pkl
    python nn/neural_network.py --model cnn  # the convolutional network -> nn/models/cnn.pkl
    python -m nn.neural_network --help       # every flag

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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `nn` package importable
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np  # noqa: E402

from nn import MODEL_DIR
from nn.data import handwriting  # noqa: E402
from nn.data.augment import AugmentConfig  # noqa: E402
from nn.data.labelled_drawings import load_labelled_drawings, split_labelled_drawings  # noqa: E402
from nn.data.mix import by_collection, real_handwriting  # noqa: E402
from nn.data.mnist import MnistError, load_keras, load_mnist  # noqa: E402
from nn.networks.cnn import MAX_WIDTH, ConvNet  # noqa: E402
from nn.networks.model_file import save_model  # noqa: E402
from nn.networks.network import RECIPES, Network  # noqa: E402
from nn.training.calibrate import calibrate  # noqa: E402
from nn.training.evaluate import (  # noqa: E402
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
from nn.training.train import TrainConfig, train  # noqa: E402

# Defaults per model, chosen so that a plain run reaches the accuracy targets in the README.
DEFAULTS = {
    "mlp": TrainConfig(),
    "cnn": TrainConfig(
        widths=(32, 64, 128),
        dropout=0.25,
        learning_rate=0.05,
        lr_decay=0.85,
        threshold=0.02,
        max_epochs=12,
        clean_epochs=0,
        deskew=False,
        augment=AugmentConfig(
            rotation_deg=10, scale=0.1, shear=0.15, shift_px=1.5, elastic_alpha=0.0, thickness=0.3
        ),
    ),
}
TRAIN_FLAGS = {  # flag -> (TrainConfig field, type, help)
    "--threshold": ("threshold", float, "stop once an epoch's mean training loss is below this"),
    "--max-epochs": ("max_epochs", int, "epochs in all at most, the undistorted ones included"),
    "--batch-size": ("batch_size", int, "mini-batch size"),
    "--learning-rate": ("learning_rate", float, "initial learning rate"),
    "--momentum": ("momentum", float, "SGD momentum"),
    "--lr-decay": ("lr_decay", float, "learning rate multiplied by this after each epoch"),
    "--weight-decay": ("weight_decay", float, "L2 penalty on the weight matrices"),
    "--average": ("average", float, "decay of the moving average of the weights (0: off)"),
    "--clean-epochs": (
        "clean_epochs",
        int,
        "of those, epochs on undistorted images after the distorted ones",
    ),
    "--clean-learning-rate": ("clean_learning_rate", float, "their starting learning rate"),
    "--validation": ("validation", int, "training images held out to pick the best epoch"),
    "--seed": ("seed", int, "seed of the one random generator"),
    "--hidden": ("hidden", int, "hidden neurons"),
    "--pen-variants": ("pen_variants", int, "ways each real pen digit is drawn before training"),
    "--pen-weight": ("pen_weight", int, "of those, drawings of each pen digit every epoch"),
    "--scan-weight": ("scan_weight", int, "copies of each scanned real digit every epoch"),
    "--style-weight": (
        "style_weight",
        int,
        "drawings of each digit given a rare style every epoch (0: none)",
    ),
    "--collection-cap": (
        "collection_cap",
        int,
        "drawings of one collection of real writers an epoch takes at most (0: no cap)",
    ),
    "--labelled-weight": (
        "labelled_weight",
        int,
        "copies of each --labelled-drawings drawing in every epoch",
    ),
}
AUGMENT_FLAGS = {  # flag -> (AugmentConfig field, help)
    "--rotation": ("rotation_deg", "max rotation, degrees"),
    "--scale": ("scale", "max relative zoom"),
    "--shear": ("shear", "max shear factor"),
    "--shift": ("shift_px", "max shift, pixels"),
    "--elastic": ("elastic_alpha", "elastic distortion size, pixels (0: off)"),
    "--thickness": ("thickness", "max stroke thickness change, 0 to 1"),
}


MLP_ONLY = ("--recipe", "--hidden")  # the CNN's loss is fixed (nn/networks/cnn.py)
CNN_ONLY = ("--widths", "--dropout")  # the 784-250-10 has neither


def default_text(field: str, augment: bool = False) -> str:
    """The default of a flag: one value when every model has the same, else each model's."""
    for model, flags in (("mlp", MLP_ONLY), ("cnn", CNN_ONLY)):
        if field in {flag[2:] for flag in flags}:
            return f"{model} only; default {getattr(DEFAULTS[model], field)}"
    values = {m: getattr(c.augment if augment else c, field) for m, c in DEFAULTS.items()}
    if len(set(values.values())) == 1:
        return f"default {values['mlp']}"
    return "default " + ", ".join(f"{v} ({m})" for m, v in values.items())


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python nn/neural_network.py", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--model", choices=tuple(DEFAULTS), default="mlp", help="the 784-250-10 network, or the CNN"
    )
    p.add_argument("--recipe", choices=RECIPES,
                   help="output and loss: softmax + cross-entropy, or the original sigmoid + squared error "
                   f"(weights uniform in [-0.5, 0.5]) ({default_text('recipe')})")  # fmt: skip
    p.add_argument(
        "--data-dir", help="folder with the MNIST IDX files (else $MNIST_DIR, else the cache, else download)"
    )
    p.add_argument("--source", choices=("idx", "keras"), default="idx",
                   help="keras: load MNIST through TensorFlow, if installed (default %(default)s)")  # fmt: skip
    p.add_argument(handwriting.FLAG, dest="handwriting_dir",
                   help=f"folder with the real handwriting sets (else ${handwriting.ENV_VAR}, else MNIST alone)")  # fmt: skip
    p.add_argument("--leave-out", choices=tuple(handwriting.FILES), metavar="COLLECTION",
                   help="train on every real collection but this one, and measure it whole: what a "
                   f"collection of writers never trained on sees (one of {', '.join(handwriting.FILES)})")  # fmt: skip
    p.add_argument("--output", help="model file to write (default nn/models/MODEL.pkl)")
    p.add_argument("--labelled-drawings", metavar="FOLDER",
                   help="labelled drawings to mix into training, as written by `manage.py export_labelled_drawings`")  # fmt: skip
    p.add_argument("--labelled-holdout", type=float, default=0.2, metavar="FRACTION",
                   help="part of the labelled drawings kept out of training, for evaluation (default %(default)s)")  # fmt: skip
    p.add_argument("--deskew", action=argparse.BooleanOptionalAction,
                   help=f"straighten slanted digits, in training and then in serving ({default_text('deskew')})")  # fmt: skip
    for flag, (field, kind, text) in TRAIN_FLAGS.items():
        p.add_argument(flag, type=kind, help=f"{text} ({default_text(field)})")
    p.add_argument("--widths", type=int, nargs=3, metavar=("C1", "C2", "D"),
                   help=f"channels of the two convolutions and units of the dense layer ({default_text('widths')})")  # fmt: skip
    p.add_argument("--dropout", type=float, help=f"dropout on the dense layer ({default_text('dropout')})")
    g = p.add_argument_group("augmentation: fresh random distortions of every image, every epoch")
    g.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    for flag, (field, text) in AUGMENT_FLAGS.items():
        g.add_argument(flag, type=float, help=f"{text} ({default_text(field, augment=True)})")
    args = p.parse_args(argv)
    for model, flags in (("mlp", MLP_ONLY), ("cnn", CNN_ONLY)):
        given = [flag for flag in flags if getattr(args, flag[2:]) is not None]
        if args.model != model and given:
            verb = "applies" if len(given) == 1 else "apply"
            p.error(f"{' and '.join(given)} {verb} to the {model} only, not the {args.model}")
    if args.dropout is not None and not 0 <= args.dropout < 1:
        p.error("--dropout must be at least 0 and below 1")
    if args.widths is not None and not all(1 <= w <= MAX_WIDTH for w in args.widths):
        p.error(f"--widths must each be from 1 to {MAX_WIDTH}")
    for flag in ("--style-weight", "--collection-cap"):
        if (value := getattr(args, flag[2:].replace("-", "_"))) is not None and value < 0:
            p.error(f"{flag} must be at least 0")
    if not 0 <= args.labelled_holdout < 1:
        p.error("--labelled-holdout must be at least 0 and below 1")
    for flag in ("--hidden", "--max-epochs", "--batch-size", "--labelled-weight", "--pen-variants",
                 "--pen-weight", "--scan-weight"):  # fmt: skip
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None and value < 1:
            p.error(f"{flag} must be at least 1")
    return args


def config_from(args: argparse.Namespace) -> TrainConfig:
    """The model's defaults, overridden by every flag given."""
    base = DEFAULTS[args.model]
    chosen = {f: getattr(args, flag[2:].replace("-", "_")) for flag, (f, _, _) in TRAIN_FLAGS.items()}
    chosen["deskew"] = args.deskew
    chosen["recipe"] = args.recipe
    chosen["dropout"] = args.dropout
    chosen["widths"] = tuple(args.widths) if args.widths else None
    chosen["leave_out"] = args.leave_out
    augment = None
    if not args.no_augment:
        given = {f: getattr(args, flag[2:]) for flag, (f, _) in AUGMENT_FLAGS.items()}
        augment = replace(base.augment, **{k: v for k, v in given.items() if v is not None})
    return replace(base, augment=augment, **{k: v for k, v in chosen.items() if v is not None})


def new_network(model: str, cfg: TrainConfig):
    rng = np.random.default_rng(cfg.seed)
    if model == "cnn":
        return ConvNet.initialise(rng, widths=cfg.widths, dropout=cfg.dropout)
    return Network.initialise(rng, (784, cfg.hidden, 10), cfg.recipe)


def load_labelled_drawings_split(folder: str | None, holdout: float):
    """(train part, held-out part) of the labelled drawings, or (None, None) without any."""
    if folder is None:
        return None, None
    images, labels = load_labelled_drawings(folder)
    return split_labelled_drawings(images, labels, holdout)


def retrain(args: argparse.Namespace, cfg: TrainConfig, data, labelled_train, labelled_held, *, real=None):
    """Train a new network, calibrate and evaluate it; (network, the metadata its model file keeps)."""
    network = new_network(args.model, cfg)
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
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return network, meta


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = config_from(args)
    output = Path(args.output) if args.output else MODEL_DIR / f"{args.model}.pkl"
    try:
        print("loading MNIST...", flush=True)
        data = load_keras() if args.source == "keras" else load_mnist(args.data_dir)
        labelled_train, labelled_held = load_labelled_drawings_split(
            args.labelled_drawings, args.labelled_holdout
        )
        real = real_handwriting(handwriting.find_folder(args.handwriting_dir), cfg)
        network, meta = retrain(args, cfg, data, labelled_train, labelled_held, real=real)
    except (MnistError, handwriting.HandwritingError) as exc:
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


if __name__ == "__main__":
    sys.exit(main())
