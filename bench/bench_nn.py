"""Speed of the from-scratch network: prints figures, asserts nothing.

    python3 -m bench.bench_nn [--mnist-dir FOLDER] [--batches N] [--keras]

Prints: seconds per epoch of 60k images at batch 64, for the 784-250-10 network and for
the CNN (default widths and the shipped ones); seconds of training until the MNIST test
accuracy first reaches 98.5%; one-image forward latency (median of many calls); throughput
on batches of 1000; and for each shipped model its accuracy, training time and one-image
latency. --batches N times N mini-batches of each epoch and scales them to the epoch.

With --keras (TensorFlow installed) it also trains the same 784-250-10 network and the same
CNNs in Keras, in the same process, each side in turn twice (the faster of its two
counts), and prints both sides' wall and CPU time, the ratio and its target. The ratio is
left out, with a warning, when the machine was busy: when other processes used more of the
cores than the benchmark left free.

Threads: NumPy's BLAS uses OPENBLAS_NUM_THREADS (default: every core); a CNN's training step
is shared by as many threads, each with one BLAS thread (nn/training/threads.py); TensorFlow
is given as many (intra-op threads; one op at a time), so neither side computes on more cores.
"""

from __future__ import annotations

import functools
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import common
from bench.common import arguments, load_models
from nn.data.mnist import load_mnist
from nn.ink.preprocess import network_inputs
from nn.networks.cnn import WIDTHS, ConvNet
from nn.networks.network import Network, one_hot
from nn.training.config import CNNConfig, MLPConfig
from nn.training.threads import blas_threads, one_blas_thread
from nn.training.train import MomentumSGD, sgd_epoch

BATCH, MOMENTUM = MLPConfig().batch_size, MLPConfig().momentum  # the trainer's, for both networks
CNN_WIDTHS = ((16, 32, 128), WIDTHS)  # a smaller CNN, and the shipped model's widths
KERAS_TARGETS = {"784-250-10": 0.5, "cnn 16-32-128": 1.0}  # numpy / keras epoch time, at most


@dataclass(frozen=True)
class Seconds:
    wall: float
    cpu: float  # of every thread: on a shared machine, nearer the work than the wall clock
    others: float  # cores that other processes kept busy meanwhile, on average

    def __str__(self) -> str:
        return f"{self.wall:.2f} s (cpu {self.cpu:.2f} s)"

    def scaled(self, factor: float) -> Seconds:
        return Seconds(self.wall * factor, self.cpu * factor, self.others)

    def ratio(self, other: Seconds) -> str:
        return f"{self.wall / other.wall:.2f} (cpu {self.cpu / other.cpu:.2f})"


def busy_cores() -> float | None:
    """Seconds of CPU every process has used since boot (Linux's /proc/stat), or None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed(fn, *args) -> Seconds:
    b0, t0, c0 = busy_cores(), time.perf_counter(), time.process_time()
    fn(*args)
    b1, t1, c1 = busy_cores(), time.perf_counter(), time.process_time()
    wall, cpu = t1 - t0, c1 - c0
    # Without /proc/stat, the load average (other processes and this one) stands in.
    others = (b1 - b0 - cpu) / wall if b0 is not None else max(os.getloadavg()[0] - blas_threads(), 0)
    return Seconds(wall, cpu, max(others, 0.0))


def fastest(times) -> Seconds:
    return min(times, key=lambda s: s.wall)


def network(widths: tuple[int, int, int] | None = None):
    """(the 784-250-10, or the CNN of these widths, seeded; its learning rate)."""
    if widths is None:
        return MLPConfig().new_network(), MLPConfig().learning_rate
    return ConvNet.initialise(np.random.default_rng(0), widths=widths), CNNConfig().learning_rate


def timed_images(X, batches: int) -> int:
    """How many images are timed of an epoch: all, or the first `batches` mini-batches'."""
    return min(batches * BATCH, len(X)) if batches else len(X)


