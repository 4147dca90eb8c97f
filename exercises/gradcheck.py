"""Unit 5: numerical gradients — check backprop against the definition of the derivative.

The derivative is the limit of (f(x + h) - f(x - h)) / 2h; with a small h this central
difference is accurate to O(h²), slow (two calls of f per element) but hard to get wrong.
Compare it with a backprop gradient by relative_error: below ~1e-7 the backprop is right.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4
) -> np.ndarray:
    """∂f/∂x_i ≈ (f(x + h·e_i) - f(x - h·e_i)) / 2h for every element i of x (any shape).

    Hint: visit every index of x (numpy's ndindex); change that element in place, evaluate f
    twice, and put back
    the saved original value of x[i] (not x[i] - h: rounding would drift). Return an array
    shaped like x.
    """
    raise NotImplementedError("central differences, one element of x at a time, x restored")


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """max over elements of |a - b| / max(1e-8, |a| + |b|)."""
    raise NotImplementedError("the largest elementwise |a - b| / max(1e-8, |a| + |b|)")
