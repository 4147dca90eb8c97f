"""Unit 4: layers of a computation graph, forward and backward (15 points).

Backward passes are checked against central differences of L = Σ forward(...)·dout, which the
grader computes by calling the student's own forward: dL/dx is then exactly backward(dout).
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_gradient, check_value_at, fail
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


@pytest.mark.points(2)
def test_apple_and_orange_example(sub):
    layers = sub.layers
    mul_apple, mul_orange, mul_tax = layers.MulLayer(), layers.MulLayer(), layers.MulLayer()
    add = layers.AddLayer()
    total = add.forward(mul_apple.forward(100.0, 2.0), mul_orange.forward(150.0, 3.0))
    price = mul_tax.forward(total, 1.1)
    check_value_at(price, 715.0, "apple-and-orange example: price")
    d_total, d_tax = pair(mul_tax.backward(1.0), "MulLayer.backward")
    d_apples, d_oranges = pair(add.backward(d_total), "AddLayer.backward")
    d_apple, d_apple_count = pair(mul_apple.backward(d_apples), "MulLayer.backward")
    d_orange, d_orange_count = pair(mul_orange.backward(d_oranges), "MulLayer.backward")
    hint = "an add node passes dout through unchanged to both inputs"
    for got, expected, what in [
        (d_apple, 2.2, "d price / d apple"),
        (d_apple_count, 110.0, "d price / d apple count"),
        (d_orange, 3.3, "d price / d orange"),
        (d_orange_count, 165.0, "d price / d orange count"),
        (d_tax, 650.0, "d price / d tax"),
    ]:
        check_value_at(got, expected, f"apple-and-orange example: {what}", hint)


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["MulLayer", "AddLayer"])
def test_mul_and_add_layers_on_arrays(sub, name):
    rng = np.random.default_rng(20)
    x, y, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    layer = getattr(sub.layers, name)()
    expected = x * y if name == "MulLayer" else x + y
    check_close(layer.forward(x, y), expected, f"{name}.forward(x, y)")
    dx, dy = pair(layer.backward(dout), f"{name}.backward")

    def loss_x(xp):
        return float(np.sum(value(getattr(sub.layers, name)().forward, name, xp, y) * dout))

    def loss_y(yp):
        return float(np.sum(value(getattr(sub.layers, name)().forward, name, x, yp) * dout))

    check_gradient(dx, central_differences(loss_x, x), f"{name}.backward: dx")
    check_gradient(dy, central_differences(loss_y, y), f"{name}.backward: dy")


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


@pytest.mark.points(3)
@pytest.mark.parametrize("shape", SHAPES, ids=["2-D", "3-D"])
def test_affine_backward(sub, shape):
    x, W, b, dout = affine_case(shape)
    Affine = sub.layers.Affine

    def loss(xp, Wp, bp):
        return float(np.sum(value(Affine(Wp, bp).forward, "Affine.forward", xp) * dout))

    layer = Affine(W, b)
    layer.forward(x)
    dx = layer.backward(dout)
    n = shape[0]
    check_gradient(dx, central_differences(lambda xp: loss(xp, W, b), x), "Affine.backward: dx")
    check_gradient(
        layer.dW, central_differences(lambda Wp: loss(x, Wp, b), W), "Affine.dW", batch_size=n
    )
    check_gradient(
        layer.db, central_differences(lambda bp: loss(x, W, bp), b), "Affine.db", batch_size=n
    )


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


@pytest.mark.points(2.5)
@pytest.mark.parametrize("name", list(ACTIVATION_LAYERS))
def test_activation_layer(sub, name):
    x = random_points((3, 4), seed=22, avoid=ACTIVATION_LAYERS[name][2])
    dout = np.random.default_rng(23).normal(size=(3, 4))
    layer = make_activation_layer(sub, name)
    check_close(layer.forward(x), expected_forward(name, x), f"{name}.forward(x)")
    dx = layer.backward(dout)

    def loss(xp):
        return float(np.sum(value(make_activation_layer(sub, name).forward, name, xp) * dout))

    check_gradient(dx, central_differences(loss, x), f"{name}.backward(dout)")


LOGITS = np.random.default_rng(24).normal(size=(4, 5)) * 2
LABELS = np.array([1, 0, 4, 2])


def target(kind):
    return LABELS if kind == "labels" else cf.one_hot(LABELS, 5)


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["labels", "one-hot"])
def test_softmax_with_loss_forward(sub, kind):
    loss = sub.layers.SoftmaxWithLoss().forward(LOGITS, target(kind))
    expected = -np.mean(cf.log_softmax(LOGITS)[np.arange(4), LABELS])
    check_value_at(loss, expected, f"SoftmaxWithLoss.forward(x, t) with {kind}")


@pytest.mark.points(1.5)
@pytest.mark.parametrize("kind", ["labels", "one-hot"])
def test_softmax_with_loss_backward(sub, kind):
    t = target(kind)
    layer = sub.layers.SoftmaxWithLoss()
    layer.forward(LOGITS, t)
    dx = layer.backward(1)
    numeric = central_differences(
        lambda z: value(sub.layers.SoftmaxWithLoss().forward, "SoftmaxWithLoss.forward", z, t),
        LOGITS,
    )
    check_gradient(dx, numeric, f"SoftmaxWithLoss.backward() with {kind}", batch_size=4)


@pytest.mark.points(0.5)
def test_softmax_with_loss_backward_scales_by_dout(sub):
    layer = sub.layers.SoftmaxWithLoss()
    layer.forward(LOGITS, LABELS)
    expected = (cf.softmax(LOGITS) - cf.one_hot(LABELS, 5)) * 3.0 / 4
    check_close(
        layer.backward(3.0),
        expected,
        "SoftmaxWithLoss.backward(dout=3)",
        hint="multiply by the upstream gradient dout",
    )
