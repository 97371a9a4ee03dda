"""A small convolutional network written from scratch in NumPy (LeNet-like).

Batch-first, channels-last: X holds N images as rows of C 784 values, channel-major (a
row's first 784 values are channel 0, then channel 1's 784, ...), viewed as (N, C, 28, 28)
and moved channels last, (N, 28, 28, C), for the convolutions. C, the input channels, is
one of INPUT_CHANNELS: the ink alone (a row is the 784 pixels), or the ink and the pen's
direction across and down at each pixel. K1's third axis is C.

Forward pass (k = 5x5 kernels, "valid" convolutions, 2x2 max-pooling), for the
widths (C1, C2, D), by default (32, 64, 128), the shipped CNN's:
    h1 = relu(pool(conv(X,  K1) + c1))   # X (N, 28, 28, C) -> (N, 12, 12, C1)
    h2 = relu(pool(conv(h1, K2) + c2))   # (N, 4, 4, C2), flattened to (N, 16 C2)
    h3 = relu(h2 @ W3 + b3)              # (N, D)
    p  = softmax(h3 @ W4 + b4)           # (N, 10)
Loss: mean cross-entropy, as in network.py's softmax recipe.

Dropout (training only, "inverted"): forward() multiplies h3 by a random mask that keeps
each unit with probability 1 - dropout and scales the kept ones by 1 / (1 - dropout), so
the expected activation is unchanged and predict_proba needs no correction.

A convolution followed by 2x2 max-pooling is computed pooling block by pooling block.
The four outputs of a block read the 6x6 patch of input under it, each the 5x5 window at
its corner's offset (dy, dx). patches() gathers every block's patch into a row, in reading
order (36 pixels, where the four windows hold 100). Read in that order, a window is a run
of 29 pixels from its first to its last, 4 of them between its rows: run() views it without
copying, and run_kernel() lays K out the same way with zeros at those 4, so each corner's
sums are one product, a contiguous block:
    z[k] = run(patches(x), CORNERS[k]) @ run_kernel(K)   # (N H'/2 W'/2, C_out)
and pooling is the maximum over the four blocks. That is 1.16 times the multiplications of
the windows themselves, on a gathered input 2.8 times smaller: faster on training batches,
a little slower on one image (bench/bench_nn.py). The backward pass is the same products
transposed: dK sums run.T @ dz[k] over the corners (kernel_gradient); dx sends
dz @ K[ky, kx].T back from each kernel offset (input_gradient).
Pooling then ReLU equals ReLU then pooling (both monotone) and is 4x cheaper; so is adding
the bias after pooling (rounding is monotone too: max(z + c) is exactly max(z) + c).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nn.ink.sampling import SIDE
from nn.networks.network import Classifier, cross_entropy, softmax

KERNEL = 5
INPUT_CHANNELS = (1, 3)  # the channels a CNN may read: the ink alone, or the ink and the
# pen's direction across and down
WIDTHS = (32, 64, 128)  # channels of conv 1, channels of conv 2, units of the dense layer: the shipped CNN's
MAX_WIDTH = 512  # each width at most this: far above any useful network, and a bound on
# the arrays a model file can ask for
POOLED = 4 * 4  # pixels left of a 28x28 image after conv, pool, conv, pool


def param_shapes(widths: tuple[int, int, int] = WIDTHS, channels: int = 1) -> dict[str, tuple[int, ...]]:
    """name -> shape of every parameter, for the widths (C1, C2, D) and the input channels."""
    c1, c2, dense = widths
    return {
        "K1": (KERNEL, KERNEL, channels, c1),
        "c1": (c1,),
        "K2": (KERNEL, KERNEL, c1, c2),
        "c2": (c2,),
        "W3": (POOLED * c2, dense),
        "b3": (dense,),
        "W4": (dense, 10),
        "b4": (10,),
    }


PARAM_SHAPES = param_shapes()  # the default architecture


def check_widths(widths) -> tuple[int, int, int]:
    """Three integers in 1..MAX_WIDTH, or a ValueError saying what is wrong."""
    widths = tuple(widths)
    integers = all(isinstance(w, int | np.integer) and not isinstance(w, bool) for w in widths)
    if len(widths) != 3 or not integers or not all(1 <= w <= MAX_WIDTH for w in widths):
        raise ValueError(f"widths must be three integers from 1 to {MAX_WIDTH}, not {widths}")
    return tuple(int(w) for w in widths)


def check_channels(channels) -> int:
    """One of INPUT_CHANNELS, or a ValueError saying what is wrong."""
    integer = isinstance(channels, int | np.integer) and not isinstance(channels, bool)
    if not integer or channels not in INPUT_CHANNELS:
        raise ValueError(
            f"input channels must be one of {INPUT_CHANNELS} (the ink alone, or the ink and the "
            f"pen's direction across and down), not {channels!r}"
        )
    return int(channels)


CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))  # (dy, dx) in each 2x2 pooling block, reading order
PATCH = KERNEL + 1  # side of the input patch that a 2x2 pooling block of outputs reads
RUN = (KERNEL - 1) * PATCH + KERNEL  # a patch's pixels from a window's first to its last: 29


def conv(x: np.ndarray, K: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The convolution of x (N, H, W, C_in) by K (5, 5, C_in, C_out), without bias, in
    pooling order: z[k, n, py, px] is output (2 py + dy, 2 px + dx) for corner (dy, dx) =
    CORNERS[k], shape (4, N, H'/2, W'/2, C_out); and the patches it read."""
    n, h, w, _ = x.shape
    cols = patches(x)  # (N H'/2 W'/2, 36 C_in)
    kernel = run_kernel(K)  # (29 C_in, C_out)
    z = np.empty((len(CORNERS), len(cols), K.shape[-1]), np.result_type(cols, K))
    for k, corner in enumerate(CORNERS):
        np.matmul(run(cols, corner), kernel, out=z[k])
    return z.reshape(len(CORNERS), n, (h - KERNEL + 1) // 2, (w - KERNEL + 1) // 2, -1), cols


def patches(x: np.ndarray) -> np.ndarray:
    """(N, H, W, C) -> (N H'/2 W'/2, 36 C): each row the 6x6xC patch under one 2x2 pooling
    block of outputs, in (y, x, c) order; blocks in reading order."""
    n, h, w, c = x.shape
    # One gather of whole pixels (C values each) by a cached index: for a single image
    # faster than copying a strided view, and no slower for batches.
    cols = x.reshape(n, h * w, c).take(patch_pixels(h, w), axis=1)  # (N, H'/2 W'/2 36, C)
    return cols.reshape(-1, PATCH * PATCH * c)


@functools.lru_cache(maxsize=8)
def patch_pixels(h: int, w: int) -> np.ndarray:
    """Flat pixel indices of the 6x6 patch under every 2x2 block of outputs of an h x w
    image, patch by patch in reading order."""
    py, px, y, x = np.ogrid[: (h - KERNEL + 1) // 2, : (w - KERNEL + 1) // 2, :PATCH, :PATCH]
    index = ((2 * py + y) * w + 2 * px + x).ravel()
    index.flags.writeable = False  # shared through the cache
    return index


def run(cols: np.ndarray, corner: tuple[int, int]) -> np.ndarray:
    """The run of each patch (M, 36 C) that the output at `corner` (dy, dx) reads -> (M, 29 C),
    a view: pixels (dy, dx) to (dy + 4, dx + 4) of the patch in reading order, its 5x5
    window and the 4 pixels between the window's rows."""
    c = cols.shape[1] // (PATCH * PATCH)
    start = (corner[0] * PATCH + corner[1]) * c
    return cols[:, start : start + RUN * c]


def run_kernel(K: np.ndarray) -> np.ndarray:
    """(5, 5, C_in, C_out) -> (29 C_in, C_out): K laid out as a run, zeros at the 4 pixels
    between its rows, so that run(cols, corner) @ run_kernel(K) is the convolution there."""
    _, _, c_in, c_out = K.shape
    out = np.zeros((KERNEL, PATCH, c_in, c_out), K.dtype)
    out[:, :KERNEL] = K
    return out.reshape(-1, c_out)[: RUN * c_in]


def kernel_gradient(cols: np.ndarray, dz: np.ndarray) -> np.ndarray:
    """dL/dK of z = conv(x, K), from the patches conv read and dL/dz in pooling order: the
    products of conv transposed, run.T @ dz[k] summed over the corners (29 C_in, C_out),
    without the 4 pixels between rows (the adjoint of run_kernel) -> (5, 5, C_in, C_out)."""
    c_in, c_out = cols.shape[1] // (PATCH * PATCH), dz.shape[-1]
    dz = dz.reshape(len(CORNERS), len(cols), c_out)
    d_run = sum(run(cols, corner).T @ dz[k] for k, corner in enumerate(CORNERS))
    padded = np.concatenate([d_run, np.zeros((c_in, c_out), d_run.dtype)])  # (30 C_in, C_out)
    return padded.reshape(KERNEL, PATCH, c_in, c_out)[:, :KERNEL]


def input_gradient(dz: np.ndarray, K: np.ndarray, x_shape: tuple) -> np.ndarray:
    """dL/dx of z = conv(x, K), given dL/dz in pooling order. Kernel offset (ky, kx) read
    pixel (y + ky, x + kx) for output (y, x), so it sends dz @ K[ky, kx].T back there: 25
    small products, each added to a shifted block of whole rows. Adding the runs' gradients
    back into overlapping patches instead reads a few values at a time: a third slower for
    the shipped widths."""
    n, h, w, _ = x_shape
    ho, wo = h - KERNEL + 1, w - KERNEL + 1
    dz = in_place_order(dz).reshape(n * ho * wo, -1)  # (N H' W', C_out)
    dx = np.zeros(x_shape, dz.dtype)  # (N, H, W, C_in)
    for ky in range(KERNEL):
        for kx in range(KERNEL):
            dx[:, ky : ky + ho, kx : kx + wo, :] += (dz @ K[ky, kx].T).reshape(n, ho, wo, -1)
    return dx


def in_place_order(z: np.ndarray) -> np.ndarray:
    """Pooling order (4, N, H/2, W/2, C) -> the image's own order (N, H, W, C)."""
    _, n, h, w, c = z.shape
    return z.reshape(2, 2, n, h, w, c).transpose(2, 3, 0, 4, 1, 5).reshape(n, 2 * h, 2 * w, c)


def pool_routes(z: np.ndarray, pooled: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Where the gradient of each output of 2x2 max-pooling goes back: z in pooling order
    (4, N, H/2, W/2, C), its maxima `pooled` (N, H/2, W/2, C), and `on`, whether each
    output's unit was on after its ReLU -> (4, N, H/2, W/2, C), True at the corner that gave
    the maximum of a unit that was on, and nowhere else.

    Ties are common (a blank patch gives four equal sums), and the gradient must go to one
    input only, so each output takes the first maximum in reading order.
    """
    routes = z == pooled  # every maximum
    taken = ~on  # a unit that was off sends no gradient back
    for route in routes:
        np.greater(route, taken, out=route)  # a maximum, not taken yet
        taken |= route
    return routes


def unpool(d: np.ndarray, routes: np.ndarray) -> np.ndarray:
    """Route the pooled gradient (N, H/2, W/2, C) back to the chosen inputs, in pooling
    order (4, N, H/2, W/2, C)."""
    return d * routes


def column_sums(a: np.ndarray) -> np.ndarray:
    """(M, C) -> (C,): as a product with a row of ones, which BLAS does 15 times faster than
    NumPy's sum over the long axis when C is small."""
    return np.ones(len(a), a.dtype) @ a


@dataclass
class CnnActivations:
    X: np.ndarray  # (N, 28, 28, C), channels last
    cols1: np.ndarray  # patches of X, (N 12 12, 36 C)
    routes1: np.ndarray  # pooling choices of layer 1, and its ReLU: (4, N, 12, 12, C1)
    h1: np.ndarray  # (N, 12, 12, C1)
    cols2: np.ndarray  # (N 4 4, 36 C1)
    routes2: np.ndarray  # (4, N, 4, 4, C2)
    h2: np.ndarray  # (N, 16 C2)
    h3: np.ndarray  # (N, D), after dropout
    keep: np.ndarray | None  # (N, D) dropout mask: 0 or 1 / (1 - dropout); None without dropout
    out: np.ndarray  # (N, 10) probabilities


class ConvNet(Classifier):
    """Parameters and maths of the convolutional network; same interface as network.Network.

    `dropout` is the probability of zeroing each unit of h3 in forward() (training);
    the masks come from `rng`, so a seeded run is reproducible."""

    recipe = "softmax-xent"
    parallel_steps = True  # its convolutions' gathers, pooling and sums run on one core each

    def __init__(
        self, params: dict[str, np.ndarray], dropout: float = 0.0, rng: np.random.Generator | None = None
    ):
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), not {dropout}")
        self.p = params
        self.dropout = dropout
        self.rng = rng if rng is not None else np.random.default_rng(0)

    @classmethod
    def initialise(
        cls,
        rng: np.random.Generator,
        widths=WIDTHS,
        dtype=np.float32,
        dropout: float = 0.0,
        channels: int = 1,
    ) -> ConvNet:
        """He-normal weights (suited to ReLU), zero biases; dropout masks from a generator
        spawned from `rng`, so they neither disturb nor repeat its stream of weights."""
        params = {}
        for name, shape in param_shapes(check_widths(widths), check_channels(channels)).items():
            if len(shape) == 1:
                params[name] = np.zeros(shape, dtype)
            else:
                fan_in = int(np.prod(shape[:-1]))
                params[name] = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)
        return cls(params, dropout, rng.spawn(1)[0])

    @property
    def widths(self) -> tuple[int, int, int]:
        """(C1, C2, D): channels of the two convolutions and units of the dense layer."""
        return self.p["c1"].shape[0], self.p["c2"].shape[0], self.p["b3"].shape[0]

    @property
    def channels(self) -> int:
        """The input channels it reads, one of INPUT_CHANNELS: K1's third axis."""
        return self.p["K1"].shape[2]

    @property
    def n_classes(self) -> int:
        return self.p["b4"].shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.p["K1"].dtype

    def params(self) -> dict[str, np.ndarray]:
        return self.p

    def with_params(self, params: dict[str, np.ndarray]) -> ConvNet:
        return ConvNet(params, self.dropout, self.rng)

    def replicas(self, k: int) -> list[ConvNet]:
        """k networks sharing these parameters, for k threads of one training step to train
        at once, each drawing its dropout masks from its own generator spawned from this
        one's (this one alone when k is 1), so a seeded run gives the same weights again."""
        return [self] if k == 1 else [ConvNet(self.p, self.dropout, rng) for rng in self.rng.spawn(k)]

    def copy(self) -> ConvNet:
        return ConvNet({k: v.copy() for k, v in self.p.items()}, self.dropout, self.rng)

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        self.p = dict(params)

    def conv_pool_relu_routes(self, x: np.ndarray, k: str, c: str):
        """relu(pool(conv(x) + c)), with the bias added after pooling as in conv_pool_relu,
        the patches read, and the routes of the pooling with the ReLU's gradient folded in."""
        z, cols = conv(x, self.p[k])
        pooled = z.max(axis=0)
        h = np.maximum(pooled + self.p[c], 0)
        return h, cols, pool_routes(z, pooled, h > 0)

    def images(self, X: np.ndarray) -> np.ndarray:
        """Input rows (N, C 784), channel-major -> the images (N, 28, 28, C), channels last
        as the convolutions read them: a view, the same data (one channel: the same array
        as a reshape to (N, 28, 28, 1)). A row of another length is refused: three rows of
        784 are not one image of three channels."""
        if X.shape[-1] != self.channels * SIDE * SIDE:
            raise ValueError(
                f"this CNN reads rows of {self.channels} x {SIDE * SIDE} values, not {X.shape[-1]}"
            )
        return X.reshape(-1, self.channels, SIDE, SIDE).transpose(0, 2, 3, 1)

    def forward(self, X: np.ndarray) -> CnnActivations:
        """The training pass on rows (N, C 784): keeps what backward needs, and applies dropout."""
        x = self.images(X)  # (N, 28, 28, C)
        h1, cols1, routes1 = self.conv_pool_relu_routes(x, "K1", "c1")  # (N, 12, 12, C1)
        h2, cols2, routes2 = self.conv_pool_relu_routes(h1, "K2", "c2")  # (N, 4, 4, C2)
        h2 = h2.reshape(len(x), -1)  # (N, 16 C2)
        h3 = np.maximum(h2 @ self.p["W3"] + self.p["b3"], 0)  # (N, D)
        keep = None
        if self.dropout:
            kept = self.rng.random(h3.shape, dtype=h3.dtype) >= self.dropout
            keep = kept * h3.dtype.type(1 / (1 - self.dropout))  # (N, D)
            h3 = h3 * keep
        out = softmax(h3 @ self.p["W4"] + self.p["b4"])  # (N, 10)
        return CnnActivations(x, cols1, routes1, h1, cols2, routes2, h2, h3, keep, out)

    def backward(self, act: CnnActivations, Y: np.ndarray) -> dict[str, np.ndarray]:
        p, n = self.p, len(Y)
        c1, c2 = p["K1"].shape[-1], p["K2"].shape[-1]
        d4 = (act.out - Y) / n  # dL/dz4, (N, 10)
        d3 = (d4 @ p["W4"].T) * (act.h3 > 0)  # dL/dz3, (N, D)
        if act.keep is not None:  # h3 = relu(z3) * keep
            d3 *= act.keep
        dh2 = (d3 @ p["W3"].T).reshape(n, 4, 4, c2)  # dL/dh2
        dz2 = unpool(dh2, act.routes2)  # dL/dz2 through ReLU and pooling, (4, N, 4, 4, C2)
        dh1 = input_gradient(dz2, p["K2"], act.h1.shape)  # (N, 12, 12, C1)
        dz1 = unpool(dh1, act.routes1)  # (4, N, 12, 12, C1)
        return {
            "K1": kernel_gradient(act.cols1, dz1),
            "c1": column_sums(dz1.reshape(-1, c1)),
            "K2": kernel_gradient(act.cols2, dz2),
            "c2": column_sums(dz2.reshape(-1, c2)),
            "W3": act.h2.T @ d3,
            "b3": d3.sum(axis=0),
            "W4": act.h3.T @ d4,
            "b4": d4.sum(axis=0),
        }

    def loss(self, out: np.ndarray, Y: np.ndarray) -> float:
        return cross_entropy(out, Y)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """The forward pass alone on rows (N, C 784), without what backward needs (patches,
        pooling routes)."""
        x = self.images(np.asarray(X, dtype=self.dtype))  # (N, 28, 28, C)
        h1 = self.conv_pool_relu(x, "K1", "c1")  # (N, 12, 12, C1)
        h2 = self.conv_pool_relu(h1, "K2", "c2")  # (N, 4, 4, C2)
        return self.dense(h2)[1]

    def answer(self, X: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """For rows (N, C 784): probabilities (N, 10), exactly predict_proba's, and the layers
        of the same forward pass for the network page: each convolution's feature maps, one
        per filter, after its bias and ReLU and before pooling ("conv1" (N, C1, 24, 24), "conv2" (N, C2, 8, 8)), the
        dense layer ("dense" (N, D)) and the output ("output" (N, 10), the probabilities)."""
        x = self.images(np.asarray(X, dtype=self.dtype))  # (N, 28, 28, C)
        maps1, h1 = self.feature_maps(x, "K1", "c1")  # (N, 24, 24, C1), (N, 12, 12, C1)
        maps2, h2 = self.feature_maps(h1, "K2", "c2")  # (N, 8, 8, C2), (N, 4, 4, C2)
        h3, p = self.dense(h2)
        channels_first = (0, 3, 1, 2)  # one map per filter
        layers = {"conv1": maps1.transpose(channels_first), "conv2": maps2.transpose(channels_first)}
        return p, {**layers, "dense": h3, "output": p}

    def dense(self, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The dense layers on the pooled maps h2 (N, 4, 4, C2): the units (N, D) and the
        probabilities (N, 10) at the network's temperature."""
        h3 = np.maximum(h2.reshape(len(h2), -1) @ self.p["W3"] + self.p["b3"], 0)  # (N, D)
        return h3, softmax((h3 @ self.p["W4"] + self.p["b4"]) / self.temperature)

    def feature_maps(self, x: np.ndarray, k: str, c: str) -> tuple[np.ndarray, np.ndarray]:
        """relu(conv(x) + c) in the image's own order (N, H', W', C_out), and from the same
        sums relu(pool(conv(x)) + c) (N, H'/2, W'/2, C_out), exactly as conv_pool_relu."""
        z, _ = conv(x, self.p[k])  # (4, N, H'/2, W'/2, C_out)
        return np.maximum(in_place_order(z) + self.p[c], 0), np.maximum(z.max(axis=0) + self.p[c], 0)

    def conv_pool_relu(self, x: np.ndarray, k: str, c: str) -> np.ndarray:
        """relu(pool(conv(x) + c)), with the bias added after pooling, to a quarter of the
        values: rounding is monotone, so max(z + c) is exactly max(z) + c."""
        z, _ = conv(x, self.p[k])  # (4, N, H'/2, W'/2, C_out)
        return np.maximum(z.max(axis=0) + self.p[c], 0)
