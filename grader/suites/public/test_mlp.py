"""Unit 6: weight initialisation and the multilayer perceptron (15 points).

MLP gradients are checked against central differences that the grader computes by nudging one
parameter at a time inside the worker (in place, through `params`) and calling `loss` again.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.sandbox.proxy import StudentError
from grader.suites import closed_forms as cf
from grader.suites.checks import (
    NUMERIC_H,
    as_array,
    check_close,
    check_gradient,
    check_shape,
    check_value_at,
    fail,
)

FAN_IN, FAN_OUT = 400, 300  # 120,000 weights: sample std within ~0.5% of the true one (1σ)
STD_RTOL = 0.03  # so 3% is a > 5σ margin for a right answer, and every wrong scale misses it
EXPECTED_STD = {
    "xavier": np.sqrt(6 / (FAN_IN + FAN_OUT)) / np.sqrt(3),  # std of U(-a, a) is a/√3
    "he": np.sqrt(2 / FAN_IN),
    "normal": 0.01,
}


def weights(sub, method, seed=0):
    rng = sub.probe("default_rng")(seed)
    W = as_array(sub.mlp.init_weights(FAN_IN, FAN_OUT, method, rng), "init_weights")
    check_shape(W, (FAN_IN, FAN_OUT), f"init_weights({FAN_IN}, {FAN_OUT}, {method!r}, rng)")
    return W.astype(np.float64)


@pytest.mark.points(3)
@pytest.mark.parametrize("method", list(EXPECTED_STD))
def test_init_weights_statistics(sub, method):
    W = weights(sub, method)
    what = f"init_weights(fan_in={FAN_IN}, fan_out={FAN_OUT}, {method!r})"
    std = W.std()
    if abs(W.mean()) > 5 * std / np.sqrt(W.size):
        fail(f"{what}: the weights must be centred on 0")
    if not np.isclose(std, EXPECTED_STD[method], rtol=STD_RTOL):
        fail(f"{what}: the spread of the weights is wrong (std {std:.4g}); check the formula")
    if method == "xavier" and np.max(np.abs(W)) > np.sqrt(6 / (FAN_IN + FAN_OUT)):
        fail(f"{what}: Xavier weights are uniform within ±√(6 / (fan_in + fan_out))")
    if method != "xavier" and np.max(np.abs(W)) < 3.5 * std:
        fail(f"{what}: the weights must be drawn from a normal distribution")
    if np.array_equal(W, weights(sub, method, seed=1)):
        fail(f"{what}: draw the weights from the rng you are given")


@pytest.mark.points(0.5)
def test_init_weights_rejects_an_unknown_method(sub):
    try:
        sub.mlp.init_weights(3, 2, "glorious", sub.probe("default_rng")(0))
    except StudentError as exc:
        if exc.type_name == "NotImplementedError":
            raise
        if exc.type_name != "ValueError":
            fail(f"init_weights with an unknown method must raise ValueError; got {exc.type_name}")
        return
    fail("init_weights(3, 2, 'glorious', rng) must raise ValueError naming the allowed methods")


SIZES = [4, 5, 3]
X = np.random.default_rng(40).normal(size=(6, 4))
T = np.array([0, 2, 1, 1, 0, 2])


def forward(params, x, activation):
    """The grader's own forward pass through Affine → activation → ... → Affine."""
    f = cf.ACTIVATIONS[activation][0]
    layers = len(params) // 2
    for i in range(1, layers + 1):
        x = x @ params[f"W{i}"] + params[f"b{i}"]
        if i < layers:
            x = f(x)
    return x


def fetch_params(model):
    params = model.params
    if not isinstance(params, dict):
        fail("MLP.params must be a dict of arrays W1, b1, ...")
    return {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}


