"""Unit 2: activation functions and their derivatives (20 points)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import as_array, check_close, check_gradient, fail
from grader.suites.probing import check_no_warnings, elementwise_derivative, jacobian, random_points

NAMES = list(cf.ACTIVATIONS)
EXTREMES = np.array([-1e4, -20.0, -1.0, 0.0, 1.0, 20.0, 1e4])
GRID = np.linspace(-3, 3, 13).reshape(1, 13) * np.array([[1.0], [0.5]])  # (2, 13), holds 0 and ±1/2


def functions(sub, name):
    module = sub.activations
    return getattr(module, name), getattr(module, f"{name}_grad")


@pytest.mark.points(4)
@pytest.mark.parametrize("name", NAMES)
def test_value_on_a_grid(sub, name):
    f, _ = functions(sub, name)
    check_close(f(GRID), cf.ACTIVATIONS[name][0](GRID), f"{name}(x) on a grid of x in [-3, 3]")


@pytest.mark.points(4)
@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("step", "sign")])
def test_derivative(sub, name):
    """f'(x) against the closed form (away from kinks); never only against the student's f.

    step' and sign' are 0 everywhere: a do-nothing zero would pass, so the kink test checks them
    next to step's and sign's values instead."""
    f, f_grad = functions(sub, name)
    x = random_points((3, 4), seed=1, avoid=cf.KINKS.get(name, []))
    check_gradient(
        f_grad(x),
        cf.ACTIVATIONS[name][1](x),
        f"{name}_grad(x)",
        own=lambda: elementwise_derivative(f, x, f"{name}(x)"),
        kinks=name in cf.KINKS,
    )


@pytest.mark.points(2.5)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_extreme_inputs_do_not_overflow(sub, name, dtype):
    f, f_grad = functions(sub, name)
    x = EXTREMES.astype(dtype)
    for fn, closed, what in ((f, 0, name), (f_grad, 1, f"{name}_grad")):
        got = fn(x)
        check_no_warnings(sub, f"{what}(x) for x in ±1e4 ({dtype})")
        expected = cf.ACTIVATIONS[name][closed](x.astype(np.float64))
        check_close(got, expected, f"{what}(x) for x in ±1e4 ({dtype})")


@pytest.mark.points(1)
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_values_and_sums(sub, axis):
    x = np.random.default_rng(4).normal(size=(3, 5)) * 3
    got = as_array(sub.activations.softmax(x, axis=axis), f"softmax(x, axis={axis})")
    whole = np.exp(x - x.max()) / np.sum(np.exp(x - x.max()))
    if got.shape == x.shape and np.allclose(got, whole):
        fail(
            f"softmax(x, axis={axis}) normalised over the whole array (it sums to 1 over all "
            f"elements): take the max and the sum along axis {axis} only, keeping that axis"
        )
    check_close(got, cf.softmax(x, axis), f"softmax(x, axis={axis})")
    if not np.allclose(got.sum(axis=axis), 1.0):
        fail(f"softmax(x, axis={axis}) must sum to 1 along axis {axis}")


@pytest.mark.points(0.5)
def test_softmax_is_stable(sub):
    x = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, 1000.0]])
    got = sub.activations.softmax(x)
    check_no_warnings(sub, "softmax of [1e4, 0, -1e4]")
    check_close(got, cf.softmax(x), "softmax of large logits", hint="subtract the row's max first")


@pytest.mark.points(0.5)
def test_softmax_jacobian(sub):
    x = np.array([0.5, -1.0, 2.0, 0.0])
    s = cf.softmax(x)
    check_gradient(
        sub.activations.softmax_jacobian(x),
        np.diag(s) - np.outer(s, s),
        "softmax_jacobian(x)",
        own=lambda: jacobian(sub.activations.softmax, x, "softmax(x)"),
    )


def maxout_case():
    rng = np.random.default_rng(5)
    return rng.normal(size=(4, 3)), rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 5))


@pytest.mark.points(0.5)
def test_maxout_value(sub):
    x, W, b = maxout_case()
    check_close(sub.activations.maxout(x, W, b), cf.maxout(x, W, b), "maxout(x, W, b)")
