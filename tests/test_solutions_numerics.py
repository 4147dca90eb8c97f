"""The reference activations and losses: closed forms, central differences, extremes, dtypes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from solutions import activations as act
from solutions import losses

NAMES = list(cf.ACTIVATIONS)
SHAPES = [(), (7,), (3, 4), (2, 3, 4)]
H = 1e-6  # central differences in float64: truncation O(h²) ≈ 1e-12, rounding O(ε/h) ≈ 1e-10
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-8  # far above both errors, far below any real mistake


def points(shape, seed=0, avoid=()):
    x = np.random.default_rng(seed).uniform(-4, 4, size=shape)
    for kink in avoid:
        x = np.where(np.abs(x - kink) < 0.01, kink + 0.1, x)
    return np.asarray(x, dtype=np.float64)


def test_every_activation_is_in_the_table():
    assert set(act.ACTIVATIONS) == set(NAMES)
    for name, (f, f_grad) in act.ACTIVATIONS.items():
        assert f is getattr(act, name) and f_grad is getattr(act, f"{name}_grad")


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_values_match_closed_forms(name, shape):
    x = points(shape)
    f, f_grad = cf.ACTIVATIONS[name]
    np.testing.assert_allclose(act.ACTIVATIONS[name][0](x), f(x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.ACTIVATIONS[name][1](x), f_grad(x), rtol=1e-12, atol=1e-15)
    assert np.shape(act.ACTIVATIONS[name][0](x)) == shape


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_match_central_differences(name):
    f, f_grad = act.ACTIVATIONS[name]
    x = points((4, 5), seed=1, avoid=cf.KINKS.get(name, []))
    numeric = (f(x + H) - f(x - H)) / (2 * H)
    np.testing.assert_allclose(f_grad(x), numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_extremes_do_not_overflow_or_warn(name, dtype):
    x = np.array([-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4], dtype=dtype)
    f, f_grad = act.ACTIVATIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value, slope = f(x), f_grad(x)
    assert value.dtype == dtype and slope.dtype == dtype
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(slope))
    closed, closed_grad = cf.ACTIVATIONS[name]
    np.testing.assert_allclose(value, closed(x.astype(float)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(slope, closed_grad(x.astype(float)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("dtype", "expected"),
    [("float32", "float32"), ("float64", "float64"), ("int64", "float64"), ("bool", "float64")],
)
def test_dtype_rule(name, dtype, expected):
    x = np.array([[0, 1], [1, 0]]).astype(dtype)
    f, f_grad = act.ACTIVATIONS[name]
    assert f(x).dtype == expected and f_grad(x).dtype == expected


def test_named_values_and_kinks():
    assert act.sigmoid(0.0) == 0.5 and act.sigmoid_grad(0.0) == 0.25
    assert act.sigmoid(-1e4) == 0.0 and act.sigmoid(1e4) == 1.0
    assert act.softplus(1e4) == 1e4
    assert act.relu_grad(0.0) == 0 and act.leaky_relu_grad(0.0) == 0.01
    assert act.leaky_relu_grad(0.0, alpha=0.3) == 0.3
    assert act.elu_grad(0.0, alpha=2.0) == 2.0
    assert act.selu_grad(0.0) == pytest.approx(act.SELU_LAMBDA * act.SELU_ALPHA)
    assert act.piecewise_linear(-0.5) == 0.0 and act.piecewise_linear(0.5) == 1.0
    assert act.piecewise_linear_grad(0.5) == 0.0 and act.piecewise_linear_grad(-0.5) == 0.0
    assert act.piecewise_linear_grad(0.49) == 1.0
    assert np.all(act.step_grad(np.array([-1.0, 0.0, 1.0])) == 0)
    assert act.sign(0.0) == 0 and act.step(0.0) == 0
    assert (act.SELU_LAMBDA, act.SELU_ALPHA) == (1.0507009873554805, 1.6732632423543772)


def test_parametrised_activations():
    x = points((3, 4), seed=2, avoid=[0.0])
    alpha = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(act.prelu(x, alpha), np.where(x > 0, x, alpha * x))
    numeric = (act.prelu(x + H, alpha) - act.prelu(x - H, alpha)) / (2 * H)
    np.testing.assert_allclose(act.prelu_grad(x, alpha), numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)
    numeric_alpha = (act.prelu(x, alpha + H) - act.prelu(x, alpha - H)) / (2 * H)
    np.testing.assert_allclose(act.prelu_alpha_grad(x, alpha), numeric_alpha, atol=GRAD_ATOL)
    for beta in (0.5, 2.0):
        numeric = (act.swish(x + H, beta) - act.swish(x - H, beta)) / (2 * H)
        np.testing.assert_allclose(act.swish_grad(x, beta), numeric, rtol=GRAD_RTOL)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax(dtype):
    x = np.array([[1e4, 0.0, -1e4], [1.0, 2.0, 3.0], [-1e4, -1e4, -1e4]], dtype=dtype)
    s = act.softmax(x)
    assert s.dtype == dtype
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(s[0], [1, 0, 0])
    np.testing.assert_allclose(s, cf.softmax(x.astype(float)), rtol=1e-6)
    np.testing.assert_allclose(act.softmax(x, axis=0).sum(axis=0), 1.0, rtol=1e-6)
    cube = points((2, 3, 4))
    np.testing.assert_allclose(act.softmax(cube, axis=1), cf.softmax(cube, axis=1))


def test_softmax_jacobian_matches_central_differences():
    x = np.array([0.3, -1.0, 2.0, 0.5])
    numeric = np.stack(
        [(act.softmax(x + H * e) - act.softmax(x - H * e)) / (2 * H) for e in np.eye(4)], axis=1
    )
    np.testing.assert_allclose(act.softmax_jacobian(x), numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_maxout_and_its_jacobian():
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 2))
    np.testing.assert_allclose(act.maxout(x, W, b), cf.maxout(x, W, b))
    jac = act.maxout_grad(x, W, b)
    assert jac.shape == (5, 2, 3)
    for n in range(5):
        numeric = np.stack(
            [
                (act.maxout(x[n] + H * e, W, b) - act.maxout(x[n] - H * e, W, b)) / (2 * H)
                for e in np.eye(3)
            ],
            axis=1,
        )
        np.testing.assert_allclose(jac[n], numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


LOGITS = np.random.default_rng(4).normal(size=(5, 4)) * 3
LABELS = np.array([0, 3, 1, 1, 2])


def central(f, x):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = H
        grad[i] = (f(x + step) - f(x - step)) / (2 * H)
    return grad


def test_mse():
    y, t = points((3, 4), 5), points((3, 4), 6)
    assert losses.mse(y, t) == pytest.approx(np.mean((y - t) ** 2))
    np.testing.assert_allclose(
        losses.mse_grad(y, t),
        central(lambda v: losses.mse(v, t), y),
        rtol=GRAD_RTOL,
        atol=GRAD_ATOL,
    )


def test_binary_cross_entropy():
    rng = np.random.default_rng(7)
    p, t = rng.uniform(0.05, 0.95, size=(2, 6)), (rng.uniform(size=(2, 6)) > 0.5) * 1.0
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert losses.binary_cross_entropy(p, t) == pytest.approx(expected)
    numeric = central(lambda q: losses.binary_cross_entropy(q, t), p)
    np.testing.assert_allclose(losses.binary_cross_entropy_grad(p, t), numeric, rtol=1e-5)
    with np.errstate(all="raise", under="ignore"):
        assert np.isfinite(losses.binary_cross_entropy([0.0, 1.0], [1.0, 0.0]))
        assert np.all(np.isfinite(losses.binary_cross_entropy_grad([0.0, 1.0], [1.0, 0.0])))


@pytest.mark.parametrize("one_hot", [False, True])
def test_cross_entropy_and_softmax_cross_entropy(one_hot):
    t = cf.one_hot(LABELS, 4) if one_hot else LABELS
    probs = cf.softmax(LOGITS)
    rows = np.arange(5)
    assert losses.cross_entropy(probs, t) == pytest.approx(
        -np.mean(np.log(probs[rows, LABELS] + 1e-7))
    )
    expected = -np.mean(cf.log_softmax(LOGITS)[rows, LABELS])
    assert losses.softmax_cross_entropy(LOGITS, t) == pytest.approx(expected, rel=1e-12)
    numeric = central(lambda z: losses.softmax_cross_entropy(z, t), LOGITS)
    np.testing.assert_allclose(
        losses.softmax_cross_entropy_grad(LOGITS, t), numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL
    )


def test_losses_at_extreme_logits():
    logits = np.array([[1e4, 0.0, -1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert losses.softmax_cross_entropy(logits, [2]) == pytest.approx(2e4)
        assert losses.softmax_cross_entropy(logits, [0]) == 0.0
        grad = losses.softmax_cross_entropy_grad(logits, [2])
    np.testing.assert_allclose(grad, [[1.0, 0.0, -1.0]])
    one = losses.softmax_cross_entropy_grad(np.array([1.0, 2.0]), 1)  # 1-D: a batch of one
    assert one.shape == (2,)
    assert losses.softmax_cross_entropy_grad(LOGITS.astype(np.float32), LABELS).dtype == np.float32
