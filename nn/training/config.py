"""One training configuration per model, and the command-line flags it makes.

TrainConfig holds what every model's training has (the optimiser, when to stop, the data);
MLPConfig and CNNConfig add what only their network has and set their own defaults, chosen so
that a plain run reaches the accuracy targets in the README. A model file's "config" is its
model's config, nothing else.

A field with a "help" in its metadata is a flag: `--learning-rate` for `learning_rate` (or
the metadata's "flag"), of its default's type, its help followed by each model's default. A
nested config (the augmentation) is a group of flags with a `--no-` flag to switch it off.
A flag given to a model whose config lacks it is refused, and so is a value outside the
field's "at_least", "below" or "at_most".
"""

from __future__ import annotations

import argparse
from dataclasses import Field, asdict, dataclass, field, fields, is_dataclass, replace

import numpy as np

from nn import MODEL_DIR
from nn.data import handwriting
from nn.data.augment import AugmentConfig
from nn.ink.directions import DIRECTIONS
from nn.networks.cnn import MAX_WIDTH, WIDTHS, ConvNet
from nn.networks.network import RECIPES, Network
from nn.training.distill import Teacher, load_teacher


def knob(default, help: str, **more) -> Field:
    """A field that is a flag: `more` may give its "flag", "choices", "metavar" and bounds."""
    return field(default=default, metadata={"help": help, **more})


