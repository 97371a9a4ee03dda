"""Mini-batch SGD with momentum for the networks in `network.py` and `cnn.py`.

Each epoch: (optionally) distort every training image afresh, shuffle with the seeded
generator, take one SGD-with-momentum step per mini-batch, then measure the held-out
validation split with a moving average of the weights. The learning rate decays by a constant factor per epoch. Training stops
as soon as the mean training loss of an epoch drops below a threshold (the original
design), or after a maximum number of epochs, whichever comes first; the weights that did
best on validation are the ones kept.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, replace

import numpy as np

from nn.data.augment import AugmentConfig, augment
from nn.data.mix import DrawnSet
from nn.ink.preprocess import SIDE, network_inputs
from nn.networks.network import Classifier
from nn.training.config import TrainConfig
from nn.training.distill import Teacher, targets
from nn.training.threads import step_gradients, workers


@dataclass
class TrainResult:
    history: list[dict]  # one entry per epoch
    stopped_by: str  # "threshold" or "max_epochs"
    best_epoch: int
    seconds: float
    validation: dict = field(default_factory=dict)  # name -> (network inputs, labels) held out


def split_validation(images, labels, n_val: int, rng: np.random.Generator):
    """Seeded split of the training set into (train, validation) parts."""
    order = rng.permutation(len(images))
    val, train = order[:n_val], order[n_val:]
    return (images[train], labels[train]), (images[val], labels[val])


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal:
    `epoch 3 of at most 116 [#####.....] 12800/55000 loss 0.1234`."""

    def __init__(self, total: int, label: str = "", enabled: bool | None = None):
        self.total, self.label, self.width = total, label, 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    def show(self, text: str) -> None:
        if self.enabled:
            line = f"  {self.label} {text}"
            print("\r" + line.ljust(self.width), end="", file=sys.stderr, flush=True)
            self.width = len(line)

    def update(self, done: int, loss: float) -> None:
        filled = 30 * done // self.total
        self.show(f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} loss {loss:.4f}")

    def close(self) -> None:
        if self.enabled and self.width:
            print("\r" + " " * self.width + "\r", end="", file=sys.stderr, flush=True)
            self.width = 0


class MomentumSGD:
    """v <- momentum * v - lr * (grad + decay * W);  W <- W + v  (in place).

    Weight decay (L2) applies to weights (matrices, convolution kernels), never to biases. With `average`
    > 0 it also keeps an exponential moving average of the weights after every step,
    W_avg <- average * W_avg + (1 - average) * W, which smooths out the noise of the last
    steps and usually generalises a little better than the weights themselves.
    """

    def __init__(
        self, params: dict[str, np.ndarray], lr: float, momentum: float, weight_decay=0.0, average=0.0
    ):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity = {name: np.zeros_like(p) for name, p in params.items()}
        self.average = average
        self.averaged = {name: p.copy() for name, p in params.items()} if average else params

    def step(self, grads: dict[str, np.ndarray]) -> None:
        for name, param in self.params.items():
            v = self.velocity[name]
            v *= self.momentum
            v -= self.lr * grads[name]
            if self.weight_decay and param.ndim >= 2:  # weight matrices and conv kernels
                v -= (self.lr * self.weight_decay) * param
            param += v
            if self.average:
                avg = self.averaged[name]
                avg += (1.0 - self.average) * (param - avg)


def keep_freed_memory() -> None:
    """Allocate and free one untouched 31 MiB block, so that the arrays of each training step
    reuse the memory the last step freed.

    glibc's malloc hands a block at least its mmap threshold (128 KiB at first) straight to
    the system, and gives back freed memory beyond its trim threshold; the system then
    zeroes every page again on its first touch. A step allocates and frees megabytes: how
    many pages come back new depends on what the process freed before (a CNN step took
    about 700, a third of its time, in a fresh process; about 100 after loading MNIST).
    Freeing a mapped block of up to 32 MiB raises both thresholds to its size and twice
    that, for the rest of the process. Elsewhere it costs an allocation of untouched memory."""
    np.empty(31 << 20, np.uint8)


