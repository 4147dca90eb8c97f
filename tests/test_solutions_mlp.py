"""solutions.mlp: weight initialisation statistics and the MLP's forward pass, loss and backprop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solutions import mlp
from tests.helpers import central_gradient, one_hot, py_sigmoid

# ---- init_weights -----------------------------------------------------------------------------

FAN_IN, FAN_OUT = 400, 300  # 120,000 samples per matrix
N = FAN_IN * FAN_OUT
# Sampling tolerance: with n samples the standard error of the sample mean is σ/√n ≈ 0.003σ and
# that of the sample std is ≈ σ·√((κ - 1)/(4n)) ≤ 0.002σ (κ = 3 normal, 1.8 uniform). Allowing
# 2% of σ is ≥ 7 standard errors: a correct init never fails, while a wrong scale (σ off by √2,
# or fan_out for fan_in) always does.
STAT_TOL = 0.02

EXPECTED_STD = {
    "xavier": math.sqrt(6 / (FAN_IN + FAN_OUT)) / math.sqrt(3),  # uniform(±a) has std a/√3
    "he": math.sqrt(2 / FAN_IN),
    "normal": 0.01,
}


@pytest.mark.parametrize("method", list(EXPECTED_STD))
def test_init_weights_statistics(method):
    W = mlp.init_weights(FAN_IN, FAN_OUT, method, np.random.default_rng(0))
    assert W.shape == (FAN_IN, FAN_OUT) and W.dtype == np.float64
    std = EXPECTED_STD[method]
    assert abs(W.mean()) < STAT_TOL * std
    assert W.std() == pytest.approx(std, rel=STAT_TOL)


def test_xavier_is_uniform_within_its_bound():
    W = mlp.init_weights(FAN_IN, FAN_OUT, "xavier", np.random.default_rng(1))
    bound = math.sqrt(6 / (FAN_IN + FAN_OUT))
    assert np.all(np.abs(W) <= bound)
    # Uniform: the extremes come within 0.1% of the bound, and each tenth of [-a, a] holds ~10%
    # (binomial SE of a tenth ≈ 0.09%: 1% is over 10 SE).
    assert W.max() > 0.999 * bound and W.min() < -0.999 * bound
    counts, _ = np.histogram(W, bins=10, range=(-bound, bound))
    np.testing.assert_allclose(counts / N, 0.1, atol=0.01)


def test_he_is_normal_shaped():
    W = mlp.init_weights(FAN_IN, FAN_OUT, "he", np.random.default_rng(2))
    z = W / math.sqrt(2 / FAN_IN)
    # P(|z| > 1) = 0.3173 and P(|z| > 2) = 0.0455 for a normal; SE ≤ 0.0014 at this n.
    assert np.mean(np.abs(z) > 1) == pytest.approx(0.3173, abs=0.01)
    assert np.mean(np.abs(z) > 2) == pytest.approx(0.0455, abs=0.005)


def test_init_weights_uses_the_given_generator():
    a = mlp.init_weights(5, 4, "he", np.random.default_rng(7))
    b = mlp.init_weights(5, 4, "he", np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(7)
    first, second = mlp.init_weights(5, 4, "he", rng), mlp.init_weights(5, 4, "he", rng)
    np.testing.assert_array_equal(first, a)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("method", ["glorot", "", "He", "kaiming"])
def test_init_weights_rejects_unknown_methods(method):
    with pytest.raises(ValueError) as info:
        mlp.init_weights(3, 2, method, np.random.default_rng(0))
    for allowed in ("xavier", "he", "normal"):
        assert allowed in str(info.value)


# ---- MLP structure ----------------------------------------------------------------------------


def test_params_shapes_and_zero_biases():
    model = mlp.MLP([4, 5, 6, 3], seed=0)
    assert set(model.params) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    shapes = {"W1": (4, 5), "b1": (5,), "W2": (5, 6), "b2": (6,), "W3": (6, 3), "b3": (3,)}
    for key, shape in shapes.items():
        assert model.params[key].shape == shape
        assert model.params[key].dtype == np.float64
    for key in ("b1", "b2", "b3"):
        np.testing.assert_array_equal(model.params[key], 0)


def test_weight_init_option_is_used():
    model = mlp.MLP([300, 200, 10], weight_init="normal", seed=0)
    assert model.params["W1"].std() == pytest.approx(0.01, rel=STAT_TOL)
    model = mlp.MLP([300, 200, 10], weight_init="xavier", seed=0)
    assert np.abs(model.params["W1"]).max() <= math.sqrt(6 / 500)
    model = mlp.MLP([300, 200, 10], seed=0)  # default he
    assert model.params["W1"].std() == pytest.approx(math.sqrt(2 / 300), rel=STAT_TOL)


def test_seed_fixes_the_weights():
    a, b, c = mlp.MLP([4, 5, 3], seed=3), mlp.MLP([4, 5, 3], seed=3), mlp.MLP([4, 5, 3], seed=4)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def data(n=6, d=4, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, c, size=n)


def randomize_biases(model, seed=1):
    """Non-zero biases, so their gradients are checked at a general point."""
    rng = np.random.default_rng(seed)
    for key, value in model.params.items():
        if key.startswith("b"):
            value[...] = rng.normal(size=value.shape)


ELEMENTWISE = {
    "relu": lambda v: max(v, 0.0),
    "sigmoid": py_sigmoid,
    "tanh": math.tanh,
    "identity": lambda v: v,
    "softplus": lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v))),
}


@pytest.mark.parametrize("activation", list(ELEMENTWISE))
def test_predict_is_affine_activation_affine(activation):
    model = mlp.MLP([4, 5, 3], activation=activation, seed=5)
    randomize_biases(model)
    x, _ = data()
    p = model.params
    hidden = np.vectorize(ELEMENTWISE[activation], otypes=[np.float64])(x @ p["W1"] + p["b1"])
    logits = model.predict(x)
    assert logits.shape == (6, 3)
    np.testing.assert_allclose(logits, hidden @ p["W2"] + p["b2"], rtol=1e-12, atol=1e-14)


def test_predict_flattens_image_batches():
    model = mlp.MLP([6, 4, 2], seed=0)
    x = np.random.default_rng(0).normal(size=(3, 2, 3))
    np.testing.assert_allclose(model.predict(x), model.predict(x.reshape(3, 6)), rtol=1e-15)


@pytest.mark.parametrize("one_hot_targets", [False, True], ids=["labels", "one-hot"])
def test_loss_is_softmax_cross_entropy_of_the_logits(one_hot_targets):
    model = mlp.MLP([4, 5, 3], seed=6)
    x, labels = data()
    t = one_hot(labels, 3) if one_hot_targets else labels
    z = model.predict(x)
    log_s = z - z.max(axis=1, keepdims=True)
    log_s = log_s - np.log(np.exp(log_s).sum(axis=1, keepdims=True))
    assert float(model.loss(x, t)) == pytest.approx(-log_s[np.arange(6), labels].mean(), rel=1e-12)


def test_layers_use_the_params_arrays():
    model = mlp.MLP([4, 5, 3], seed=7)
    x, _ = data()
    before = model.predict(x)
    for value in model.params.values():
        value *= 0  # in place, as an optimizer does
    np.testing.assert_array_equal(model.predict(x), np.zeros((6, 3)))
    model.params["b2"] += np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(model.predict(x), np.tile([1.0, 2.0, 3.0], (6, 1)))
    assert not np.array_equal(before, model.predict(x))


# ---- backprop ---------------------------------------------------------------------------------

GRAD_ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "swish", "softplus"]
# Central differences in float64, h = 1e-6, on a loss of order 1: error ≲ 1e-9 absolute. ReLU-like
# kinks are hit only if a pre-activation lies within 1e-6 of 0: probability ~1e-6 per unit here.
RTOL, ATOL = 1e-5, 1e-8


def central_param_gradients(model, x, t):
    """∂loss/∂params by central differences, written here (not solutions.gradcheck)."""
    grads = {}
    for key, param in model.params.items():
        original = param.copy()

        def loss_at(value, param=param, original=original):
            param[...] = value
            loss = float(model.loss(x, t))
            param[...] = original
            return loss

        grads[key] = central_gradient(loss_at, original)
    return grads


@pytest.mark.parametrize("activation", GRAD_ACTIVATIONS)
def test_gradient_matches_central_differences(activation):
    model = mlp.MLP([4, 5, 3], activation=activation, seed=8)
    randomize_biases(model)
    x, t = data(seed=9)
    grads = model.gradient(x, t)
    assert set(grads) == set(model.params)
    numeric = central_param_gradients(model, x, t)
    for key, param in model.params.items():
        assert grads[key].shape == param.shape
        np.testing.assert_allclose(grads[key], numeric[key], rtol=RTOL, atol=ATOL, err_msg=key)


def test_gradient_of_a_deeper_net_with_one_hot_targets():
    model = mlp.MLP([3, 4, 4, 2], activation="tanh", seed=10)
    randomize_biases(model)
    x, labels = data(n=5, d=3, c=2, seed=11)
    t = one_hot(labels, 2)
    numeric = central_param_gradients(model, x, t)
    grads = model.gradient(x, t)
    for key in model.params:
        np.testing.assert_allclose(grads[key], numeric[key], rtol=RTOL, atol=ATOL, err_msg=key)


def test_numerical_gradient_method_agrees_with_backprop():
    model = mlp.MLP([4, 5, 3], activation="sigmoid", seed=12)
    randomize_biases(model)
    x, t = data(seed=13)
    before = {key: value.copy() for key, value in model.params.items()}
    numeric = model.numerical_gradient(x, t)
    for key, value in model.params.items():
        np.testing.assert_array_equal(value, before[key])  # params restored
    grads = model.gradient(x, t)
    # The method's own h (1e-4 by default) gives truncation error ~h² ≈ 1e-8.
    for key in model.params:
        np.testing.assert_allclose(numeric[key], grads[key], rtol=1e-5, atol=1e-7, err_msg=key)


def test_gradient_does_not_change_params():
    model = mlp.MLP([4, 5, 3], seed=14)
    before = {key: value.copy() for key, value in model.params.items()}
    x, t = data()
    model.gradient(x, t)
    for key, value in model.params.items():
        np.testing.assert_array_equal(value, before[key])


# ---- accuracy, dtype --------------------------------------------------------------------------


def test_accuracy():
    model = mlp.MLP([4, 5, 3], seed=15)
    x, _ = data(n=40, seed=16)
    predicted = np.argmax(model.predict(x), axis=1)
    labels = predicted.copy()
    labels[:10] = (labels[:10] + 1) % 3  # exactly 10 of 40 wrong
    assert model.accuracy(x, labels) == pytest.approx(0.75, abs=1e-15)
    assert model.accuracy(x, one_hot(labels, 3)) == pytest.approx(0.75, abs=1e-15)
    assert model.accuracy(x, predicted) == 1.0
    assert model.accuracy(x, (predicted + 1) % 3) == 0.0
    assert isinstance(model.accuracy(x, labels), float)


def test_float32_option():
    model = mlp.MLP([4, 5, 3], seed=17, dtype="float32")
    for value in model.params.values():
        assert value.dtype == np.float32
    x, t = data()
    x32 = x.astype(np.float32)
    assert model.predict(x32).dtype == np.float32
    grads = model.gradient(x32, t)
    for key, value in grads.items():
        assert value.dtype == np.float32, key
