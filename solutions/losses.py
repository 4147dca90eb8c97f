"""Loss functions: how far the network's output is from the target, and their gradients."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .activations import _as_float, softmax

EPS = 1e-7  # keeps log() away from log(0); the contract fixes this value


def mse(y: ArrayLike, t: ArrayLike) -> float:
    """Mean squared error: mean((y - t)²) over all elements."""
    y = _as_float(y)
    return float(np.mean((y - t) ** 2))


def mse_grad(y: ArrayLike, t: ArrayLike) -> np.ndarray:
    """∂ mse / ∂y = 2(y - t) / y.size."""
    y = _as_float(y)
    return (2 * (y - np.asarray(t, dtype=y.dtype)) / y.size).astype(y.dtype)


def binary_cross_entropy(p: ArrayLike, t: ArrayLike) -> float:
    """-mean(t·log p + (1 - t)·log(1 - p)), p clipped to [EPS, 1 - EPS]."""
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    t = np.asarray(t, dtype=np.float64)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


def binary_cross_entropy_grad(p: ArrayLike, t: ArrayLike) -> np.ndarray:
    """∂ bce / ∂p = (p - t) / (p(1 - p)) / p.size, p clipped to [EPS, 1 - EPS]."""
    p = _as_float(p)
    q = np.clip(p.astype(np.float64), EPS, 1 - EPS)
    t = np.asarray(t, dtype=np.float64)
    return ((q - t) / (q * (1 - q)) / p.size).astype(p.dtype)


def _labels(t: ArrayLike, n: int) -> np.ndarray:
    """Integer class labels (n,) from labels or one-hot rows."""
    t = np.asarray(t)
    if t.ndim == 2 or (n == 1 and t.ndim == 1 and t.size > 1):
        return np.argmax(t.reshape(n, -1), axis=1)
    return t.reshape(n).astype(np.int64)


def cross_entropy(y: ArrayLike, t: ArrayLike) -> float:
    """-mean over the batch of log(y[label] + EPS); y probabilities (N, C), t labels or one-hot."""
    y = np.atleast_2d(np.asarray(y, dtype=np.float64))
    labels = _labels(t, len(y))
    return float(-np.mean(np.log(y[np.arange(len(y)), labels] + EPS)))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z) = z - max z - log Σ e^(z - max z), row by row."""
    shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax_cross_entropy(logits: ArrayLike, t: ArrayLike) -> float:
    """Cross-entropy of softmax(logits) without forming log(0): -mean log_softmax[label]."""
    z = np.atleast_2d(np.asarray(logits, dtype=np.float64))
    labels = _labels(t, len(z))
    return float(-np.mean(_log_softmax(z)[np.arange(len(z)), labels]))


def softmax_cross_entropy_grad(logits: ArrayLike, t: ArrayLike) -> np.ndarray:
    """∂L/∂logits = (softmax(logits) - onehot(t)) / N, in the logits' shape."""
    logits = _as_float(logits)
    z = np.atleast_2d(logits)
    n = len(z)
    grad = softmax(z, axis=1)
    grad[np.arange(n), _labels(t, n)] -= 1
    return (grad / n).reshape(logits.shape)
