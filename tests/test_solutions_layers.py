"""solutions.layers: the worked examples, and every backward against central differences."""

from __future__ import annotations

import numpy as np
import pytest

from solutions import activations as act
from solutions import layers
from tests.helpers import (
    GRAD_ATOL,
    GRAD_RTOL,
    central_gradient,
    one_hot,
    py_sigmoid,
    random_points,
)

TRAPS = {"over": "raise", "divide": "raise", "invalid": "raise"}  # underflow to 0 is harmless


# ---- the worked examples ----------------------------------------------------------------------


def test_apple_example():
    apple, apple_num, tax = 100, 2, 1.1
    mul_apple, mul_tax = layers.MulLayer(), layers.MulLayer()
    price = mul_tax.forward(mul_apple.forward(apple, apple_num), tax)
    assert price == pytest.approx(220, rel=1e-15)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    assert dapple == pytest.approx(2.2, rel=1e-15)
    assert dapple_num == pytest.approx(110, rel=1e-15)
    assert dtax == pytest.approx(200, rel=1e-15)


def test_apple_and_orange_example():
    apple, apple_num, orange, orange_num, tax = 100, 2, 150, 3, 1.1
    mul_apple, mul_orange, add, mul_tax = (
        layers.MulLayer(),
        layers.MulLayer(),
        layers.AddLayer(),
        layers.MulLayer(),
    )
    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    price = mul_tax.forward(add.forward(apple_price, orange_price), tax)
    assert price == pytest.approx(715, rel=1e-15)
    dall, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add.backward(dall)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    for got, want in [(dapple_num, 110), (dapple, 2.2), (dorange, 3.3), (dorange_num, 165)]:
        assert got == pytest.approx(want, rel=1e-14)
    assert dtax == pytest.approx(650, rel=1e-15)


def test_mul_and_add_layers_on_arrays():
    x, y, dout = random_points((2, 3), seed=1), random_points((2, 3), seed=2), random_points((2, 3))
    mul, add = layers.MulLayer(), layers.AddLayer()
    np.testing.assert_array_equal(mul.forward(x, y), x * y)
    dx, dy = mul.backward(dout)
    np.testing.assert_array_equal(dx, dout * y)
    np.testing.assert_array_equal(dy, dout * x)
    np.testing.assert_array_equal(add.forward(x, y), x + y)
    dx, dy = add.backward(dout)
    np.testing.assert_array_equal(dx, dout)
    np.testing.assert_array_equal(dy, dout)


# ---- Affine -----------------------------------------------------------------------------------


@pytest.mark.parametrize("x_shape", [(4, 6), (4, 2, 3), (1, 6)], ids=["2d", "3d", "batch-of-1"])
def test_affine_forward_and_backward(x_shape):
    rng = np.random.default_rng(3)
    x = rng.normal(size=x_shape)
    W, b = rng.normal(size=(6, 5)), rng.normal(size=5)
    dout = rng.normal(size=(x_shape[0], 5))
    layer = layers.Affine(W, b)
    assert layer.W is W and layer.b is b
    out = layer.forward(x)
    np.testing.assert_allclose(out, x.reshape(x_shape[0], 6) @ W + b, rtol=1e-14)
    dx = layer.backward(dout)
    assert dx.shape == x_shape
    assert layer.dW.shape == W.shape and layer.db.shape == b.shape

    # Numerical gradients of the scalar L = Σ out·dout, whose gradient is exactly what backward
    # receives dout for.
    def loss(x_, W_, b_):
        return float(np.sum(layers.Affine(W_, b_).forward(x_) * dout))

    np.testing.assert_allclose(
        dx, central_gradient(lambda z: loss(z, W, b), x), rtol=GRAD_RTOL, atol=GRAD_ATOL
    )
    np.testing.assert_allclose(
        layer.dW, central_gradient(lambda z: loss(x, z, b), W), rtol=GRAD_RTOL, atol=GRAD_ATOL
    )
    np.testing.assert_allclose(
        layer.db, central_gradient(lambda z: loss(x, W, z), b), rtol=GRAD_RTOL, atol=GRAD_ATOL
    )
    # the closed forms: dx = dout Wᵀ, dW = xᵀ dout, db = Σ dout
    np.testing.assert_allclose(layer.dW, x.reshape(x_shape[0], 6).T @ dout, rtol=1e-13)
    np.testing.assert_allclose(layer.db, dout.sum(axis=0), rtol=1e-13)


def test_affine_keeps_float32():
    rng = np.random.default_rng(4)
    W = rng.normal(size=(3, 2)).astype(np.float32)
    b = np.zeros(2, dtype=np.float32)
    layer = layers.Affine(W, b)
    out = layer.forward(rng.normal(size=(4, 3)).astype(np.float32))
    assert out.dtype == np.float32
    dx = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert dx.dtype == np.float32 and layer.dW.dtype == np.float32 and layer.db.dtype == np.float32


# ---- activation layers ------------------------------------------------------------------------

