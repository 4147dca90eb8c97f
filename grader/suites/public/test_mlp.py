"""Unit 6: weight initialisation and the multilayer perceptron (15 points).

MLP gradients are checked against the contract: backprop through the grader's own forward pass
(`closed_forms.mlp_gradient`) on the student's parameters. Central differences of the student's
own `loss` (nudging one parameter at a time inside the worker) only name the cause of a failure.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import (
    NUMERIC_H,
    as_array,
    check_close,
    check_gradient,
    check_loss_value,
    check_shape,
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
    if method == "xavier" and np.isclose(std, np.sqrt(1 / FAN_IN), rtol=STD_RTOL):
        fail(
            f"{what}: that is the book's chapter-6 'Xavier', normal with std √(1 / fan_in); the "
            "course's 'xavier' is Glorot's uniform in ±√(6 / (fan_in + fan_out)) (see the stub)"
        )
    if not np.isclose(std, EXPECTED_STD[method], rtol=STD_RTOL):
        fail(f"{what}: the spread of the weights is wrong (std {std:.4g}); check the formula")
    if method == "xavier" and np.max(np.abs(W)) > np.sqrt(6 / (FAN_IN + FAN_OUT)):
        fail(f"{what}: Xavier weights are uniform within ±√(6 / (fan_in + fan_out))")
    if method != "xavier" and np.max(np.abs(W)) < 3.5 * std:
        fail(f"{what}: the weights must be drawn from a normal distribution")
    if np.array_equal(W, weights(sub, method, seed=1)):
        fail(f"{what}: draw the weights from the rng you are given")


SIZES = [4, 5, 3]
X = np.random.default_rng(40).normal(size=(6, 4))
T = np.array([0, 2, 1, 1, 0, 0])  # unbalanced: at W = 0 the b gradient is not 0


def forward(params, x, activation):
    """The grader's own forward pass through Affine → activation → ... → Affine."""
    return cf.mlp_forward(params, x, activation)


def expected_keys(sizes):
    return {f"{p}{i}" for i in range(1, len(sizes)) for p in "Wb"}


def fetch_params(model, sizes=None):
    """model.params as float64 arrays; with `sizes`, it must hold exactly W1, b1, ... of them."""
    params = model.params
    if not isinstance(params, dict):
        fail("MLP.params must be a dict of arrays W1, b1, ...")
    if sizes is not None and set(params) != expected_keys(sizes):
        fail(
            f"MLP({list(sizes)}).params must have keys {sorted(expected_keys(sizes))}; "
            f"got {sorted(params)}"
        )
    fetched = {
        key: as_array(value, f"params[{key!r}]").astype(np.float64) for key, value in params.items()
    }
    if sizes is not None and not all(np.std(fetched[f"W{i}"]) > 0 for i in range(1, len(sizes))):
        fail("MLP's weights are all the same (zero?): draw each W_i with init_weights from the rng")
    return fetched


@pytest.mark.points(1.5)
def test_mlp_parameters(sub):
    sizes = [6, 5, 4, 3]
    params = fetch_params(sub.mlp.MLP(sizes, seed=0), sizes)
    for i in range(1, 4):
        check_shape(params[f"W{i}"], (sizes[i - 1], sizes[i]), f"params['W{i}']")
        check_shape(params[f"b{i}"], (sizes[i],), f"params['b{i}']")
        if np.any(params[f"b{i}"] != 0):
            fail(f"params['b{i}'] must start at zero")
    if not np.array_equal(params["W1"], fetch_params(sub.mlp.MLP(sizes, seed=0))["W1"]):
        fail("MLP with the same seed must start from the same weights")


def exact_and_textbook_loss(logits):
    """The exact loss and the textbook's, with EPS = 1e-7 inside the log: both are right."""
    rows = np.arange(len(T))
    exact = -np.mean(cf.log_softmax(logits)[rows, T])
    return exact, -np.mean(np.log(cf.softmax(logits)[rows, T] + 1e-7))


@pytest.mark.points(2)
@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_mlp_predict_and_loss(sub, activation):
    model = sub.mlp.MLP(SIZES, activation=activation, seed=1)
    params = fetch_params(model, SIZES)
    logits = forward(params, X, activation)
    check_close(
        model.predict(X),
        logits,
        f"MLP(activation={activation!r}).predict(x) (logits)",
        hint="Affine → activation → ... → Affine, with no activation after the last Affine",
    )
    exact, textbook = exact_and_textbook_loss(logits)
    check_loss_value(
        model.loss(X, T), exact, textbook, "MLP.loss(x, t): softmax cross-entropy of logits"
    )


def central_differences_of_params(sub, model, key, shape):
    """∂loss/∂params[key] of the student's own loss, nudging each entry in place in the worker."""
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


@pytest.mark.points(3.5)
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_gradient(sub, activation):
    model = sub.mlp.MLP(SIZES, activation=activation, seed=2)
    grads = model.gradient(X, T)
    if not isinstance(grads, dict):
        fail("MLP.gradient(x, t) must return a dict like params")
    params = fetch_params(model, SIZES)
    expected = cf.mlp_gradient(params, X, T, activation)
    for key, param in params.items():
        if key not in grads:
            fail(f"MLP.gradient(x, t) has no entry {key!r}")
        check_gradient(
            grads[key],
            expected[key],
            f"MLP(activation={activation!r}).gradient: {key}",
            batch_size=len(X),
            own=lambda key=key, param=param: central_differences_of_params(
                sub, model, key, param.shape
            ),
        )
