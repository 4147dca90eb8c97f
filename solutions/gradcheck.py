"""Numerical gradients: check backprop against the definition of the derivative."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4
) -> np.ndarray:
    """Central differences: ∂f/∂x_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h, x restored after."""
    grad = np.zeros_like(x, dtype=np.result_type(x.dtype, np.float32))
    for i in np.ndindex(x.shape):
        original = x[i].copy()
        x[i] = original + h
        f_plus = float(f(x))
        x[i] = original - h
        f_minus = float(f(x))
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """max over elements of |a - b| / max(1e-8, |a| + |b|)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