LAYERS = {  # name -> (make the layer, its closed form f(v) per element, or None)
    "Relu": (layers.Relu, lambda v: max(v, 0.0)),
    "Sigmoid": (layers.Sigmoid, py_sigmoid),
    "Tanh": (layers.Tanh, np.tanh),
    "LeakyRelu": (layers.LeakyRelu, lambda v: v if v > 0 else 0.01 * v),
    "LeakyRelu(0.2)": (lambda: layers.LeakyRelu(alpha=0.2), lambda v: v if v > 0 else 0.2 * v),
    "Activation(elu)": (lambda: layers.Activation(act.elu, act.elu_grad), act.elu),
    "Activation(softplus)": (lambda: layers.Activation(act.softplus, act.softplus_grad), None),
    "Activation(sin)": (lambda: layers.Activation(np.sin, np.cos), np.sin),
}


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4)], ids=["1d", "2d", "3d"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_activation_layer_backward_matches_central_differences(name, shape):
    make, form = LAYERS[name]
    x = random_points(shape, seed=5, avoid=(0.0,))  # 0 is the kink of the ReLU family
    dout = random_points(shape, seed=6)
    layer = make()
    out = layer.forward(x)
    assert out.shape == shape
    if form is not None:
        expected = np.vectorize(lambda v: float(form(float(v))), otypes=[np.float64])(x)
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)
    dx = layer.backward(dout)
    assert dx.shape == shape
    numeric = central_gradient(lambda z: float(np.sum(make().forward(z) * dout)), x)
    np.testing.assert_allclose(dx, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_relu_family_backward_at_zero_takes_the_left_side():
    x = np.array([-1.0, 0.0, 1.0])
    relu = layers.Relu()
    np.testing.assert_array_equal(relu.forward(x), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(relu.backward(np.full(3, 5.0)), [0.0, 0.0, 5.0])
    leaky = layers.LeakyRelu(alpha=0.1)
    np.testing.assert_allclose(leaky.forward(x), [-0.1, 0.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(leaky.backward(np.full(3, 5.0)), [0.5, 0.5, 5.0], rtol=1e-15)


def test_relu_does_not_change_its_input():
    x = np.array([-1.0, 2.0, -3.0])
    layers.Relu().forward(x)
    np.testing.assert_array_equal(x, [-1.0, 2.0, -3.0])


@pytest.mark.parametrize("name", ["Relu", "Sigmoid", "Tanh", "LeakyRelu", "Activation(elu)"])
def test_activation_layers_at_extremes_and_in_float32(name):
    make = LAYERS[name][0]
    x = np.array([[-1e4, 0.5, 1e4], [3.0, -1e4, -0.5]], dtype=np.float32)
    layer = make()
    with np.errstate(**TRAPS):
        out = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    assert out.dtype == np.float32 and dx.dtype == np.float32
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))


def test_sigmoid_and_tanh_layers_reach_their_limits():
    x = np.array([-1e4, 1e4])
    with np.errstate(**TRAPS):
        np.testing.assert_array_equal(layers.Sigmoid().forward(x), [0.0, 1.0])
        np.testing.assert_array_equal(layers.Tanh().forward(x), [-1.0, 1.0])


def test_generic_activation_layer_is_dout_times_f_grad():
    x, dout = random_points((3, 4), seed=7), random_points((3, 4), seed=8)
    layer = layers.Activation(act.swish, act.swish_grad)
    np.testing.assert_array_equal(layer.forward(x), act.swish(x))
    np.testing.assert_array_equal(layer.backward(dout), dout * act.swish_grad(x))


# ---- SoftmaxWithLoss --------------------------------------------------------------------------


@pytest.mark.parametrize("one_hot_targets", [False, True], ids=["labels", "one-hot"])
def test_softmax_with_loss(one_hot_targets):
    x = random_points((5, 3), seed=9)
    labels = np.array([2, 0, 1, 1, 0])
    t = one_hot(labels, 3) if one_hot_targets else labels
    layer = layers.SoftmaxWithLoss()
    loss = layer.forward(x, t)
    s = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert float(loss) == pytest.approx(-np.mean(np.log(s[np.arange(5), labels])), rel=1e-12)
    np.testing.assert_allclose(layer.y, s, rtol=1e-13)
    np.testing.assert_array_equal(layer.t, t)
    dx = layer.backward()
    np.testing.assert_allclose(dx, (s - one_hot(labels, 3)) / 5, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(layer.backward(dout=2.0), 2 * dx, rtol=1e-15)
    numeric = central_gradient(lambda z: layers.SoftmaxWithLoss().forward(z, t), x)
    np.testing.assert_allclose(dx, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_softmax_with_loss_at_extreme_logits():
    x = np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 1e4]])
    layer = layers.SoftmaxWithLoss()
    with np.errstate(**TRAPS):
        loss = layer.forward(x, [0, 0])
        dx = layer.backward()
    assert float(loss) == pytest.approx(1e4 / 2, rel=1e-12)  # right: 0, wrong by a gap of 1e4
    np.testing.assert_allclose(dx, [[0, 0, 0], [-0.5, 0, 0.5]], atol=1e-15)


def test_softmax_with_loss_keeps_float32():
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], dtype=np.float32)
    layer = layers.SoftmaxWithLoss()
    layer.forward(x, [1, 2])
    assert layer.backward().dtype == np.float32
