"""Unit 4: layers of a computation graph, forward and backward (15 points).

A backward pass is checked against the contract: the closed form of dL/dx for
L = Σ forward(...)·dout, computed by the grader. When it is wrong, central differences of the
student's own forward say whether the backward is at least consistent with it (then the forward
is what is wrong, and the message says so); either way it earns nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import (
    check_close,
    check_gradient,
    check_loss_value,
    check_value_at,
    fail,
)
from grader.suites.checks import numerical_gradient as central_differences
from grader.suites.probing import random_points, value


def pair(result, what):
    if not (isinstance(result, tuple | list) and len(result) == 2):
        fail(f"{what} must return two gradients (dx, dy)")
    return result


@pytest.mark.points(2)
def test_apple_example(sub):
    """100 per apple, 2 apples, 10% tax: 220; the gradients say what each input is worth."""
    mul_apple, mul_tax = sub.layers.MulLayer(), sub.layers.MulLayer()
    apple_price = mul_apple.forward(100.0, 2.0)
    price = mul_tax.forward(apple_price, 1.1)
    check_value_at(price, 220.0, "apple example: price of 2 apples at 100 with tax 1.1")
    d_apple_price, d_tax = pair(mul_tax.backward(1.0), "MulLayer.backward")
    d_apple, d_count = pair(mul_apple.backward(d_apple_price), "MulLayer.backward")
    hint = "a multiply node sends back dout times the OTHER input"
    check_value_at(d_apple, 2.2, "apple example: d price / d apple", hint)
    check_value_at(d_count, 110.0, "apple example: d price / d apple count", hint)
    check_value_at(d_tax, 200.0, "apple example: d price / d tax", hint)


MUL_HINT = "a multiply node sends back dout times the OTHER input"
ADD_HINT = "an add node passes dout through unchanged to both inputs"


@pytest.mark.points(2)
def test_apple_and_orange_example(sub):
    """Each node's backward is checked on its own, so a wrong one is named, not its neighbour."""
    layers = sub.layers
    mul_apple, mul_orange, mul_tax = layers.MulLayer(), layers.MulLayer(), layers.MulLayer()
    add = layers.AddLayer()
    total = add.forward(mul_apple.forward(100.0, 2.0), mul_orange.forward(150.0, 3.0))
    price = mul_tax.forward(total, 1.1)
    check_value_at(price, 715.0, "apple-and-orange example: price")
    d_total, d_tax = pair(mul_tax.backward(1.0), "MulLayer.backward")
    check_value_at(d_total, 1.1, "apple-and-orange example, tax node: d price / d total", MUL_HINT)
    check_value_at(d_tax, 650.0, "apple-and-orange example, tax node: d price / d tax", MUL_HINT)
    d_apples, d_oranges = pair(add.backward(1.1), "AddLayer.backward")
    check_value_at(
        d_apples, 1.1, "apple-and-orange example, add node: d price / d apples", ADD_HINT
    )
    check_value_at(
        d_oranges, 1.1, "apple-and-orange example, add node: d price / d oranges", ADD_HINT
    )
    d_apple, d_apple_count = pair(mul_apple.backward(1.1), "MulLayer.backward")
    d_orange, d_orange_count = pair(mul_orange.backward(1.1), "MulLayer.backward")
    for got, expected, what in [
        (d_apple, 2.2, "d price / d apple"),
        (d_apple_count, 110.0, "d price / d apple count"),
        (d_orange, 3.3, "d price / d orange"),
        (d_orange_count, 165.0, "d price / d orange count"),
    ]:
        check_value_at(got, expected, f"apple-and-orange example, fruit nodes: {what}", MUL_HINT)


def affine_case(input_shape):
    rng = np.random.default_rng(21)
    x = rng.normal(size=input_shape)
    d_in = int(np.prod(input_shape[1:]))
    W, b = rng.normal(size=(d_in, 3)), rng.normal(size=3)
    dout = rng.normal(size=(input_shape[0], 3))
    return x, W, b, dout


SHAPES = [(4, 5), (2, 2, 3)]


@pytest.mark.points(1)
@pytest.mark.parametrize("shape", SHAPES, ids=["2-D", "3-D"])
def test_affine_forward(sub, shape):
    x, W, b, _ = affine_case(shape)
    got = sub.layers.Affine(W, b).forward(x)
    check_close(got, x.reshape(shape[0], -1) @ W + b, f"Affine.forward(x) for x of shape {shape}")