@dataclass
class TrainConfig:
    """What every model's training has."""

    # optimiser
    batch_size: int = knob(64, "mini-batch size", at_least=1)
    learning_rate: float = knob(0.1, "initial learning rate")
    momentum: float = knob(0.9, "SGD momentum")
    lr_decay: float = knob(0.98, "learning rate multiplied by this after each epoch")
    weight_decay: float = knob(0.0, "L2 penalty on the weight matrices")
    average: float = knob(0.999, "decay of the moving average of the weights (0: off)")
    # stopping: whichever comes first
    threshold: float = knob(0.067, "stop once an epoch's mean training loss is below this")
    max_epochs: int = knob(80, "epochs in all at most, the undistorted ones included", at_least=1)
    # then a few epochs on the undistorted images, learning rate falling 20% an epoch
    clean_epochs: int = knob(6, "of those, epochs on undistorted images after the distorted ones")
    clean_learning_rate: float = knob(0.005, "their starting learning rate")
    # data
    validation: int = knob(5000, "training images held out to pick the best epoch")
    deskew: bool = knob(True, "straighten slanted digits, in training and then in serving")
    augment: AugmentConfig | None = field(
        default_factory=AugmentConfig,
        metadata={"help": "augmentation: fresh random distortions of every image, every epoch",
                  "off": "train on the images as they are"},
    )  # fmt: skip
    labelled_weight: int = knob(5, "copies of each --labelled-drawings drawing in every epoch", at_least=1)
    # real handwriting (nn/data/mix.py), when a folder of it is given
    pen_variants: int = knob(6, "ways each real pen digit is drawn before training", at_least=1)
    pen_weight: int = knob(2, "of those, drawings of each pen digit every epoch", at_least=1)
    scan_weight: int = knob(2, "copies of each scanned real digit every epoch", at_least=1)
    style_weight: int = knob(2, "drawings of each digit given a rare style every epoch (0: none)", at_least=0)
    collection_cap: int = knob(
        0, "drawings of one collection of real writers an epoch takes at most (0: no cap)", at_least=0
    )
    leave_out: str = knob(
        "",
        "train on every real collection but this one, and measure it whole: "
        "what a collection of writers never trained on sees",
        choices=tuple(handwriting.FILES),
        metavar="COLLECTION",
    )
    seed: int = knob(0, "seed of the one random generator")

    @property
    def channels(self) -> int:
        """The input channels its network reads (cnn.INPUT_CHANNELS): the ink alone."""
        return 1

    def new_teacher(self) -> Teacher | None:
        """The network whose answers are part of every training target (nn/training/distill.py), if any."""
        return None

    def to_dict(self) -> dict:
        """Plain data, as a model file keeps it (lists, not tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass
class MLPConfig(TrainConfig):
    """The 784-250-10 network (nn/networks/network.py)."""

    hidden: int = knob(250, "hidden neurons", at_least=1)
    recipe: str = knob(
        "softmax-xent",
        "output and loss: softmax + cross-entropy, or the original sigmoid + squared error "
        "(weights uniform in [-0.5, 0.5])",
        choices=RECIPES,
    )
    teacher: str = knob(
        "cnn",
        "the shipped model (nn/models/NAME.pkl) whose calibrated answers are part of every "
        "training target (distillation, nn/training/distill.py); '' for the labels alone",
        metavar="NAME",
    )
    teacher_weight: float = knob(0.3, "of each training target, the teacher's share", at_least=0, at_most=1)

    # No rare styles (the shipped model's recipe): they cost it MNIST accuracy, below its
    # 99.2% floor, for little on real writers.
    style_weight: int = 0

    def new_network(self) -> Network:
        return Network.initialise(np.random.default_rng(self.seed), (784, self.hidden, 10), self.recipe)

    def new_teacher(self) -> Teacher | None:
        return load_teacher(MODEL_DIR / f"{self.teacher}.pkl", self.teacher_weight) if self.teacher else None


@dataclass
class CNNConfig(TrainConfig):
    """The convolutional network (nn/networks/cnn.py); its loss is fixed, cross-entropy."""

    widths: tuple[int, int, int] = knob(
        WIDTHS,
        "channels of the two convolutions and units of the dense layer",
        metavar=("C1", "C2", "D"),
        at_least=1,
        at_most=MAX_WIDTH,
    )
    dropout: float = knob(0.25, "dropout on the dense layer", at_least=0, below=1)
    directions: bool = knob(True, "read the pen's direction as two more channels (nn/ink/directions.py)")
    direction_dropout: float = knob(
        0.5,
        "of the pen drawings in an epoch, those shown without their direction, as a photo is",
        at_least=0,
        at_most=1,
    )
    direction_reversal: float = knob(
        0.25,
        "of the pen drawings shown with their direction, those shown drawn backwards (the direction negated)",
        at_least=0,
        at_most=1,
    )
    learning_rate: float = 0.05
    lr_decay: float = 0.85
    threshold: float = 0.02
    max_epochs: int = 12
    clean_epochs: int = 0
    deskew: bool = False
    augment: AugmentConfig | None = field(
        default_factory=lambda: AugmentConfig(
            rotation_deg=10, scale=0.1, shear=0.15, shift_px=1.5, elastic_alpha=0.0
        )
    )

    @property
    def channels(self) -> int:
        """The ink, and the pen's direction across and down when it reads them."""
        return 1 + DIRECTIONS if self.directions else 1

    def new_network(self) -> ConvNet:
        return ConvNet.initialise(
            np.random.default_rng(self.seed), widths=self.widths, dropout=self.dropout, channels=self.channels
        )


CONFIGS = {"mlp": MLPConfig, "cnn": CNNConfig}


def flags_of(cls: type) -> dict[str, Field]:
    """path -> field of each flag `cls` makes, a nested config's as "outer.inner". A field a
    model's config redefines keeps the help of the config it comes from."""
    common = {f.name: f for f in fields(TrainConfig)} if issubclass(cls, TrainConfig) else {}
    made = {}
    for f in (common.get(f.name, f) for f in fields(cls)):
        if "help" in f.metadata:
            made[f.name] = f
        if "help" in f.metadata and is_dataclass(f.default_factory):
            made |= {f"{f.name}.{path}": g for path, g in flags_of(f.default_factory).items()}
    return made


def flag_name(f: Field) -> str:
    return f.metadata.get("flag", "--" + f.name.replace("_", "-"))


def arg_name(f: Field) -> str:
    """Where argparse keeps the flag's value."""
    return flag_name(f)[2:].replace("-", "_")


def value_of(config, path: str):
    for name in path.split("."):
        config = getattr(config, name)
    return config