def sgd_epoch(net: Classifier, X, Y, batch_size: int, optimiser: MomentumSGD, *, progress=None):
    """One pass over (X, Y), already shuffled; returns (mean loss, accuracy)."""
    keep_freed_memory()
    total_loss, correct, n = 0.0, 0, len(X)
    with step_gradients(net) as gradients:
        for step, start in enumerate(range(0, n, batch_size)):
            xb, yb = X[start : start + batch_size], Y[start : start + batch_size]
            grads, out = gradients(xb, yb)
            optimiser.step(grads)
            batch_loss = net.loss(out, yb)
            total_loss += batch_loss * len(xb)
            correct += int((out.argmax(1) == yb.argmax(1)).sum())
            if progress and step % 50 == 0:
                progress.update(start + len(xb), batch_loss)
    return total_loss / n, correct / n


class Run:
    """One training run's state: data, optimiser, history and the best weights so far.

    An epoch is MNIST's training side plus, from each DrawnSet, its weight's worth of
    drawings of every digit. Validation is MNIST's held-out side and each of `validation`'s
    sets (real writers not trained on); the best epoch has the best mean of their accuracies,
    so that no one set decides it. With a teacher, each drawing's target is its label mixed
    with the teacher's answer for it (nn/training/distill.py), read once, before training."""

    def __init__(
        self, net: Classifier, images, labels, cfg: TrainConfig, extra=(), *, validation=None, teacher=None
    ):
        self.net, self.cfg, self.teacher = net, cfg, teacher
        self.rng = np.random.default_rng(cfg.seed)
        (tr_images, self.labels), (val_images, val_labels) = split_validation(
            images, labels, cfg.validation, self.rng
        )
        self.taught = teacher_answers(teacher, tr_images, extra)  # [(N, 10), then (V, N, 10) a set] or None
        # Deskewing, when chosen, comes before the random distortions: they then vary a
        # digit around its upright form, as serving will see it.
        self.channels = net.channels
        self.images = as_read(tr_images, cfg.deskew, self.channels)
        self.extra = [upright(s, cfg.deskew, self.channels) for s in extra]
        read = {"mnist": (val_images, val_labels), **(validation or {})}
        self.val_sets = {
            name: (network_inputs(v_images, cfg.deskew, self.channels).astype(net.dtype), v_labels)
            for name, (v_images, v_labels) in read.items()
            if len(v_labels)
        }
        self.val_sets = {k: v for k, v in self.val_sets.items() if len(v[1])}
        self.optimiser = MomentumSGD(
            net.params(), cfg.learning_rate, cfg.momentum, cfg.weight_decay, cfg.average
        )
        # Validation, and the weights kept, use the moving average when there is one.
        self.averaged = net.with_params(self.optimiser.averaged)
        self.history, self.best, self.best_acc, self.best_epoch = [], net.copy(), -1.0, 0

    def epoch_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """This epoch's (N, 28, 28) images (or (N, C, 28, 28) channels), before distortion,
        their (N,) labels, and the teacher's (N, 10) answers for them (None without one). Of
        the drawings, `direction_dropout` lose their pen's direction, so that the network also
        reads a drawing without it, as a photo of one comes; and of those that keep it,
        `direction_reversal` are shown drawn backwards, every stroke from its end (the
        direction negated), as some hands write."""
        picks = [s.picks(self.rng) for s in self.extra]  # (which drawing, of which digit) a set
        drawn = [(s.variants[v, d], s.labels[d]) for s, (v, d) in zip(self.extra, picks, strict=True)]
        if self.channels > 1:
            for images, _ in drawn:
                images[self.rng.random(len(images)) < self.cfg.direction_dropout, 1:] = 0
                if self.cfg.direction_reversal:  # only then drawn: the same draws as without it
                    images[self.rng.random(len(images)) < self.cfg.direction_reversal, 1:] *= -1
        parts = [(self.images, self.labels), *drawn]
        images, labels = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        if self.taught is None:
            return images, labels, None
        sets = (t[v, d] for t, (v, d) in zip(self.taught[1:], picks, strict=True))
        return images, labels, np.concatenate([self.taught[0], *sets])

    def epoch(self, distort: AugmentConfig | None, phase: str, label: str = "") -> dict:
        t0 = time.perf_counter()
        images, labels, taught = self.epoch_data()
        progress = Progress(len(images), label)
        try:  # the bar is wiped however the epoch ends, Ctrl-C included
            X = images
            if distort:
                progress.show(f"(distorting {len(images):,} images...)")
                with workers() as (pool_map, _):
                    X = augment(images, self.rng, distort, map=pool_map)
            order = self.rng.permutation(len(X))
            # One gather per epoch, so each mini-batch is a contiguous slice.
            X = X.reshape(len(X), -1)[order].astype(self.net.dtype, copy=False)
            Y = targets(labels[order], None if taught is None else taught[order], self.teacher, self.net)
            loss, train_acc = sgd_epoch(
                self.net, X, Y, self.cfg.batch_size, self.optimiser, progress=progress
            )
        finally:
            progress.close()
        val = {name: self.averaged.accuracy(*data) for name, data in self.val_sets.items()}
        val_acc = float(np.mean(list(val.values()))) if val else train_acc
        number = len(self.history) + 1
        if val_acc > self.best_acc:
            self.best, self.best_acc, self.best_epoch = self.averaged.copy(), val_acc, number
        entry = {
            "epoch": number,
            "phase": phase,
            "loss": loss,
            "train_accuracy": train_acc,
            "val_accuracy": val_acc,
            "val_by_set": val,
            "learning_rate": self.optimiser.lr,
            "seconds": time.perf_counter() - t0,
        }
        self.history.append(entry)
        return entry


