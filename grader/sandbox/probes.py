"""Grader-written code the suites use inside the worker, next to the student's.

PROBES are functions to differentiate (array in, float out; the suites know their exact
gradients); TOOLS are small known-good helpers (a model and an optimiser to test `train` alone,
`list` to drain a generator, `default_rng` to make a Generator). Nothing here is trusted back.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def sum_of_squares(x: np.ndarray) -> float:
    """f(x) = Σ x², gradient 2x."""
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 2))


def sine_and_cube(x: np.ndarray) -> float:
    """f(x) = Σ sin(x) + x³/3, gradient cos(x) + x²."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.sum(np.sin(x) + x**3 / 3))


def weighted_sum(x: np.ndarray) -> float:
    """f(x) = Σ_i (i + 1)·x_i over x in C order, gradient (i + 1) in x's shape."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.sum(np.arange(1, x.size + 1) * x.reshape(-1)))


PROBES: dict[str, Callable[[np.ndarray], float]] = {
    "sum_of_squares": sum_of_squares,
    "sine_and_cube": sine_and_cube,
    "weighted_sum": weighted_sum,
}


class LinearSoftmaxModel:
    """A known-good model for testing `train` alone: logits = x W + b, softmax cross-entropy."""

    def __init__(self, n_features: int, n_classes: int) -> None:
        self.params = {"W": np.zeros((n_features, n_classes)), "b": np.zeros(n_classes)}

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) @ self.params["W"] + self.params["b"]

    def _probabilities(self, x: np.ndarray) -> np.ndarray:
        z = self.predict(x)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        p = self._probabilities(x)
        return float(-np.mean(np.log(p[np.arange(len(p)), np.asarray(t)] + 1e-12)))

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        dz = self._probabilities(x)
        dz[np.arange(len(dz)), np.asarray(t)] -= 1
        dz /= len(dz)
        return {"W": x.T @ dz, "b": dz.sum(axis=0)}

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        return float(np.mean(np.argmax(self.predict(x), axis=1) == np.asarray(t)))


class CountingSGD:
    """Plain SGD that counts its updates."""

    def __init__(self, lr: float = 0.5) -> None:
        self.lr = lr
        self.updates = 0

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.updates += 1
        for key in params:
            np.subtract(params[key], self.lr * grads[key], out=params[key])


TOOLS: dict[str, Callable] = {
    "list": list,
    "default_rng": np.random.default_rng,
    "LinearSoftmaxModel": LinearSoftmaxModel,
    "CountingSGD": CountingSGD,
}

BY_NAME: dict[str, Callable] = {**PROBES, **TOOLS}  # what `sub.probe(name)` can ask for
