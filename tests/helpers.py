"""Shared helpers for the tests of solutions/: an independent float64 gradient and stable maths."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

# Central differences in float64 with h = 1e-6: truncation error O(h²·f''') ≈ 1e-12 and rounding
# error O(ε·|f|/h) ≈ 1e-10 for |f| ~ 1, so a relative error of 1e-6 is far above the noise of a
# right derivative and far below the error of any wrong one.
H = 1e-6
GRAD_RTOL = 1e-6
GRAD_ATOL = 1e-9

SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
SHAPE_IDS = ["0d", "1d", "2d", "3d"]


def central_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """∂f/∂x_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h on float64 copies; x itself is untouched."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return grad


def elementwise_derivative(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """f'(x) elementwise by central differences, for an elementwise f (float64)."""
    x = np.asarray(x, dtype=np.float64)
    return (np.asarray(f(x + H), dtype=np.float64) - np.asarray(f(x - H), dtype=np.float64)) / (
        2 * H
    )


def random_points(
    shape: tuple[int, ...], seed: int = 0, avoid: tuple[float, ...] = ()
) -> np.ndarray:
    """Uniform points in [-4, 4] (float64), moved at least 0.05 away from every kink in `avoid`."""
    x = np.random.default_rng(seed).uniform(-4, 4, size=shape)
    for kink in avoid:
        x = np.where(np.abs(x - kink) < 0.05, kink + 0.1, x)
    return np.asarray(x, dtype=np.float64)


def py_sigmoid(v: float) -> float:
    """σ(v) in plain Python floats, without overflow: 1/(1+e^-v) or e^v/(1+e^v)."""
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Rows e_label, float64 (N, C)."""
    return np.eye(n_classes)[np.asarray(labels)]
