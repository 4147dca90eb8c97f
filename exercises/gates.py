"""Unit 1: perceptrons and logic gates.

A perceptron weighs its inputs, adds a bias and fires (1) when the sum is above 0. With
hand-picked weights one perceptron makes AND, NAND or OR: each draws one straight line
between the inputs that give 0 and those that give 1. XOR cannot be split by one line, so it
needs two layers. Implement perceptron, then AND, NAND, OR, then XOR, then train_perceptron.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def perceptron(x: ArrayLike, w: ArrayLike, b: float) -> int:
    """Fire if the weighted sum clears the threshold: 1 if w·x + b > 0 else 0.

    Hint: the dot product of w and x plus b, compared with 0; give back a Python int.
    """
    raise NotImplementedError("1 when the weighted sum plus the bias is positive, else 0")


def AND(x1: float, x2: float) -> int:
    """AND gate: 1 only when both inputs are 1.

    Hint: call perceptron with weights w = (0.5, 0.5) and bias b = -0.7: only 0.5 + 0.5
    clears 0.7.
    """
    raise NotImplementedError("use perceptron with w = (0.5, 0.5), b = -0.7")


def NAND(x1: float, x2: float) -> int:
    """NAND gate (not AND): 0 only when both inputs are 1.

    Hint: flip the sign of every weight and of the bias of AND.
    """
    raise NotImplementedError("use perceptron with AND's weights and bias negated")


def OR(x1: float, x2: float) -> int:
    """OR gate: 1 when at least one input is 1.

    Hint: AND's weights with a bias small enough that one input alone clears it (e.g. -0.2).
    """
    raise NotImplementedError("use perceptron with w = (0.5, 0.5) and a smaller bias")


def XOR(x1: float, x2: float) -> int:
    """XOR as two layers: XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)).

    Build it from your own NAND, OR and AND (the grader checks that XOR calls your gates).

    Hint: the first layer is NAND and OR side by side; the second layer ANDs their outputs.
    """
    raise NotImplementedError("combine NAND, OR and AND")


def train_perceptron(
    X: ArrayLike, y: ArrayLike, lr: float = 0.1, epochs: int = 100, seed: int | None = None
) -> tuple[np.ndarray, float, bool]:
    """Rosenblatt's learning rule; returns (w, b, converged).

    Start from w = 0 (float64, one weight per column of X) and b = 0, not from random weights.
    Each epoch visit the samples in the order rng.permutation(len(X)) with
    rng = np.random.default_rng(seed); for each,
        error = t - perceptron(x, w, b);   w += lr·error·x;   b += lr·error.
    Return (w, float(b), True) as soon as an epoch makes no mistake; after `epochs` epochs
    return (w, float(b), False). On XOR it never converges: no line separates XOR.
    """
    raise NotImplementedError("loop over epochs and shuffled samples, nudging w and b by lr·error")
