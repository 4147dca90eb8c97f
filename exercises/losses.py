"""Unit 3: loss functions — one number that says how wrong the network is — and their gradients.

Implement mse and mse_grad, binary_cross_entropy and its gradient, cross_entropy, then
softmax_cross_entropy and its gradient. Losses return a float; gradients have the shape of
their first argument. Targets t for the multi-class losses are integer labels (N,) or one-hot
rows (N, C); a 1-D input is a batch of one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

EPS = 1e-7  # keeps log() away from log(0); the contract fixes this value


def mse(y: ArrayLike, t: ArrayLike) -> float:
    """Mean squared error: mean((y - t)²) over all elements."""
    raise NotImplementedError("the mean of (y - t)**2")


def mse_grad(y: ArrayLike, t: ArrayLike) -> np.ndarray:
    """∂ mse / ∂y = 2(y - t) / y.size (every element counts once in the mean)."""
    raise NotImplementedError("2 * (y - t) / y.size")


def binary_cross_entropy(p: ArrayLike, t: ArrayLike) -> float:
    """-mean(t·log p + (1 - t)·log(1 - p)), with p clipped to [EPS, 1 - EPS].

    Hint: clip first (np.clip): log(0) is -inf.
    """
    raise NotImplementedError("clip p, then -mean(t log p + (1 - t) log(1 - p))")


def binary_cross_entropy_grad(p: ArrayLike, t: ArrayLike) -> np.ndarray:
    """∂ bce / ∂p = (p - t) / (p(1 - p)) / p.size, with p clipped to [EPS, 1 - EPS] first."""
    raise NotImplementedError("clip p, then (p - t) / (p * (1 - p)) / p.size")


def cross_entropy(y: ArrayLike, t: ArrayLike) -> float:
    """-mean over the batch of log(y[n, label_n] + EPS); y holds probabilities (N, C).

    EPS = 1e-7 (the book's value) inside the log: a label with probability 0 gives -log(EPS),
    not inf.

    Hint: turn one-hot t into labels (the index of the 1); pick each row's probability of
    its label with integer-array indexing.
    """
    raise NotImplementedError("minus the mean log-probability (+ EPS) of each correct class")


def softmax_cross_entropy(logits: ArrayLike, t: ArrayLike) -> float:
    """cross-entropy of softmax(logits), computed stably: -mean log_softmax(logits)[label].

    log softmax(z) = z - max z - log Σ_j e^(z_j - max z) (log-sum-exp): never takes log(0),
    never overflows, even for logits of ±1e4.
    """
    raise NotImplementedError("log softmax by log-sum-exp; mean negative log-prob of labels")


def softmax_cross_entropy_grad(logits: ArrayLike, t: ArrayLike) -> np.ndarray:
    """∂L/∂logits = (softmax(logits) - onehot(t)) / N, in the logits' shape.

    The softmax and the log cancel so neatly that the gradient is just "prediction minus target".
    """
    raise NotImplementedError("(softmax(logits) - onehot(t)) / N")
