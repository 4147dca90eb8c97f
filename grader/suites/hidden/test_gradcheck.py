"""Unit 5: numerical gradients and relative error (5 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import check_close, check_gradient, fail
from grader.suites.public.test_gradcheck import SHAPES


@pytest.mark.points(1)
@pytest.mark.parametrize("shape", SHAPES, ids=["1-D", "2-D", "3-D"])
def test_numerical_gradient_restores_x(sub, shape):
    x = np.random.default_rng(31).uniform(-2, 2, size=shape)
    remote_x = sub.put(x.copy())
    got = sub.gradcheck.numerical_gradient(sub.probe("sine_and_cube"), remote_x)
    check_gradient(got, np.cos(x) + x**2, f"numerical_gradient(f, x) for x of shape {shape}")
    after = np.asarray(sub.fetch(remote_x))
    if after.shape != x.shape or not np.array_equal(after, x):
        fail(
            "numerical_gradient must leave x exactly as it found it: restore each x[i] "
            "to its saved original value (x[i] + h - h is not always x[i])"
        )


@pytest.mark.points(0.5)
def test_numerical_gradient_uses_central_differences_with_h(sub):
    x, h = np.array([0.3, -1.2, 2.0]), 1e-2
    got = sub.gradcheck.numerical_gradient(sub.probe("sine_and_cube"), x, h=h)

    def f(v):
        return np.sin(v) + v**3 / 3

    central = (f(x + h) - f(x - h)) / (2 * h)  # what (f(x+h) - f(x-h)) / 2h gives for this h
    check_close(
        got,
        central,
        "numerical_gradient(f, x, h=1e-2)",
        hint="use (f(x + h) - f(x - h)) / 2h with the h you are given",
    )
