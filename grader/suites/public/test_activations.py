"""Unit 2: activation functions and their derivatives (20 points)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_dtype, check_gradient, check_value_at, fail
from grader.suites.probing import (
    check_no_warnings,
    elementwise_derivative,
    jacobian,
    random_points,
    value,
)

NAMES = list(cf.ACTIVATIONS)
EXTREMES = np.array([-1e4, -20.0, -1.0, 0.0, 1.0, 20.0, 1e4])
GRID = np.linspace(-3, 3, 13).reshape(1, 13) * np.array([[1.0], [0.5]])  # (2, 13), holds 0 and ±1/2


def functions(sub, name):
    module = sub.activations
    return getattr(module, name), getattr(module, f"{name}_grad")


@pytest.mark.points(5)
@pytest.mark.parametrize("name", NAMES)
def test_value_on_a_grid(sub, name):
    f, _ = functions(sub, name)
    check_close(f(GRID), cf.ACTIVATIONS[name][0](GRID), f"{name}(x) on a grid of x in [-3, 3]")


@pytest.mark.points(5)
@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_differences(sub, name):
    f, f_grad = functions(sub, name)
    x = random_points((3, 4), seed=1, avoid=cf.KINKS.get(name, []))
    numeric = elementwise_derivative(f, x, f"{name}(x)")
    check_gradient(
        f_grad(x), numeric, f"{name}_grad(x) (checked against central differences of your {name})"
    )


KINK_CASES = [
    ("relu_grad", 0.0, {}, 0.0, "the derivative at a kink takes the left side's value"),
    ("leaky_relu_grad", 0.0, {}, 0.01, "at 0 take the left side's slope, alpha"),
    ("leaky_relu_grad", -2.0, {"alpha": 0.2}, 0.2, "use the alpha you are given"),
    ("elu_grad", 0.0, {}, 1.0, "at 0 take the left side: alpha·e^0"),
    ("step_grad", 0.0, {}, 0.0, "step is flat on both sides of 0"),
    ("sign_grad", 0.0, {}, 0.0, "sign is flat on both sides of 0"),
    ("piecewise_linear_grad", 0.5, {}, 0.0, "the slope is 1 only strictly inside (-1/2, 1/2)"),
    ("piecewise_linear_grad", -0.5, {}, 0.0, "the slope is 1 only strictly inside (-1/2, 1/2)"),
    ("piecewise_linear", -0.5, {}, 0.0, "x + 1/2 at x = -1/2"),
    ("step", 0.0, {}, 0.0, "step(0) is 0: it fires only for x > 0"),
    ("sign", 0.0, {}, 0.0, "sign(0) is 0"),
    ("sigmoid_grad", 0.0, {}, 0.25, "σ'(0) = σ(0)(1 - σ(0))"),
]


@pytest.mark.points(1.5)
@pytest.mark.parametrize(("name", "x", "kwargs", "expected", "hint"), KINK_CASES)
def test_value_at_a_kink(sub, name, x, kwargs, expected, hint):
    got = getattr(sub.activations, name)(np.array([x]), **kwargs)
    args = ", ".join([f"{x:g}"] + [f"{k}={v:g}" for k, v in kwargs.items()])
    check_value_at(got, expected, f"{name}({args})", hint)


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


SHAPES = [(), (5,), (2, 3), (2, 3, 4)]
DTYPES = [("float64", "float64"), ("float32", "float32"), ("int64", "float64")]


@pytest.mark.points(1.5)
@pytest.mark.parametrize("name", NAMES)
def test_keeps_shape_and_follows_the_dtype_rule(sub, name):
    f, f_grad = functions(sub, name)
    rng = np.random.default_rng(2)
    for shape in SHAPES:
        for dtype_in, dtype_out in DTYPES:
            x = rng.uniform(-3, 3, size=shape).astype(dtype_in)
            for fn, what in ((f, name), (f_grad, f"{name}_grad")):
                label = f"{what}(x) for x of shape {shape}, dtype {dtype_in}"
                got = check_close(
                    fn(x), cf.ACTIVATIONS[name][what != name](x.astype(np.float64)), label
                )
                check_dtype(got, dtype_out, label)


PARAMETERS = {
    "leaky_relu": ({"alpha": 0.2}, lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": ({"alpha": 0.5}, lambda x: cf.elu(x, 0.5)),
    "swish": ({"beta": 2.0}, lambda x: x * cf.sigmoid(2 * x)),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", list(PARAMETERS))
def test_uses_its_parameter(sub, name):
    f, f_grad = functions(sub, name)
    kwargs, closed = PARAMETERS[name]
    label = f"{name}(x, {', '.join(f'{k}={v:g}' for k, v in kwargs.items())})"
    x = random_points((3, 4), seed=7, avoid=[0.0])
    check_close(f(x, **kwargs), closed(x), label)
    numeric = elementwise_derivative(f, x, label, **kwargs)
    check_gradient(f_grad(x, **kwargs), numeric, f"{name}_grad with {kwargs}")


@pytest.mark.points(0.5)
def test_prelu_value_and_both_derivatives(sub):
    act = sub.activations
    x = random_points((3, 4), seed=3, avoid=[0.0])
    alpha = np.array([0.1, 0.2, 0.3, 0.4])  # one learnable slope per feature
    check_close(act.prelu(x, alpha), np.where(x > 0, x, alpha * x), "prelu(x, alpha)")
    numeric = elementwise_derivative(act.prelu, x, "prelu(x, alpha)", alpha=alpha)
    check_gradient(act.prelu_grad(x, alpha), numeric, "prelu_grad(x, alpha)")
    h = 1e-6
    plus = value(act.prelu, "prelu", x, alpha + h)
    minus = value(act.prelu, "prelu", x, alpha - h)
    check_gradient(
        act.prelu_alpha_grad(x, alpha), (plus - minus) / (2 * h), "prelu_alpha_grad(x, alpha)"
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_values_and_sums(sub, axis):
    x = np.random.default_rng(4).normal(size=(3, 5)) * 3
    got = check_close(
        sub.activations.softmax(x, axis=axis), cf.softmax(x, axis), f"softmax(x, axis={axis})"
    )
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
    numeric = jacobian(sub.activations.softmax, x, "softmax(x)")
    check_gradient(sub.activations.softmax_jacobian(x), numeric, "softmax_jacobian(x)")


def maxout_case():
    rng = np.random.default_rng(5)
    return rng.normal(size=(4, 3)), rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 5))


@pytest.mark.points(0.5)
def test_maxout_value(sub):
    x, W, b = maxout_case()
    check_close(sub.activations.maxout(x, W, b), cf.maxout(x, W, b), "maxout(x, W, b)")


@pytest.mark.points(0.5)
def test_maxout_jacobian(sub):
    x, W, b = maxout_case()
    numeric = jacobian(lambda xi: sub.activations.maxout(xi, W, b), x[0], "maxout(x, W, b)")
    check_gradient(sub.activations.maxout_grad(x[0], W, b), numeric, "maxout_grad(x, W, b)")