def teacher_answers(teacher: Teacher | None, images: np.ndarray, extra) -> list[np.ndarray] | None:
    """The teacher's answers for the (N, 28, 28) images, then for every drawing of each DrawnSet
    ((V, N, 10) a set), each as it is before deskewing; None without a teacher."""
    if teacher is None:
        return None
    sets = [teacher.answers(s.variants.reshape(-1, *s.variants.shape[2:])) for s in extra]
    return [
        teacher.answers(images),
        *(a.reshape(*s.variants.shape[:2], -1) for a, s in zip(sets, extra, strict=True)),
    ]


def upright(drawn: DrawnSet, deskew: bool, channels: int = 1) -> DrawnSet:
    """The set's drawings as the network reads them: floats in [0, 1], deskewed if chosen,
    with `channels` channels (`as_read`)."""
    flat = drawn.variants.reshape(-1, *drawn.variants.shape[2:])
    read = as_read(flat, deskew, channels)  # (V N, ...)
    return replace(drawn, variants=read.reshape(*drawn.variants.shape[:2], *read.shape[1:]))


def as_read(images: np.ndarray, deskew: bool, channels: int) -> np.ndarray:
    """(N, 28, 28) images or (N, C, 28, 28) channels as a network reading `channels` reads
    them (preprocess.network_inputs), kept as images: (N, 28, 28) for the ink alone, else
    (N, channels, 28, 28)."""
    rows = network_inputs(images, deskew, channels)  # (N, channels 784)
    shape = (SIDE, SIDE) if channels == 1 else (channels, SIDE, SIDE)
    return rows.reshape(-1, *shape)


