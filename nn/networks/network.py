"""A fully connected 784-250-10 network with a sigmoid hidden layer, in NumPy.

Batch-first: a batch X holds N images as rows of 784 pixel values in [0, 1].

Forward pass (one function serves training and a single web request):
    z1 = X @ W1 + b1      # (N, 250)
    a1 = sigmoid(z1)      # (N, 250)
    z2 = a1 @ W2 + b2     # (N, 10)
    p  = softmax(z2)      # (N, 10)  recipe "softmax-xent"
    p  = sigmoid(z2)      # (N, 10)  recipe "sigmoid-mse" (the original design)

Loss, averaged over the batch (Y holds one-hot labels, (N, 10)):
    softmax-xent:  L = -1/N sum_n sum_k Y_nk log p_nk
    sigmoid-mse:   L =  1/N sum_n 1/2 sum_k (p_nk - Y_nk)^2

Backward pass (the chain rule, written out):
    d2  = (p - Y) / N                     # softmax-xent: dL/dz2, (N, 10)
    d2  = (p - Y) * p * (1 - p) / N       # sigmoid-mse:  dL/dz2, (N, 10)
    dW2 = a1.T @ d2,  db2 = sum_n d2      # (250, 10), (10,)
    d1  = (d2 @ W2.T) * a1 * (1 - a1)     # dL/dz1, (N, 250)
    dW1 = X.T @ d1,   db1 = sum_n d1      # (784, 250), (250,)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RECIPES = ("softmax-xent", "sigmoid-mse")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function; the tanh form never overflows, whatever the size of z."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row maximum keeps exp() from overflowing."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def one_hot(labels: np.ndarray, n_classes: int, dtype=np.float32) -> np.ndarray:
    """Labels (N,) of integers -> (N, n_classes) rows with a single 1."""
    out = np.zeros((len(labels), n_classes), dtype=dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


def cross_entropy(out: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy of probabilities `out` against one-hot Y; the tiny floor keeps
    log() finite when a probability underflows to 0."""
    return float(-np.sum(Y * np.log(np.maximum(out, 1e-30))) / len(Y))


