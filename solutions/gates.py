"""Perceptrons and logic gates: one perceptron draws one straight line; XOR needs two layers."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def perceptron(x: ArrayLike, w: ArrayLike, b: float) -> int:
    """Fire if the weighted sum clears the threshold: 1 if w·x + b > 0 else 0."""
    return int(np.dot(np.asarray(w, dtype=np.float64), np.asarray(x, dtype=np.float64)) + b > 0)


def AND(x1: float, x2: float) -> int:
    """AND gate: w = (0.5, 0.5), b = -0.7."""
    return perceptron((x1, x2), (0.5, 0.5), -0.7)


def NAND(x1: float, x2: float) -> int:
    """NAND gate: AND with every sign flipped, w = (-0.5, -0.5), b = 0.7."""
    return perceptron((x1, x2), (-0.5, -0.5), 0.7)


def OR(x1: float, x2: float) -> int:
    """OR gate: w = (0.5, 0.5), b = -0.2."""
    return perceptron((x1, x2), (0.5, 0.5), -0.2)


def XOR(x1: float, x2: float) -> int:
    """XOR as two layers: AND(NAND(x1, x2), OR(x1, x2))."""
    return AND(NAND(x1, x2), OR(x1, x2))


def train_perceptron(
    X: ArrayLike, y: ArrayLike, lr: float = 0.1, epochs: int = 100, seed: int | None = None
) -> tuple[np.ndarray, float, bool]:
    """Rosenblatt's rule: w += lr·(t - y)·x, b += lr·(t - y); returns (w, b, converged)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = int(y[i]) - perceptron(X[i], w, b)
            if error:
                w += lr * error * X[i]
                b += lr * error
                mistakes += 1
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
