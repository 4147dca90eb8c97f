"""Unit 2: activation functions and their derivatives (20 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_dtype, check_gradient, check_value_at, fail
from grader.suites.hidden import closed_forms as hidden_cf
from grader.suites.probing import elementwise_derivative, jacobian, random_points, value
from grader.suites.public.test_activations import NAMES, functions, maxout_case

# name -> [(function, x, kwargs, expected)]: the values at each kink, with at least one value that
# is not 0 in every group, so a function returning zeros earns nothing here.
KINK_CASES = {
    "step": [("step", 0.0, {}, 0.0), ("step", 2.0, {}, 1.0), ("step_grad", 0.0, {}, 0.0)],
    "sign": [("sign", 0.0, {}, 0.0), ("sign", -2.0, {}, -1.0), ("sign_grad", 0.0, {}, 0.0)],
    "piecewise_linear": [
        ("piecewise_linear", -0.5, {}, 0.0),
        ("piecewise_linear", 0.5, {}, 1.0),
        ("piecewise_linear_grad", 0.5, {}, 0.0),
        ("piecewise_linear_grad", -0.5, {}, 0.0),
        ("piecewise_linear_grad", 0.0, {}, 1.0),
    ],
    "relu": [("relu_grad", 0.0, {}, 0.0), ("relu_grad", 1.0, {}, 1.0)],
    "leaky_relu": [
        ("leaky_relu_grad", 0.0, {}, 0.01),
        ("leaky_relu_grad", -2.0, {"alpha": 0.2}, 0.2),
    ],
    "elu": [("elu_grad", 0.0, {}, 1.0)],
    "sigmoid": [("sigmoid_grad", 0.0, {}, 0.25)],
}
HINTS = {
    "step": "the course's step(0) is 0 (it fires only for x > 0) and step' is 0 everywhere",
    "sign": "sign(0) is 0, and sign' is 0 everywhere",
    "piecewise_linear": "x + ½ clipped to [0, 1]; its slope is 1 only strictly inside (-½, ½)",
    "relu": "the derivative at a kink takes the left side's value",
    "leaky_relu": "at 0 take the left side's slope, alpha (the alpha you are given)",
    "elu": "at 0 take the left side: alpha·e^0",
    "sigmoid": "σ'(0) = σ(0)(1 - σ(0))",
}


@pytest.mark.points(2)
@pytest.mark.parametrize("group", list(KINK_CASES))
def test_value_at_a_kink(sub, group):
    for name, x, kwargs, expected in KINK_CASES[group]:
        got = getattr(sub.activations, name)(np.array([x]), **kwargs)
        args = ", ".join([f"{x:g}"] + [f"{k}={v:g}" for k, v in kwargs.items()])
        check_value_at(got, expected, f"{name}({args})", HINTS[group])


SHAPES = [(), (5,), (2, 3), (2, 3, 4)]
DTYPES = [("float64", "float64"), ("float32", "float32"), ("int64", "float64")]


def points_clear_of_kinks(shape, dtype, rng):
    """Points in [-3, 3] at least 0.1 from every kink: whole numbers ±1..3 for integer dtypes."""
    if dtype == "int64":
        return rng.choice([-3, -2, -1, 1, 2, 3], size=shape).astype(dtype)
    x = np.asarray(rng.uniform(0.1, 0.4, size=shape) * rng.choice([-1, 1], size=shape))
    return (x + rng.choice([-2.0, 0.0, 2.0], size=shape)).astype(dtype)  # never within 0.1 of 0, ±½


@pytest.mark.points(1.5)
@pytest.mark.parametrize("name", NAMES)
def test_keeps_shape_and_follows_the_dtype_rule(sub, name):
    f, f_grad = functions(sub, name)
    rng = np.random.default_rng(2)
    for shape in SHAPES:
        for dtype_in, dtype_out in DTYPES:
            x = points_clear_of_kinks(shape, dtype_in, rng)
            for fn, what in ((f, name), (f_grad, f"{name}_grad")):
                label = f"{what}(x) for x of shape {shape}, dtype {dtype_in}"
                got = check_close(
                    fn(x), cf.ACTIVATIONS[name][what != name](x.astype(np.float64)), label
                )
                check_dtype(got, dtype_out, label)


PARAMETERS = {
    "leaky_relu": (
        {"alpha": 0.2},
        lambda x: np.where(x > 0, x, 0.2 * x),
        lambda x: hidden_cf.leaky_relu_grad(x, 0.2),
    ),
    "elu": ({"alpha": 0.5}, lambda x: cf.elu(x, 0.5), lambda x: hidden_cf.elu_grad(x, 0.5)),
    "swish": ({"beta": 2.0}, lambda x: x * cf.sigmoid(2 * x), lambda x: hidden_cf.swish_grad(x, 2)),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("name", list(PARAMETERS))
def test_uses_its_parameter(sub, name):
    f, f_grad = functions(sub, name)
    kwargs, closed, closed_grad = PARAMETERS[name]
    label = f"{name}(x, {', '.join(f'{k}={v:g}' for k, v in kwargs.items())})"
    x = random_points((3, 4), seed=7, avoid=[0.0])
    check_close(f(x, **kwargs), closed(x), label)
    check_gradient(
        f_grad(x, **kwargs),
        closed_grad(x),
        f"{name}_grad with {kwargs}",
        own=lambda: elementwise_derivative(f, x, label, **kwargs),
        kinks=name != "swish",
    )


@pytest.mark.points(0.5)
def test_prelu_value_and_both_derivatives(sub):
    act = sub.activations
    x = random_points((3, 4), seed=3, avoid=[0.0])
    alpha = np.array([0.1, 0.2, 0.3, 0.4])  # one learnable slope per feature
    check_close(act.prelu(x, alpha), np.where(x > 0, x, alpha * x), "prelu(x, alpha)")
    check_gradient(
        act.prelu_grad(x, alpha),
        np.where(x > 0, 1.0, alpha * np.ones_like(x)),
        "prelu_grad(x, alpha)",
        own=lambda: elementwise_derivative(act.prelu, x, "prelu(x, alpha)", alpha=alpha),
        kinks=True,
    )
    h = 1e-6

    def own_alpha_derivative():
        plus = value(act.prelu, "prelu", x, alpha + h)
        return (plus - value(act.prelu, "prelu", x, alpha - h)) / (2 * h)

    check_gradient(
        act.prelu_alpha_grad(x, alpha),
        np.where(x > 0, 0.0, x),
        "prelu_alpha_grad(x, alpha)",
        own=own_alpha_derivative,
        kinks=True,
    )


@pytest.mark.points(0.5)
def test_maxout_jacobian(sub):
    x, W, b = maxout_case()
    check_gradient(
        sub.activations.maxout_grad(x[0], W, b),
        hidden_cf.maxout_jacobian(x[0], W, b),
        "maxout_grad(x, W, b)",
        own=lambda: jacobian(lambda xi: sub.activations.maxout(xi, W, b), x[0], "maxout"),
    )


@pytest.mark.points(1.5)
def test_activations_table(sub):
    table = sub.ref(sub.activations, "ACTIVATIONS")
    names = sub.fetch(sub.probe("list")(table))
    missing = sorted(set(NAMES) - set(names))
    if missing:
        fail(f"ACTIVATIONS is missing {', '.join(missing)}")
    x = random_points((6,), seed=6, avoid=[0.0, -0.5, 0.5])
    for name in NAMES:
        f, f_grad = table[name]
        check_close(f(x), cf.ACTIVATIONS[name][0](x), f"ACTIVATIONS[{name!r}][0]")
        check_close(f_grad(x), cf.ACTIVATIONS[name][1](x), f"ACTIVATIONS[{name!r}][1]")