@pytest.mark.points(2)
def test_mlp_parameters(sub):
    sizes = [6, 5, 4, 3]
    params = fetch_params(sub.mlp.MLP(sizes, seed=0))
    expected = {f"{p}{i}" for i in range(1, 4) for p in "Wb"}
    if set(params) != expected:
        fail(f"MLP([6, 5, 4, 3]).params must have keys {sorted(expected)}; got {sorted(params)}")
    for i in range(1, 4):
        check_shape(params[f"W{i}"], (sizes[i - 1], sizes[i]), f"params['W{i}']")
        check_shape(params[f"b{i}"], (sizes[i],), f"params['b{i}']")
        if np.any(params[f"b{i}"] != 0):
            fail(f"params['b{i}'] must start at zero")
    if not np.array_equal(params["W1"], fetch_params(sub.mlp.MLP(sizes, seed=0))["W1"]):
        fail("MLP with the same seed must start from the same weights")


@pytest.mark.points(2)
@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_mlp_predict_and_loss(sub, activation):
    model = sub.mlp.MLP(SIZES, activation=activation, seed=1)
    params = fetch_params(model)
    logits = forward(params, X, activation)
    check_close(model.predict(X), logits, f"MLP(activation={activation!r}).predict(x) (logits)")
    expected = -np.mean(cf.log_softmax(logits)[np.arange(len(T)), T])
    check_value_at(model.loss(X, T), expected, "MLP.loss(x, t): softmax cross-entropy of logits")


def central_differences_of_params(sub, model, key, shape):
    """∂loss/∂params[key] by nudging each entry in place in the worker."""
    param = sub.ref_item(sub.ref(model, "params"), key)
    original = np.asarray(model.params[key], dtype=np.float64)
    grad = np.zeros(shape)
    for index in np.ndindex(shape):
        losses = []
        for step in (NUMERIC_H, -NUMERIC_H):
            param[index] = original[index] + step
            losses.append(float(as_array(model.loss(X, T), "MLP.loss")))
        param[index] = original[index]
        grad[index] = (losses[0] - losses[1]) / (2 * NUMERIC_H)
    return grad


@pytest.mark.points(4)
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_gradient_matches_central_differences(sub, activation):
    model = sub.mlp.MLP(SIZES, activation=activation, seed=2)
    grads = model.gradient(X, T)
    if not isinstance(grads, dict):
        fail("MLP.gradient(x, t) must return a dict like params")
    for key, param in fetch_params(model).items():
        if key not in grads:
            fail(f"MLP.gradient(x, t) has no entry {key!r}")
        numeric = central_differences_of_params(sub, model, key, param.shape)
        check_gradient(
            grads[key],
            numeric,
            f"MLP(activation={activation!r}).gradient: {key}",
            batch_size=len(X),
        )


@pytest.mark.points(1)
def test_layers_use_the_params_arrays(sub):
    model = sub.mlp.MLP(SIZES, seed=3)
    param = sub.ref_item(sub.ref(model, "params"), "W1")
    param[(0, 0)] = 5.0  # what an optimiser does: change params in place
    params = fetch_params(model)
    check_close(
        model.predict(X),
        forward(params, X, "relu"),
        "predict after params['W1'] changed",
        hint="the layers must hold the very arrays in params, not copies",
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["labels", "one-hot"])
def test_mlp_accuracy(sub, kind):
    model = sub.mlp.MLP(SIZES, seed=4)
    predicted = np.argmax(forward(fetch_params(model), X, "relu"), axis=1)
    t = T if kind == "labels" else cf.one_hot(T, 3)
    check_value_at(
        model.accuracy(X, t), float(np.mean(predicted == T)), f"MLP.accuracy with {kind}"
    )


@pytest.mark.points(1)
def test_mlp_numerical_gradient(sub):
    model = sub.mlp.MLP(SIZES, activation="sigmoid", seed=5)
    got = model.numerical_gradient(X, T)
    if not isinstance(got, dict):
        fail("MLP.numerical_gradient(x, t) must return a dict like params")
    for key, param in fetch_params(model).items():
        numeric = central_differences_of_params(sub, model, key, param.shape)
        # the student's default h = 1e-4 is less exact than ours: O(h²) ≈ 1e-8, so 1e-5 is safe
        check_gradient(got.get(key), numeric, f"MLP.numerical_gradient: {key}", max_error=1e-5)
