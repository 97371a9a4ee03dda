"""Retrain the digit network and write the model file the site loads.

    python nn/neural_network.py            # defaults: reaches >= 99.2% on MNIST test
    python -m nn.neural_network --help     # every flag

Training runs until the mean training loss of an epoch drops below --threshold, or for
--max-epochs, whichever comes first; the summary says which stopped it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `nn` package importable
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np  # noqa: E402

from nn import DEFAULT_MODEL_PATH  # noqa: E402
from nn.augment import AugmentConfig  # noqa: E402
from nn.evaluate import evaluate, example_digits, format_report  # noqa: E402
from nn.mnist import MnistError, load_keras, load_mnist  # noqa: E402
from nn.model_file import save_model  # noqa: E402
from nn.network import RECIPES, Network  # noqa: E402
from nn.train import TrainConfig, train  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    d, a = TrainConfig(), AugmentConfig()
    p = argparse.ArgumentParser(
        prog="python nn/neural_network.py",
        description="Train the 784-250-10 digit network on MNIST and save it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    g = p.add_argument_group("data")
    g.add_argument(
        "--data-dir", help="folder with the MNIST IDX files (else $MNIST_DIR, else the cache, else download)"
    )
    g.add_argument(
        "--source",
        choices=("idx", "keras"),
        default="idx",
        help="keras: load through TensorFlow, if installed",
    )
    g.add_argument("--output", default=str(DEFAULT_MODEL_PATH), help="model file to write")
    g = p.add_argument_group("network")
    g.add_argument("--hidden", type=int, default=d.hidden, help="hidden neurons")
    g.add_argument(
        "--recipe",
        choices=RECIPES,
        default=d.recipe,
        help="output and loss: softmax + cross-entropy, or the original sigmoid + squared error (weights uniform in [-0.5, 0.5])",
    )
    g = p.add_argument_group("stopping")
    g.add_argument(
        "--threshold",
        type=float,
        default=d.threshold,
        help="stop once an epoch's mean training loss is below this",
    )
    g.add_argument(
        "--max-epochs", type=int, default=d.max_epochs, help="stop after this many epochs at the latest"
    )
    g = p.add_argument_group("optimiser")
    g.add_argument("--batch-size", type=int, default=d.batch_size, help="mini-batch size")
    g.add_argument("--learning-rate", type=float, default=d.learning_rate, help="initial learning rate")
    g.add_argument("--momentum", type=float, default=d.momentum, help="SGD momentum")
    g.add_argument(
        "--lr-decay", type=float, default=d.lr_decay, help="learning rate multiplied by this after each epoch"
    )
    g.add_argument(
        "--validation", type=int, default=d.validation, help="training images held out to pick the best epoch"
    )
    g.add_argument("--seed", type=int, default=d.seed, help="seed of the one random generator")
    g = p.add_argument_group("augmentation (fresh random distortions every epoch)")
    g.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    g.add_argument("--rotation", type=float, default=a.rotation_deg, help="max rotation, degrees")
    g.add_argument("--scale", type=float, default=a.scale, help="max relative zoom")
    g.add_argument("--shear", type=float, default=a.shear, help="max shear factor")
    g.add_argument("--shift", type=float, default=a.shift_px, help="max shift, pixels")
    g.add_argument(
        "--elastic", type=float, default=a.elastic_alpha, help="elastic distortion size, pixels (0: off)"
    )
    g.add_argument(
        "--thickness", type=float, default=a.thickness, help="max stroke thickness change (0 to 1)"
    )
    args = p.parse_args(argv)
    for name in ("hidden", "max_epochs", "batch_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def config_from(args: argparse.Namespace) -> TrainConfig:
    augment = (
        None
        if args.no_augment
        else AugmentConfig(
            rotation_deg=args.rotation,
            scale=args.scale,
            shear=args.shear,
            shift_px=args.shift,
            elastic_alpha=args.elastic,
            thickness=args.thickness,
        )
    )
    return TrainConfig(
        hidden=args.hidden,
        recipe=args.recipe,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        momentum=args.momentum,
        lr_decay=args.lr_decay,
        threshold=args.threshold,
        max_epochs=args.max_epochs,
        validation=args.validation,
        augment=augment,
        seed=args.seed,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = config_from(args)
    try:
        data = load_keras() if args.source == "keras" else load_mnist(args.data_dir)
    except MnistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    network = Network.initialise(np.random.default_rng(cfg.seed), (784, cfg.hidden, 10), cfg.recipe)
    print(f"training 784-{cfg.hidden}-10 ({cfg.recipe}) on {len(data.train_labels)} images", flush=True)
    result = train(network, data.train_images, data.train_labels, cfg, log=lambda s: print(s, flush=True))
    test = evaluate(network, data.test_images, data.test_labels)
    print(
        f"\nstopped by {result.stopped_by.replace('_', ' ')} after {len(result.history)} epochs "
        f"({result.seconds:.0f}s); kept epoch {result.best_epoch}, best on validation"
    )
    print(format_report(test))
    meta = {
        "config": cfg.to_dict(),
        "history": result.history,
        "stopped_by": result.stopped_by,
        "best_epoch": result.best_epoch,
        "train_seconds": result.seconds,
        "test_accuracy": test["accuracy"],
        "per_class_accuracy": test["per_class_accuracy"],
        "confusion": test["confusion"],
        "test_examples": example_digits(
            data.test_images, data.test_labels, test["predicted"], np.random.default_rng(cfg.seed)
        ),
        "data_sha256": data.sha256,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    save_model(args.output, network, meta)
    print(f"\nsaved {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