def default_text(values: dict[str, object], models: int) -> str:
    """A flag's default: "default 0.1", "default 0.1 (mlp), 0.05 (cnn)" or "mlp only; default 250"."""
    if len(set(values.values())) == 1:
        text = f"default {next(iter(values.values()))}"
    else:
        text = "default " + ", ".join(f"{value} ({model})" for model, value in values.items())
    return text if len(values) == models else f"{' and '.join(values)} only; {text}"


def add_flags(parser: argparse.ArgumentParser, configs: dict[str, type]) -> None:
    """A flag for each field of the configs that has a help. Each defaults to None (not
    given): the model's config holds its defaults."""
    defaults = {model: cls() for model, cls in configs.items()}
    made = {path: f for cls in configs.values() for path, f in flags_of(cls).items()}
    groups = {}
    for path, f in made.items():
        outer = path.rpartition(".")[0]
        if is_dataclass(f.default_factory):  # a nested config: a group of flags
            groups[path] = parser.add_argument_group(f.metadata["help"])
            groups[path].add_argument(f"--no-{path}", action="store_true", help=f.metadata["off"])
            continue
        values = {m: value_of(d, path) for m, d in defaults.items() if path in flags_of(configs[m])}
        meta = f.metadata
        if meta.get("choices") and meta.get("metavar"):
            text = f"one of {', '.join(meta['choices'])}"
        else:
            text = default_text(values, len(configs))
        kwargs = {"dest": arg_name(f), "help": f"{meta['help']} ({text})", "metavar": meta.get("metavar")}
        if isinstance(f.default, bool):
            kwargs["action"] = argparse.BooleanOptionalAction
        elif isinstance(f.default, tuple):
            kwargs |= {"type": type(f.default[0]), "nargs": len(f.default)}
        else:
            kwargs |= {"type": type(f.default), "choices": meta.get("choices")}
        groups.get(outer, parser).add_argument(flag_name(f), **kwargs)


def given_flags(args: argparse.Namespace, cls: type) -> dict[str, tuple[str, Field, object]]:
    """path -> (flag, field, value) of each of `cls`'s flags that was given."""
    given = ((path, f, getattr(args, arg_name(f), None)) for path, f in flags_of(cls).items())
    return {path: (flag_name(f), f, value) for path, f, value in given if value is not None}


def check_flags(parser, args: argparse.Namespace, model: str, configs: dict[str, type]) -> None:
    """argparse's error for a flag `model` has not, or a value out of its field's bounds."""
    foreign = {}
    for cls in configs.values():
        for path, (flag, _, _) in given_flags(args, cls).items():
            if path not in flags_of(configs[model]):
                holders = " and the ".join(m for m, c in configs.items() if path in flags_of(c))
                foreign.setdefault(holders, {})[flag] = None
    for holders, given in foreign.items():
        verb = "applies" if len(given) == 1 else "apply"
        parser.error(f"{' and '.join(given)} {verb} to the {holders} only, not the {model}")
    for flag, f, value in given_flags(args, configs[model]).values():
        low, below, high = (f.metadata.get(k) for k in ("at_least", "below", "at_most"))
        each = value if isinstance(value, list) else [value]
        if low is not None and any(
            v < low or (below is not None and v >= below) or (high is not None and v > high) for v in each
        ):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            bounds += f" and below {below}" if below is not None else ""
            parser.error(f"{flag} must {'each ' if isinstance(value, list) else ''}be {bounds}")


def config_from(args: argparse.Namespace, configs: dict[str, type], model: str):
    """`model`'s config: its defaults, overridden by every flag given."""
    cfg = configs[model]()
    chosen = {}
    for path, f in flags_of(type(cfg)).items():
        if is_dataclass(f.default_factory):
            chosen[path] = None if getattr(args, f"no_{path}", False) else value_of(cfg, path)
    for path, (_, _, value) in given_flags(args, type(cfg)).items():
        outer, _, inner = path.rpartition(".")
        value = tuple(value) if isinstance(value, list) else value
        if outer:
            chosen[outer] = chosen[outer] and replace(chosen[outer], **{inner: value})
        else:
            chosen[path] = value
    return replace(cfg, **chosen)
