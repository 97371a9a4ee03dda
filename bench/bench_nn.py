"""Speed of the from-scratch network: prints figures, asserts nothing.

    python bench/bench_nn.py [--data-dir FOLDER] [--keras]

Prints: seconds per epoch of 60k images at batch 64, for the 784-250-10 network and for
the CNN (default widths and wider ones); seconds of training until the MNIST test accuracy
first reaches 98.5%; one-image forward latency (median of many calls); throughput on
batches of 1000; and for each shipped model its accuracy, training time and one-image
latency. With --keras (TensorFlow installed) it also times one epoch of the same
784-250-10 network and of the same CNN in Keras, in the same run, and prints the ratios.

Threads: NumPy's BLAS uses OPENBLAS_NUM_THREADS (default: every core); TensorFlow is given
as many (intra-op threads; one op at a time), so neither side computes on more cores.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from nn import DEFAULT_MODEL_PATH  # noqa: E402
from nn.cnn import WIDTHS, ConvNet  # noqa: E402
from nn.mnist import load_mnist  # noqa: E402
from nn.model_file import load_model  # noqa: E402
from nn.network import Network, one_hot  # noqa: E402
from nn.preprocess import network_inputs  # noqa: E402
from nn.train import MomentumSGD, sgd_epoch  # noqa: E402

BATCH = 64
MODELS = DEFAULT_MODEL_PATH.parent
CNN_WIDTHS = (WIDTHS, (32, 64, 128))  # the shipped architecture, and a wider one
CNN_LEARNING_RATE = 0.05


@dataclass(frozen=True)
class Seconds:
    wall: float
    cpu: float  # of every thread: on a shared machine, nearer the work than the wall clock

    def __str__(self) -> str:
        return f"{self.wall:.2f} s (cpu {self.cpu:.2f} s)"

    def ratio(self, other: Seconds) -> str:
        return f"{self.wall / other.wall:.2f} (cpu {self.cpu / other.cpu:.2f})"


def timed(fn, *args) -> Seconds:
    t0, c0 = time.perf_counter(), time.process_time()
    fn(*args)
    return Seconds(time.perf_counter() - t0, time.process_time() - c0)


def epoch_seconds(X, Y, repeats: int = 3, net=None, lr: float = 0.1) -> Seconds:
    """The fastest of `repeats` epochs."""
    net = net or Network.initialise(np.random.default_rng(0))
    optimiser = MomentumSGD(net.params(), lr, 0.9)
    return min((timed(sgd_epoch, net, X, Y, BATCH, optimiser) for _ in range(repeats)), key=lambda s: s.wall)


def seconds_to_accuracy(X, Y, X_test, labels, *, target=0.985, max_epochs=30):
    """Train on deskewed digits as the shipped network does, without distortions (lr 0.2,
    momentum 0.9, 5% decay an epoch); the clock stops when the test accuracy, measured after
    each epoch and not counted, first reaches the target."""
    rng = np.random.default_rng(0)
    net = Network.initialise(rng)
    optimiser = MomentumSGD(net.params(), 0.2, 0.9)
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
    net = net or Network.initialise(np.random.default_rng(0))
    x = X_test[:1]
    for _ in range(500):  # warm up caches and clocks
        net.predict_proba(x)
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter_ns()
        net.predict_proba(x)
        samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples) / 1000


def one_thread(fn, *args):
    """Run fn with BLAS on one thread, as the web process does (needs threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return fn(*args)
    with threadpool_limits(1, user_api="blas"):
        return fn(*args)


def throughput(X_test, repeats: int = 20) -> float:
    net = Network.initialise(np.random.default_rng(0))
    batch = X_test[:1000]
    t0 = time.perf_counter()
    for _ in range(repeats):
        net.predict_proba(batch)
    return 1000 * repeats / (time.perf_counter() - t0)


def cnn_epoch_seconds(X, Y, widths, repeats: int = 1) -> Seconds:  # one: each takes seconds
    net = ConvNet.initialise(np.random.default_rng(0), widths=widths)
    return epoch_seconds(X, Y, repeats, net, CNN_LEARNING_RATE)


def blas_threads() -> int:
    return int(os.environ.get("OPENBLAS_NUM_THREADS") or os.cpu_count())


def keras_models(tf) -> dict:
    """The same networks in Keras: the 784-250-10 and the CNN with its ops in our order
    (convolution, 2x2 max-pooling, then ReLU)."""
    layers = tf.keras.layers
    cnn = [tf.keras.Input((784,)), layers.Reshape((28, 28, 1))]
    for channels in WIDTHS[:2]:
        cnn += [layers.Conv2D(channels, 5), layers.MaxPooling2D(2), layers.ReLU()]
    cnn += [
        layers.Flatten(),
        layers.Dense(WIDTHS[2], activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
    mlp = [
        tf.keras.Input((784,)),
        layers.Dense(250, activation="sigmoid"),
        layers.Dense(10, activation="softmax"),
    ]
    return {"mlp": (mlp, 0.1), "cnn": (cnn, CNN_LEARNING_RATE)}


def keras_epoch_seconds(X, labels) -> dict[str, Seconds] | None:
    """Seconds of one epoch of each network in Keras, after a warm-up epoch (graph tracing)."""
    try:
        import tensorflow as tf
    except ImportError:
        return None
    tf.config.threading.set_intra_op_parallelism_threads(blas_threads())
    tf.config.threading.set_inter_op_parallelism_threads(1)
    seconds = {}
    for name, (layers, lr) in keras_models(tf).items():
        model = tf.keras.Sequential(layers)
        model.compile(tf.keras.optimizers.SGD(lr, momentum=0.9), "sparse_categorical_crossentropy")
        fit = functools.partial(model.fit, X, labels, batch_size=BATCH, epochs=1, verbose=0)
        fit()
        seconds[name] = timed(fit)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--keras", action="store_true", help="also time Keras (needs TensorFlow)")
    args = parser.parse_args()
    data = load_mnist(args.data_dir)
    X, X_test = network_inputs(data.train_images), network_inputs(data.test_images)
    Y = one_hot(data.train_labels, 10)
    print(f"BLAS threads: {blas_threads()}")
    epoch = {"mlp": epoch_seconds(X, Y)}
    print(f"epoch of {len(X)} images, batch {BATCH}: {epoch['mlp']}")
    for widths in CNN_WIDTHS:
        seconds = cnn_epoch_seconds(X, Y, widths)
        epoch.setdefault("cnn", seconds)  # the default widths: the ones Keras runs
        print(f"cnn {'-'.join(map(str, widths))} epoch of {len(X)} images, batch {BATCH}: {seconds}")
    X_deskewed, X_test_deskewed = (
        network_inputs(data.train_images, True),
        network_inputs(data.test_images, True),
    )
    seconds, epochs, accuracy = seconds_to_accuracy(X_deskewed, Y, X_test_deskewed, data.test_labels)
    print(
        f"training to 98.5% test accuracy: {seconds:.1f} s ({epochs} epochs, reached {100 * accuracy:.2f}%)"
    )
    print(
        f"one-image forward pass: {one_thread(forward_latency_us, X_test):.1f} us (median, one BLAS thread as served)"
    )
    print(f"batch of 1000: {throughput(X_test):,.0f} images/s")
    for path in sorted(MODELS.glob("*.pkl")):  # the shipped models, as trained
        model = load_model(path)
        latency = one_thread(forward_latency_us, X_test, model.network)
        print(
            f"shipped {path.stem}: {100 * model.meta['test_accuracy']:.2f}% on MNIST test, trained in "
            f"{model.meta['train_seconds']:.0f} s ({len(model.meta['history'])} epochs); one image {latency:.0f} us"
        )
    if args.keras:
        keras = keras_epoch_seconds(X, data.train_labels)
        if keras is None:
            print("keras: TensorFlow is not installed (pip install -r nn/requirements-optional.txt)")
        else:
            for name, seconds in keras.items():
                print(f"keras {name} epoch: {seconds}; numpy / keras = {epoch[name].ratio(seconds)}")


if __name__ == "__main__":
    main()
