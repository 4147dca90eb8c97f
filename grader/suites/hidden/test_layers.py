"""Unit 4: layers of a computation graph, forward and backward (15 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_gradient, fail
from grader.suites.checks import numerical_gradient as central_differences
from grader.suites.probing import value
from grader.suites.public.test_layers import (
    LABELS,
    LOGITS,
    affine_case,
    check_affine_backward,
    check_softmax_with_loss,
    pair,
)


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["MulLayer", "AddLayer"])
def test_mul_and_add_layers_on_arrays(sub, name):
    rng = np.random.default_rng(20)
    x, y, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    layer = getattr(sub.layers, name)()
    expected = x * y if name == "MulLayer" else x + y
    check_close(layer.forward(x, y), expected, f"{name}.forward(x, y)")
    dx, dy = pair(layer.backward(dout), f"{name}.backward")

    def own(which):
        def loss(xp, yp):
            forward = getattr(sub.layers, name)().forward
            return float(np.sum(value(forward, name, xp, yp) * dout))

        if which == "x":
            return lambda: central_differences(lambda xp: loss(xp, y), x)
        return lambda: central_differences(lambda yp: loss(x, yp), y)

    multiply = name == "MulLayer"
    check_gradient(dx, dout * y if multiply else dout, f"{name}.backward: dx", own=own("x"))
    check_gradient(dy, dout * x if multiply else dout, f"{name}.backward: dy", own=own("y"))


@pytest.mark.points(1.5)
def test_affine_backward_on_images(sub):
    """x of shape (N, 2, 3) is flattened to (N, 6); dx comes back in x's shape."""
    check_affine_backward(sub, (2, 2, 3))


@pytest.mark.points(1)
def test_softmax_with_loss_one_hot(sub):
    check_softmax_with_loss(sub, "one-hot")


@pytest.mark.points(0.5)
def test_softmax_with_loss_backward_scales_by_dout(sub):
    layer = sub.layers.SoftmaxWithLoss()
    layer.forward(LOGITS, LABELS)
    unit = (cf.softmax(LOGITS) - cf.one_hot(LABELS, 5)) / 4
    got = layer.backward(3.0)
    if np.shape(got) == unit.shape and np.allclose(got, unit):
        fail(
            "SoftmaxWithLoss.backward(dout=3) ignores dout: multiply (y - onehot(t)) / N by the "
            "upstream gradient dout (the book leaves it out because its loss layer always gets 1)"
        )
    check_close(got, 3.0 * unit, "SoftmaxWithLoss.backward(dout=3)", batch_size=4)


@pytest.mark.points(1)
def test_affine_relu_affine_chain(sub):
    """Backward through Affine → Relu → Affine: each layer hands dx to the one below."""
    x, W1, b1, _ = affine_case((4, 5))
    rng = np.random.default_rng(25)
    W2, b2, dout = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 2))
    first, relu, second = sub.layers.Affine(W1, b1), sub.layers.Relu(), sub.layers.Affine(W2, b2)
    h = x @ W1 + b1
    if np.any(np.abs(h) < 1e-3):
        fail("internal: the chain's hidden values sit on ReLU's kink")  # seeded: never happens
    out = second.forward(relu.forward(first.forward(x)))
    check_close(out, np.maximum(h, 0) @ W2 + b2, "Affine → Relu → Affine forward")
    dh = (dout @ W2.T) * (h > 0)
    dx = first.backward(relu.backward(second.backward(dout)))
    check_gradient(dx, dh @ W1.T, "Affine → Relu → Affine backward: dx")
    check_gradient(first.dW, x.T @ dh, "Affine → Relu → Affine backward: the first dW")