class Classifier:
    """What every network here shares, given forward, backward, loss and predict_proba:
    the trainer, the evaluation and the site use only these.

    `temperature` divides the output layer's weighted sums before the softmax when answering
    (never in training): fitted after training (nn/training/calibrate.py), it makes the probabilities
    honest without changing which digit wins."""

    temperature: float = 1.0
    # Whether a training step is worth sharing among threads, each with a replica of the
    # network (nn/training/threads.py): not when it is mostly matrix products, which BLAS
    # shares already.
    parallel_steps: bool = False
    # Input channels: the ink, and for a CNN that reads it the pen's direction (cnn.INPUT_CHANNELS)
    channels: int = 1

    def gradients(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Mean loss on (X, Y) and its gradients: one forward and one backward pass."""
        act = self.forward(X)
        return self.loss(act.out, Y), self.backward(act, Y)

    def answer(self, X: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Probabilities (N, 10), and any activations worth showing (none by default)."""
        return self.predict_proba(X), {}

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable digit for each row of X."""
        return self.predict_proba(X).argmax(axis=1)

    def accuracy(self, X: np.ndarray, labels: np.ndarray, batch: int = 2000) -> float:
        hits = sum(
            int((self.predict(X[i : i + batch]) == labels[i : i + batch]).sum())
            for i in range(0, len(X), batch)
        )
        return hits / len(X)


@dataclass
class Activations:
    """What the forward pass computed for a batch; the backward pass reuses it."""

    X: np.ndarray  # (N, 784) input
    z1: np.ndarray  # (N, 250) hidden weighted sums
    a1: np.ndarray  # (N, 250) hidden activations
    z2: np.ndarray  # (N, 10) output weighted sums
    out: np.ndarray  # (N, 10) output activations (softmax or sigmoid)


class Network(Classifier):
    """Weights W1 (784, 250), b1 (250,), W2 (250, 10), b2 (10,) and the maths on them."""

    def __init__(self, W1, b1, W2, b2, recipe: str = "softmax-xent"):
        if recipe not in RECIPES:
            raise ValueError(f"unknown recipe {recipe!r}; expected one of {RECIPES}")
        self.W1, self.b1, self.W2, self.b2 = W1, b1, W2, b2
        self.recipe = recipe

    @classmethod
    def initialise(
        cls,
        rng: np.random.Generator,
        sizes: tuple[int, int, int],
        recipe: str = "softmax-xent",
        dtype=np.float32,
    ) -> Network:
        """Random weights, zero biases.

        The original recipe draws every weight uniformly from [-0.5, 0.5]. The softmax
        recipe uses Glorot-uniform limits, which keep the sigmoid out of saturation at
        the start whatever the layer sizes.
        """
        n_in, n_hidden, n_out = sizes

        def uniform(fan_in: int, fan_out: int) -> np.ndarray:
            limit = 0.5 if recipe == "sigmoid-mse" else np.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)

        return cls(
            uniform(n_in, n_hidden),
            np.zeros(n_hidden, dtype),
            uniform(n_hidden, n_out),
            np.zeros(n_out, dtype),
            recipe,
        )

    @property
    def sizes(self) -> tuple[int, int, int]:
        return (self.W1.shape[0], self.W1.shape[1], self.W2.shape[1])

    @property
    def n_classes(self) -> int:
        return self.W2.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.W1.dtype

    def params(self) -> dict[str, np.ndarray]:
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        for name in PARAM_NAMES:
            setattr(self, name, params[name])

    def with_params(self, params: dict[str, np.ndarray]) -> Network:
        """A network of the same recipe on other arrays (shared, not copied)."""
        return Network(**{name: params[name] for name in PARAM_NAMES}, recipe=self.recipe)

    def copy(self) -> Network:
        return self.with_params({k: v.copy() for k, v in self.params().items()})

    def forward(self, X: np.ndarray) -> Activations:
        z1 = X @ self.W1 + self.b1  # (N, 250)
        a1 = sigmoid(z1)  # (N, 250)
        z2 = a1 @ self.W2 + self.b2  # (N, 10)
        out = softmax(z2) if self.recipe == "softmax-xent" else sigmoid(z2)  # (N, 10)
        return Activations(X, z1, a1, z2, out)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities (N, 10) that sum to 1 per row."""
        return self.answer(X)[0]

    def answer(self, X: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Probabilities (N, 10), and the layers' activations of the same forward pass:
        "hidden" (N, 250) and "output" (N, 10), for the network page to draw."""
        act = self.forward(np.asarray(X, dtype=self.dtype).reshape(-1, self.sizes[0]))
        probabilities = self.probabilities(act)
        output = probabilities if self.recipe == "softmax-xent" else act.out  # what the page shows
        return probabilities, {"hidden": act.a1, "output": output}

    def probabilities(self, act: Activations) -> np.ndarray:
        """The output layer (N, 10) as probabilities, at the network's temperature. The
        sigmoid recipe's ten outputs are independent scores, so they are divided by their sum."""
        if self.recipe == "softmax-xent":
            return act.out if self.temperature == 1.0 else softmax(act.z2 / self.temperature)
        out = act.out
        # All ten outputs can underflow to 0 for a far-off input: never divide by 0.
        total = out.sum(axis=1, keepdims=True)
        return np.where(total > 0, out / np.maximum(total, 1e-30), 1.0 / out.shape[1])

    def loss(self, out: np.ndarray, Y: np.ndarray) -> float:
        """Mean loss over the batch of the outputs `out` against one-hot targets Y."""
        if self.recipe == "softmax-xent":
            return cross_entropy(out, Y)
        return float(0.5 * np.sum((out - Y) ** 2) / len(Y))

    def backward(self, act: Activations, Y: np.ndarray) -> dict[str, np.ndarray]:
        """Gradient of the mean loss with respect to every parameter (see module doc)."""
        n = len(Y)
        if self.recipe == "softmax-xent":
            d2 = (act.out - Y) / n  # (N, 10)
        else:
            d2 = (act.out - Y) * act.out * (1 - act.out) / n  # (N, 10)
        d1 = (d2 @ self.W2.T) * act.a1 * (1 - act.a1)  # (N, 250)
        return {
            "W1": act.X.T @ d1,  # (784, 250)
            "b1": d1.sum(axis=0),  # (250,)
            "W2": act.a1.T @ d2,  # (250, 10)
            "b2": d2.sum(axis=0),  # (10,)
        }
