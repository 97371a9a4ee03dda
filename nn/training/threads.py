"""Training on every core: threads that each take a share of the work, one BLAS thread each.

A training step is partly matrix products, which OpenBLAS spreads over its threads, and
partly element-wise NumPy, which runs on one core while the other BLAS threads wait for the
next product. NumPy lets go of the GIL in both, so threads that each take a share of the
batch, with one BLAS thread each, keep every core working: on 2 cores an epoch of the
shipped CNN takes about 0.6 of the time one thread driving 2 BLAS threads takes
(bench/bench_nn.py). A 784-250-10 step (batch 64) is mostly products and over in a
fraction of a millisecond, so the threads' hand-over would cost more than they save: one
thread drives BLAS's threads. Each epoch's distortions (nn/data/augment.py) are shared
among the same threads, chunk by chunk, for either network. A seeded run gives the same
weights again on as many threads; on another number, each share draws other dropout masks.

The BLAS thread count is set with threadpoolctl. Without it (nn itself needs only NumPy),
the work runs on one thread: workers beside BLAS threads of their own would fight over
the cores, which measured slower than either.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from nn.networks.network import Classifier

Gradients = Callable[[np.ndarray, np.ndarray], tuple[dict[str, np.ndarray], np.ndarray]]


def blas_threads() -> int:
    """How many threads NumPy's BLAS computes on; 1 without threadpoolctl, which tells and
    sets it (nothing here shares work among threads then)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 1
    return max((lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"), default=1)


@contextlib.contextmanager
def one_blas_thread() -> Iterator[int]:
    """Within: BLAS on one thread. Yields how many it had (how many threads a step may use
    instead); restores them on leaving."""
    threads = blas_threads()
    if threads == 1:
        yield 1
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield threads


@contextlib.contextmanager
def workers() -> Iterator[tuple[Callable, int]]:
    """Within: (a map that runs its calls on k threads at once, k): one thread per BLAS thread
    there was, BLAS on one thread; the built-in map and 1 where BLAS had one thread or its
    threads cannot be set."""
    with one_blas_thread() as threads:
        if threads == 1:
            yield map, 1
            return
        with ThreadPoolExecutor(threads, thread_name_prefix="nn") as pool:
            yield pool.map, threads


@contextlib.contextmanager
def step_gradients(net: Classifier) -> Iterator[Gradients]:
    """Within: a function (X, Y) -> (the mean loss's gradients on the batch, the network's
    output (N, 10)). For a network whose steps are worth sharing, `workers` compute them,
    each on a share of the batch with its own replica of `net` (shared parameters, its own
    dropout masks); otherwise this thread alone, BLAS as it is."""
    with workers() if net.parallel_steps else contextlib.nullcontext((map, 1)) as (pool_map, k):
        if k == 1:
            yield functools.partial(share_gradients, net)
        else:
            yield functools.partial(split_gradients, pool_map, net.replicas(k))


def share_gradients(net: Classifier, X: np.ndarray, Y: np.ndarray):
    """The gradients of the mean loss on (X, Y), and the output."""
    act = net.forward(X)
    return net.backward(act, Y), act.out


def split_gradients(pool_map: Callable, replicas: list[Classifier], X: np.ndarray, Y: np.ndarray):
    """share_gradients over the whole batch, from one share per replica, computed through
    `pool_map`: each share's gradients weighed by its part of the batch, outputs in the
    batch's order."""
    # Python ints, so each weight is a Python float: a NumPy float64 one would make a
    # float32 network's gradients float64.
    bounds = np.linspace(0, len(X), len(replicas) + 1).astype(int).tolist()
    shares = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    results = list(pool_map(share_gradients, replicas, [X[s] for s in shares], [Y[s] for s in shares]))
    weights = [(s.stop - s.start) / len(X) for s in shares]
    grads = {
        name: sum(g[name] * weight for (g, _), weight in zip(results, weights, strict=True))
        for name in results[0][0]
    }
    return grads, np.concatenate([out for _, out in results])
