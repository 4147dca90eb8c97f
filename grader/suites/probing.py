"""Calling a student's functions from the suites: numerical derivatives and warning checks.

Every derivative here is computed in the grader, in float64, from values the student's own
forward function returns; h = 1e-6 (see grader.suites.checks for why that is accurate to ~1e-9).
They never decide a grade alone: a suite compares a student's derivative with the contract's
(a closed form) and uses these only to say whether it is at least consistent with the student's
own forward.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader.suites.checks import NUMERIC_H, as_array, fail


def value(f: Callable, what: str, *args: Any, **kwargs: Any) -> np.ndarray:
    """f(*args) as a float64 array, or a failure that says what came back."""
    return as_array(f(*args, **kwargs), what).astype(np.float64)


def elementwise_derivative(f: Callable, x: np.ndarray, what: str, **kwargs: Any) -> np.ndarray:
    """f'(x) for an elementwise f: (f(x + h) - f(x - h)) / 2h, two calls in all."""
    plus = value(f, what, x + NUMERIC_H, **kwargs)
    minus = value(f, what, x - NUMERIC_H, **kwargs)
    if plus.shape != x.shape:
        fail(f"{what} must keep the input's shape {x.shape}; got {plus.shape}")
    return (plus - minus) / (2 * NUMERIC_H)


def jacobian(f: Callable, x: np.ndarray, what: str) -> np.ndarray:
    """J[..., i] = ∂f/∂x_i by central differences, perturbing one input element at a time."""
    x = np.asarray(x, dtype=np.float64)
    columns = []
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = NUMERIC_H
        plus, minus = value(f, what, x + step), value(f, what, x - step)
        columns.append((plus - minus) / (2 * NUMERIC_H))
    return np.stack(columns, axis=-1).reshape(columns[0].shape + x.shape)


def check_no_warnings(sub: Any, what: str) -> None:
    """The last call must not have raised a RuntimeWarning (overflow, invalid value, 0-division)."""
    if sub.last_warnings:
        fail(
            f"{what} warned: {sub.last_warnings[0]} — an intermediate overflowed, divided by zero "
            "or took the log of 0; rewrite it so none does"
        )


def random_points(shape: tuple[int, ...], seed: int, avoid: list[float], scale: float = 3.0):
    """Seeded points in [-scale, scale], each at least 0.05 away from every kink in `avoid`."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-scale, scale, size=shape)
    for kink in avoid:
        near = np.abs(x - kink) < 0.05
        x[near] = kink + np.where(x[near] >= kink, 0.1, -0.1)
    return x
