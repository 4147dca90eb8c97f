"""Unit 6: weight initialisation and the multilayer perceptron (15 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.sandbox.proxy import StudentError
from grader.suites import closed_forms as cf
from grader.suites.checks import (
    as_array,
    check_close,
    check_dtype,
    check_gradient,
    check_loss_value,
    check_value_at,
    fail,
)
from grader.suites.public.test_mlp import (
    SIZES,
    T,
    X,
    central_differences_of_params,
    exact_and_textbook_loss,
    fetch_params,
    forward,
)


def raises_value_error(call, what: str) -> None:
    """`call()` must raise ValueError (the stub's NotImplementedError stays an error)."""
    try:
        call()
    except StudentError as exc:
        if exc.type_name == "NotImplementedError":
            raise
        if exc.type_name != "ValueError":
            fail(f"{what} must raise ValueError; got {exc.type_name}")
        return
    fail(f"{what} must raise ValueError naming the allowed choices")


@pytest.mark.points(0.5)
def test_init_weights_rejects_an_unknown_method(sub):
    rng = sub.probe("default_rng")(0)
    known = as_array(sub.mlp.init_weights(3, 2, "he", rng), "init_weights(3, 2, 'he', rng)")
    if known.shape != (3, 2) or not np.std(known) > 0:
        fail("init_weights(3, 2, 'he', rng) must draw a (3, 2) matrix of random weights")
    raises_value_error(
        lambda: sub.mlp.init_weights(3, 2, "glorious", rng), "init_weights(3, 2, 'glorious', rng)"
    )


@pytest.mark.points(0.5)
def test_mlp_rejects_an_unknown_activation(sub):
    fetch_params(sub.mlp.MLP(SIZES, activation="tanh", seed=0), SIZES)  # a known name works
    raises_value_error(
        lambda: sub.mlp.MLP(SIZES, activation="swoosh", seed=0),
        "MLP([4, 5, 3], activation='swoosh')",
    )


@pytest.mark.points(0.5)
def test_mlp_seed_controls_the_weights(sub):
    first = fetch_params(sub.mlp.MLP(SIZES, seed=6), SIZES)["W1"]
    if np.array_equal(first, fetch_params(sub.mlp.MLP(SIZES, seed=7), SIZES)["W1"]):
        fail("MLP with different seeds must start from different weights")


@pytest.mark.points(1)
def test_mlp_dtype(sub):
    model = sub.mlp.MLP(SIZES, seed=8, dtype="float32")
    params = model.params
    if not isinstance(params, dict) or not params:
        fail("MLP.params must be a dict of arrays W1, b1, ...")
    for key, value in params.items():
        check_dtype(np.asarray(value), np.float32, f"MLP(dtype='float32').params[{key!r}]")
    x32 = X.astype(np.float32)
    expected = forward(fetch_params(model, SIZES), x32.astype(np.float64), "relu")
    check_close(model.predict(x32), expected, "MLP(dtype='float32').predict(x)", rtol=1e-4)


@pytest.mark.points(1)
def test_layers_use_the_params_arrays(sub):
    model = sub.mlp.MLP(SIZES, seed=3)
    before = fetch_params(model, SIZES)
    check_close(
        model.predict(X),
        forward(before, X, "relu"),
        "predict before any change to params",
        hint="Affine → activation → ... → Affine, with no activation after the last Affine",
    )
    param = sub.ref_item(sub.ref(model, "params"), "W1")
    param[(0, 0)] = 5.0  # what an optimiser does: change params in place
    check_close(
        model.predict(X),
        forward(fetch_params(model), X, "relu"),
        "predict after params['W1'] changed in place",
        hint="the layers must hold the very arrays in params, not copies",
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["labels", "one-hot"])
def test_mlp_accuracy(sub, kind):
    model = sub.mlp.MLP(SIZES, seed=5)  # accuracy 4/6: an error rate (2/6) or 0 cannot pass
    predicted = np.argmax(forward(fetch_params(model, SIZES), X, "relu"), axis=1)
    t = T if kind == "labels" else cf.one_hot(T, 3)
    check_value_at(
        model.accuracy(X, t), float(np.mean(predicted == T)), f"MLP.accuracy with {kind}"
    )


@pytest.mark.points(0.5)
def test_mlp_numerical_gradient(sub):
    """Central differences of the student's own loss, once that loss is the contract's."""
    model = sub.mlp.MLP(SIZES, activation="sigmoid", seed=5)
    params = fetch_params(model, SIZES)
    exact, textbook = exact_and_textbook_loss(forward(params, X, "sigmoid"))
    check_loss_value(model.loss(X, T), exact, textbook, "MLP.loss(x, t)")
    got = model.numerical_gradient(X, T)
    if not isinstance(got, dict):
        fail("MLP.numerical_gradient(x, t) must return a dict like params")
    for key, param in params.items():
        numeric = central_differences_of_params(sub, model, key, param.shape)
        # the student's default h = 1e-4 is less exact than ours: O(h²) ≈ 1e-8, so 1e-5 is safe
        check_gradient(got.get(key), numeric, f"MLP.numerical_gradient: {key}", max_error=1e-5)