def epoch_seconds(X, Y, widths=None, repeats: int = 3, batches: int = 0) -> Seconds:
    """The fastest of `repeats` epochs, or of their first `batches` mini-batches scaled to
    the epoch."""
    net, lr = network(widths)
    optimiser = MomentumSGD(net.params(), lr, MOMENTUM)
    n = timed_images(X, batches)
    train = functools.partial(sgd_epoch, net, X[:n], Y[:n], BATCH, optimiser)
    return fastest(timed(train) for _ in range(repeats)).scaled(len(X) / n)


def seconds_to_accuracy(X, Y, X_test, labels, *, target=0.985, max_epochs=30):
    """Train on deskewed digits as the shipped network does, without distortions (lr 0.2,
    momentum 0.9, 5% decay an epoch); the clock stops when the test accuracy, measured after
    each epoch and not counted, first reaches the target."""
    rng = np.random.default_rng(0)
    net = Network.initialise(rng, (784, MLPConfig().hidden, 10))
    optimiser = MomentumSGD(net.params(), 0.2, MOMENTUM)
    trained = 0.0
    for epoch in range(1, max_epochs + 1):
        order = rng.permutation(len(X))
        Xs, Ys = X[order], Y[order]
        t0 = time.perf_counter()
        sgd_epoch(net, Xs, Ys, BATCH, optimiser)
        trained += time.perf_counter() - t0
        optimiser.lr *= 0.95
        accuracy = net.accuracy(X_test, labels)
        if accuracy >= target:
            return trained, epoch, accuracy
    return float("inf"), max_epochs, accuracy


def forward_latency_us(X_test, net=None, calls: int = 5000) -> float:
    net = net or network()[0]
    # 500 calls first, to warm up caches and clocks
    return 1000 * statistics.median(
        common.timed(net.predict_proba, X_test[:1], n=calls, clock=time.perf_counter, warm_up=500)
    )


def one_thread(fn, *args):
    """Run fn with BLAS on one thread, as the web process does."""
    with one_blas_thread():
        return fn(*args)


def throughput(X_test, repeats: int = 20) -> float:
    net = network()[0]
    batch = X_test[:1000]
    t0 = time.perf_counter()
    for _ in range(repeats):
        net.predict_proba(batch)
    return 1000 * repeats / (time.perf_counter() - t0)


def keras_model(tf, widths, lr: float):
    """The 784-250-10 in Keras (widths None), or the CNN of these widths with its ops in our
    order (convolution, 2x2 max-pooling, then ReLU); compiled as we train (SGD at `lr`, momentum 0.9)."""
    layers = tf.keras.layers
    if widths is None:
        net = [layers.Dense(250, activation="sigmoid")]
    else:
        net = [layers.Reshape((28, 28, 1))]
        for channels in widths[:2]:
            net += [layers.Conv2D(channels, 5), layers.MaxPooling2D(2), layers.ReLU()]
        net += [layers.Flatten(), layers.Dense(widths[2], activation="relu")]
    model = tf.keras.Sequential([tf.keras.Input((784,)), *net, layers.Dense(10, activation="softmax")])
    model.compile(tf.keras.optimizers.SGD(lr, momentum=MOMENTUM), "sparse_categorical_crossentropy")
    return model