def check_affine_backward(sub, shape):
    """dx, dW, db against the closed forms; the student's own forward only names the cause."""
    x, W, b, dout = affine_case(shape)
    Affine = sub.layers.Affine

    def own(which):
        def loss(xp, Wp, bp):
            return float(np.sum(value(Affine(Wp, bp).forward, "Affine.forward", xp) * dout))

        arguments = {
            "x": (lambda xp: loss(xp, W, b), x),
            "W": (lambda Wp: loss(x, Wp, b), W),
            "b": (lambda bp: loss(x, W, bp), b),
        }[which]
        return lambda: central_differences(*arguments)

    layer = Affine(W, b)
    layer.forward(x)
    dx = layer.backward(dout)
    n, flat = shape[0], x.reshape(shape[0], -1)
    check_gradient(dx, (dout @ W.T).reshape(shape), "Affine.backward: dx", own=own("x"))
    check_gradient(layer.dW, flat.T @ dout, "Affine.dW", batch_size=n, own=own("W"))
    check_gradient(layer.db, dout.sum(axis=0), "Affine.db", batch_size=n, own=own("b"))


@pytest.mark.points(2)
def test_affine_backward(sub):
    check_affine_backward(sub, (4, 5))


ACTIVATION_LAYERS = {
    "Relu": ((), "relu", [0.0]),
    "Sigmoid": ((), "sigmoid", []),
    "Tanh": ((), "tanh", []),
    "LeakyRelu": ((0.2,), None, [0.0]),
    "Activation": (None, "elu", [0.0]),
}


def make_activation_layer(sub, name):
    args = ACTIVATION_LAYERS[name][0]
    if name == "Activation":
        return sub.layers.Activation(sub.activations.elu, sub.activations.elu_grad)
    return getattr(sub.layers, name)(*args)


def expected_forward(name, x):
    if name == "LeakyRelu":
        return np.where(x > 0, x, 0.2 * x)
    return cf.ACTIVATIONS[ACTIVATION_LAYERS[name][1]][0](x)


def expected_derivative(name, x):
    if name == "LeakyRelu":
        return np.where(x > 0, 1.0, 0.2)
    return cf.ACTIVATIONS[ACTIVATION_LAYERS[name][1]][1](x)


@pytest.mark.points(2)
@pytest.mark.parametrize("name", list(ACTIVATION_LAYERS))
def test_activation_layer(sub, name):
    x = random_points((3, 4), seed=22, avoid=ACTIVATION_LAYERS[name][2])
    dout = np.random.default_rng(23).normal(size=(3, 4))
    layer = make_activation_layer(sub, name)
    check_close(layer.forward(x), expected_forward(name, x), f"{name}.forward(x)")
    dx = layer.backward(dout.copy())

    def loss(xp):
        return float(np.sum(value(make_activation_layer(sub, name).forward, name, xp) * dout))

    check_gradient(
        dx,
        dout * expected_derivative(name, x),
        f"{name}.backward(dout)",
        own=lambda: central_differences(loss, x),
        kinks=bool(ACTIVATION_LAYERS[name][2]),
    )


EPS = 1e-7  # the contract's (and the textbook's) offset inside the log
LOGITS = np.random.default_rng(24).normal(size=(4, 5)) * 2
LABELS = np.array([1, 0, 4, 2])


def target(kind):
    return LABELS if kind == "labels" else cf.one_hot(LABELS, 5)


def softmax_with_loss_values(logits, labels):
    """The exact loss and the textbook's, with EPS = 1e-7 inside the log: both are right."""
    rows = np.arange(len(labels))
    exact = -np.mean(cf.log_softmax(logits)[rows, labels])
    return exact, -np.mean(np.log(cf.softmax(logits)[rows, labels] + EPS))


def check_softmax_with_loss(sub, kind):
    t = target(kind)
    layer = sub.layers.SoftmaxWithLoss()
    exact, shifted = softmax_with_loss_values(LOGITS, LABELS)
    what = f"SoftmaxWithLoss.forward(x, t) with {kind}"
    check_loss_value(layer.forward(LOGITS, t), exact, shifted, what, batch_size=4)
    check_gradient(
        layer.backward(1),
        (cf.softmax(LOGITS) - cf.one_hot(LABELS, 5)) / 4,
        f"SoftmaxWithLoss.backward() with {kind}",
        batch_size=4,
        own=lambda: central_differences(
            lambda z: value(sub.layers.SoftmaxWithLoss().forward, "SoftmaxWithLoss", z, t), LOGITS
        ),
    )


@pytest.mark.points(1)
def test_softmax_with_loss(sub):
    check_softmax_with_loss(sub, "labels")
