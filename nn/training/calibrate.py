"""Honest probabilities: one softmax temperature, fitted on held-out digits.

A network trained to low cross-entropy is usually over-confident on digits unlike its
training data. Dividing the output layer's weighted sums by a temperature T > 1 softens
every answer alike; the winning digit never changes (Guo et al. 2017, "On Calibration of
Modern Neural Networks"). T is the one that minimises the mean negative log-likelihood of
the held-out answers. It is fitted from the probabilities at T = 1: log p differs from the
weighted sums by a constant per row, which the softmax ignores.
"""

from __future__ import annotations

import numpy as np

from nn.networks.network import softmax

# What the page says of an answer, by its (calibrated) probability: at least SURE, "It's a 7";
# at least UNSURE_BELOW, "Probably a 7"; below, "Not sure: maybe 7, or 1?".
SURE = 0.90
UNSURE_BELOW = 0.60
SEARCH = (0.25, 8.0)  # temperatures tried: log-spaced, then refined around the best


def at_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """(N, K) probabilities at T = 1 -> the same answers at `temperature`."""
    return softmax(np.log(np.maximum(probs, 1e-30)) / temperature)


def mean_nll(probs: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    picked = np.maximum(probs[np.arange(len(labels)), labels], 1e-30)  # (N,)
    return float(np.average(-np.log(picked), weights=weights))


def fit_temperature(probs: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The temperature that minimises the (weighted) mean NLL of (N, K) probabilities at T = 1."""
    grid = np.geomspace(*SEARCH, 64)
    for _ in range(4):  # each pass zooms in on the best grid point's neighbours
        best = int(np.argmin([mean_nll(at_temperature(probs, t), labels, weights) for t in grid]))
        chosen = grid[best]
        grid = np.linspace(grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)], 21)
    return float(chosen)


def calibrate(network, held_out: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """Fit and set `network.temperature` on held-out {name: (network inputs, labels)}, each
    set weighing the same however many digits it has; what was fitted, for the model file."""
    network.temperature = 1.0
    probs = {name: network.predict_proba(X) for name, (X, _) in held_out.items()}
    labels = np.concatenate([y for _, y in held_out.values()])
    weights = np.concatenate([np.full(len(y), 1 / len(y)) for _, y in held_out.values()])
    stacked = np.concatenate(list(probs.values()))
    temperature = fit_temperature(stacked, labels, weights)
    network.temperature = temperature
    return {"temperature": temperature, "fitted_on": {name: len(y) for name, (_, y) in held_out.items()}}