def compare_with_keras(X, Y, labels, batches: int) -> None:
    """Each network in NumPy and in Keras, in turn twice, on the same mini-batches and
    threads; the faster of each side's two counts, the ratio, and its target."""
    try:
        import tensorflow as tf
    except ImportError:
        print("keras: TensorFlow is not installed (pip install -r nn/requirements-optional.txt)")
        return
    threads = blas_threads()
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    n = timed_images(X, batches)
    print(
        f"numpy and keras, {threads} threads each, {n // BATCH} mini-batches of {BATCH} scaled to an epoch:"
    )
    for name, widths in (("784-250-10", None), *((f"cnn {'-'.join(map(str, w))}", w) for w in CNN_WIDTHS)):
        net, lr = network(widths)
        optimiser = MomentumSGD(net.params(), lr, MOMENTUM)
        model = keras_model(tf, widths, lr)
        sides = {
            "numpy": functools.partial(sgd_epoch, net, X[:n], Y[:n], BATCH, optimiser),
            "keras": functools.partial(
                model.fit, X[:n], labels[:n], batch_size=BATCH, epochs=1, verbose=0, shuffle=False
            ),
        }
        for fit in sides.values():  # warm-up: the first pass allocates, Keras traces its graph
            fit()
        times = {side: [] for side in sides}
        for _ in range(2):
            for side, fit in sides.items():
                times[side].append(timed(fit).scaled(len(X) / n))
        numpy, keras = fastest(times["numpy"]), fastest(times["keras"])
        others = max(s.others for side in times.values() for s in side)
        print(f"  {name}: numpy {numpy}, keras {keras}; {keras_verdict(name, numpy, keras, others, threads)}")


def keras_verdict(name: str, numpy: Seconds, keras: Seconds, others: float, threads: int) -> str:
    """The ratio and its target, or why there is none: a busy machine makes it a guess."""
    load = f"other processes busy on {others:.1f} of {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    if threads + others > os.cpu_count() + 0.25:  # a quarter of a core for the system's own work
        return f"WARNING: machine busy ({load}): no ratio"
    target = KERAS_TARGETS.get(name)
    met = (
        ""
        if target is None
        else f", target <= {target}: {'met' if numpy.wall <= target * keras.wall else 'NOT met'}"
    )
    return f"numpy / keras = {numpy.ratio(keras)}{met} ({load})"


def main() -> None:
    parser = arguments(__doc__, mnist=True)
    parser.add_argument(
        "--batches", type=int, default=0, help="mini-batches timed of each epoch (default: all)"
    )
    parser.add_argument("--keras", action="store_true", help="also time Keras (needs TensorFlow)")
    args = parser.parse_args()
    data = load_mnist(args.mnist_dir)
    X, X_test = network_inputs(data.train_images), network_inputs(data.test_images)
    Y = one_hot(data.train_labels, 10)
    scaled = f" ({args.batches} mini-batches scaled)" if args.batches else ""
    print(f"BLAS threads: {blas_threads()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"epoch of {len(X)} images, batch {BATCH}: {epoch_seconds(X, Y, batches=args.batches)}{scaled}")
    for widths in CNN_WIDTHS:
        seconds = epoch_seconds(X, Y, widths, repeats=1, batches=args.batches)  # one: each takes seconds
        print(f"cnn {'-'.join(map(str, widths))} epoch of {len(X)} images, batch {BATCH}: {seconds}{scaled}")
    deskewed = [network_inputs(images, True) for images in (data.train_images, data.test_images)]
    seconds, epochs, accuracy = seconds_to_accuracy(deskewed[0], Y, deskewed[1], data.test_labels)
    print(
        f"training to 98.5% test accuracy: {seconds:.1f} s ({epochs} epochs, reached {100 * accuracy:.2f}%)"
    )
    print(
        f"one-image forward pass: {one_thread(forward_latency_us, X_test):.1f} us (median, one BLAS thread as served)"
    )
    print(f"batch of 1000: {throughput(X_test):,.0f} images/s")
    for name, model in load_models().items():  # the shipped models, as trained
        latency = one_thread(forward_latency_us, X_test, model.network)
        print(
            f"shipped {name}: {100 * model.meta['test_accuracy']:.2f}% on MNIST test, trained in "
            f"{model.meta['train_seconds']:.0f} s ({len(model.meta['history'])} epochs); one image {latency:.0f} us"
        )
    if args.keras:
        compare_with_keras(X, Y, data.train_labels, args.batches)


if __name__ == "__main__":
    main()