def train(
    net: Classifier,
    images,
    labels,
    cfg: TrainConfig,
    *,
    log=print,
    labelled=None,
    extra=(),
    validation=None,
    teacher: Teacher | None = None,
) -> TrainResult:
    """Train `net` in place on (N, 28, 28) MNIST images and (N,) labels; keep the best epoch.

    `labelled` is optional (images, labels) to mix into the training side, `cfg.labelled_weight`
    copies of each, e.g. the site's labelled drawings; `extra` more DrawnSets (real writers'
    digits, nn/data/mix.py); `validation` {name: (images, labels)} more held-out sets;
    `teacher` a network whose answers are part of every target (nn/training/distill.py).

    Distorted epochs run until the threshold; then `clean_epochs` epochs on the undistorted
    images at a small learning rate let the weights settle on real digits. `max_epochs`
    bounds them all: the distorted ones stop in time to leave room for the undistorted ones
    (at least one distorted epoch runs, and the undistorted ones get what room is left).
    """
    if cfg.deskew:
        log(f"deskewing {len(images):,} images (straightening their slant)...")
    extra = list(extra)
    if labelled is not None and len(labelled[1]):  # training side only
        extra.append(DrawnSet("labelled", np.asarray(labelled[0])[None], labelled[1], cfg.labelled_weight))
    if teacher is not None:
        log(f"reading every training drawing with the teacher ({teacher.weight:g} of each target)...")
    run = Run(net, images, labels, cfg, extra, validation=validation, teacher=teacher)
    started = time.perf_counter()
    clean = min(cfg.clean_epochs if cfg.augment else 0, cfg.max_epochs - 1)
    stopped_by = "max_epochs"
    for _ in range(cfg.max_epochs - clean):
        count = EpochCount(len(run.history) + 1, cfg.max_epochs, exact=False)
        entry = run.epoch(cfg.augment, "distorted" if cfg.augment else "plain", str(count))
        log(format_epoch(entry, count, run.history))
        if entry["loss"] < cfg.threshold:
            stopped_by = "threshold"
            break
        run.optimiser.lr *= cfg.lr_decay
    if clean:
        run.optimiser.lr = cfg.clean_learning_rate
        total = len(run.history) + clean
        for _ in range(clean):
            count = EpochCount(len(run.history) + 1, total, exact=True)
            log(format_epoch(run.epoch(None, "clean", str(count)), count, run.history))
            run.optimiser.lr *= 0.8
    net.set_params(run.best.params())
    return TrainResult(run.history, stopped_by, run.best_epoch, time.perf_counter() - started, run.val_sets)


@dataclass
class EpochCount:
    """`epoch 3 of at most 116`: before the threshold stops it, the last epoch is not known."""

    number: int
    total: int
    exact: bool

    def __str__(self) -> str:
        return f"epoch {self.number} of {'' if self.exact else 'at most '}{self.total}"

    def time_left(self, history: list[dict]) -> str:
        """The epochs still to come at the mean pace so far, e.g. "at most 6 min left"."""
        left = self.total - self.number
        if not left:
            return ""
        seconds = left * sum(e["seconds"] for e in history) / len(history)
        return f"{'about' if self.exact else 'at most'} {duration(seconds)} left"


def duration(seconds: float) -> str:
    """12 -> "12 s", 400 -> "7 min", 7000 -> "1 h 57 min"."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds // 3600:.0f} h {seconds % 3600 / 60:.0f} min"


def format_epoch(e: dict, count: EpochCount, history: list[dict]) -> str:
    clean = " (undistorted)" if e["phase"] == "clean" else ""
    left = count.time_left(history)
    by_set = e.get("val_by_set", {})
    sets = f" ({', '.join(f'{k} {100 * v:.2f}%' for k, v in by_set.items())})" if len(by_set) > 1 else ""
    return (
        f"{count}{clean}: loss {e['loss']:.4f}  train {100 * e['train_accuracy']:6.2f}%"
        f"  val {100 * e['val_accuracy']:6.2f}%{sets}  lr {e['learning_rate']:.4f}  {e['seconds']:5.2f}s"
        + (f", {left}" if left else "")
    )
