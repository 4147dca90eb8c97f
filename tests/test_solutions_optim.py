"""solutions.optim: one step of each optimizer by hand, updates in place, descent on a quadratic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solutions import optim

# Hand values below are a handful of float64 operations apart from the reference: 1e-12 relative.
RTOL = 1e-12


def test_sgd_step_by_hand():
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5])}
    grads = {"W": np.array([[0.5, -1.0], [0.0, 2.0]]), "b": np.array([10.0])}
    W, b = params["W"], params["b"]
    optim.SGD(lr=0.1).update(params, grads)
    assert params["W"] is W and params["b"] is b  # in place
    np.testing.assert_allclose(W, [[0.95, 2.1], [3.0, 3.8]], rtol=RTOL)
    np.testing.assert_allclose(b, [-0.5], rtol=RTOL)


def test_sgd_default_learning_rate():
    params = {"w": np.array([1.0])}
    optim.SGD().update(params, {"w": np.array([1.0])})
    np.testing.assert_allclose(params["w"], [0.99], rtol=RTOL)


def test_momentum_steps_by_hand():
    params = {"w": np.array([1.0, -1.0])}
    w = params["w"]
    opt = optim.Momentum(lr=0.1, momentum=0.9)
    opt.update(params, {"w": np.array([2.0, 0.0])})  # v = -0.2, 0 ; w = 0.8, -1
    np.testing.assert_allclose(w, [0.8, -1.0], rtol=RTOL)
    opt.update(params, {"w": np.array([1.0, 1.0])})  # v = 0.9·v - 0.1·g = -0.28, -0.1
    np.testing.assert_allclose(w, [0.52, -1.1], rtol=RTOL)
    opt.update(params, {"w": np.array([0.0, 0.0])})  # no gradient: the velocity carries on
    np.testing.assert_allclose(w, [0.52 - 0.252, -1.1 - 0.09], rtol=RTOL)
    assert params["w"] is w


def test_momentum_defaults():
    params = {"w": np.array([0.0])}
    opt = optim.Momentum()
    opt.update(params, {"w": np.array([1.0])})  # v = -0.01
    opt.update(params, {"w": np.array([1.0])})  # v = -0.009 - 0.01
    np.testing.assert_allclose(params["w"], [-0.01 - 0.019], rtol=RTOL)


def adam_by_hand(p, gradients, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """The textbook Adam on one Python float."""
    m = v = 0.0
    for t, g in enumerate(gradients, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        p -= lr * m_hat / (math.sqrt(v_hat) + eps)
    return p


def test_adam_steps_by_hand():
    gradients = [2.0, -1.0, 0.5]
    params = {"w": np.array([1.0])}
    w = params["w"]
    opt = optim.Adam(lr=0.1)
    for step, g in enumerate(gradients, start=1):
        opt.update(params, {"w": np.array([g])})
        expected = adam_by_hand(1.0, gradients[:step], lr=0.1)
        np.testing.assert_allclose(w, [expected], rtol=RTOL)
    assert params["w"] is w
    # step 1 written out: m̂ = g, v̂ = g², so w = 1 - 0.1·2 / (2 + 1e-8)
    assert adam_by_hand(1.0, [2.0], lr=0.1) == pytest.approx(1 - 0.2 / (2 + 1e-8), rel=1e-15)


def test_adam_with_other_betas():
    params = {"w": np.array([0.5])}
    opt = optim.Adam(lr=0.05, beta1=0.5, beta2=0.9, eps=1e-3)
    for g in (1.0, 3.0):
        opt.update(params, {"w": np.array([g])})
    expected = adam_by_hand(0.5, [1.0, 3.0], lr=0.05, beta1=0.5, beta2=0.9, eps=1e-3)
    np.testing.assert_allclose(params["w"], [expected], rtol=RTOL)


def test_adam_first_step_is_about_lr_whatever_the_gradient_scale():
    params = {"w": np.zeros(4)}
    g = np.array([1e-3, 5.0, -100.0, 0.0])
    optim.Adam().update(params, {"w": g})
    # -lr·g/(|g| + eps): lr·sign(g) up to eps/|g| ≤ 1e-5 relative; exactly 0 where g = 0.
    np.testing.assert_allclose(params["w"], [-0.001, -0.001, 0.001, 0.0], rtol=1e-5, atol=0)


def test_state_is_kept_per_parameter():
    params = {"a": np.array([1.0]), "b": np.array([[1.0, 1.0]])}
    opt = optim.Adam(lr=0.1)
    opt.update(params, {"a": np.array([1.0]), "b": np.array([[-4.0, 0.25]])})
    opt.update(params, {"a": np.array([1.0]), "b": np.array([[-4.0, 0.25]])})
    np.testing.assert_allclose(params["a"], [adam_by_hand(1.0, [1.0, 1.0], 0.1)], rtol=RTOL)
    np.testing.assert_allclose(
        params["b"],
        [[adam_by_hand(1.0, [-4.0, -4.0], 0.1), adam_by_hand(1.0, [0.25, 0.25], 0.1)]],
        rtol=RTOL,
    )


@pytest.mark.parametrize(
    "make", [lambda: optim.SGD(0.1), lambda: optim.Momentum(0.1), lambda: optim.Adam(0.01)]
)
def test_float32_params_stay_float32_and_in_place(make):
    params = {"W": np.ones((2, 3), dtype=np.float32)}
    W = params["W"]
    opt = make()
    for _ in range(3):
        opt.update(params, {"W": np.full((2, 3), 0.5, dtype=np.float32)})
    assert params["W"] is W and W.dtype == np.float32
    assert np.all(W < 1)


A = np.array([1.0, 4.0, 0.25])  # curvatures of f(p) = ½ Σ a_i p_i²; its gradient is a·p


@pytest.mark.parametrize(
    ("make", "steps"),
    [
        (lambda: optim.SGD(0.2), 100),
        (lambda: optim.Momentum(0.05), 200),
        (lambda: optim.Adam(0.1), 300),
    ],
    ids=["SGD", "Momentum", "Adam"],
)
def test_optimizers_descend_a_quadratic(make, steps):
    params = {"p": np.array([3.0, -2.0, 5.0])}
    opt = make()
    losses = []
    for _ in range(steps):
        losses.append(0.5 * float(np.sum(A * params["p"] ** 2)))
        opt.update(params, {"p": A * params["p"]})
    assert losses[-1] < 1e-3 * losses[0]
    assert np.all(np.abs(params["p"]) < 0.1)


def test_sgd_descends_monotonically_when_lr_is_below_2_over_curvature():
    params = {"p": np.array([3.0, -2.0, 5.0])}
    opt = optim.SGD(lr=0.2)  # 0.2 < 2/4: every coordinate shrinks by |1 - 0.2 a_i| < 1 each step
    previous = math.inf
    for _ in range(30):
        loss = 0.5 * float(np.sum(A * params["p"] ** 2))
        assert loss < previous
        previous = loss
        opt.update(params, {"p": A * params["p"]})
