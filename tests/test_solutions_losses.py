"""solutions.losses: closed forms, gradients by central differences, clipping and extreme logits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solutions import losses
from tests.helpers import (
    GRAD_ATOL,
    GRAD_RTOL,
    SHAPE_IDS,
    SHAPES,
    central_gradient,
    one_hot,
    random_points,
)

EPS = 1e-7  # the agreed clip / log offset
TRAPS = {"over": "raise", "divide": "raise", "invalid": "raise"}  # underflow to 0 is harmless


def is_scalar_float(value) -> bool:
    """A Python float or a 0-d numpy float, as the losses promise."""
    return isinstance(value, float) or (isinstance(value, np.floating) and np.ndim(value) == 0)


# ---- mean squared error -----------------------------------------------------------------------


def test_mse_by_hand():
    assert losses.mse([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]) == pytest.approx(5 / 3, rel=1e-15)
    assert losses.mse([[0.5, 0.5], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]) == pytest.approx(0.125)
    assert losses.mse(np.zeros(4), np.zeros(4)) == 0
    assert is_scalar_float(losses.mse([1.0, 2.0], [0.0, 0.0]))
    np.testing.assert_allclose(losses.mse_grad([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), [0, 2 / 3, 4 / 3])


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_mse_gradient_matches_central_differences(shape):
    y, t = random_points(shape, seed=1), random_points(shape, seed=2)
    np.testing.assert_allclose(losses.mse(y, t), np.mean((y - t) ** 2), rtol=1e-14)
    grad = losses.mse_grad(y, t)
    assert np.shape(grad) == shape and grad.dtype == np.float64
    numeric = central_gradient(lambda z: losses.mse(z, t), y)
    np.testing.assert_allclose(grad, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_mse_dtypes_and_extremes():
    y32 = np.array([[1e4, -1e4], [0.5, 0.25]], dtype=np.float32)
    t32 = np.zeros((2, 2), dtype=np.float32)
    assert losses.mse_grad(y32, t32).dtype == np.float32
    assert losses.mse_grad([1, 2], [0, 0]).dtype == np.float64
    with np.errstate(**TRAPS):
        value = losses.mse(y32, t32)
    assert math.isfinite(value)
    assert value == pytest.approx((2e8 + 0.25 + 0.0625) / 4, rel=1e-6)


# ---- binary cross-entropy ---------------------------------------------------------------------


def bce(p, t):
    """-mean(t log p + (1 - t) log(1 - p)) in float64, no clipping (p inside (0, 1))."""
    p, t = np.asarray(p, dtype=np.float64), np.asarray(t, dtype=np.float64)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


def test_binary_cross_entropy_by_hand():
    assert losses.binary_cross_entropy([0.5], [1]) == pytest.approx(math.log(2), rel=1e-15)
    value = losses.binary_cross_entropy([0.9, 0.2], [1, 0])
    assert value == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-14)
    assert is_scalar_float(value)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_binary_cross_entropy_gradient(shape):
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, size=shape)  # away from the clip, so the loss is smooth here
    t = rng.uniform(0, 1, size=shape)  # soft targets are allowed by the formula
    assert losses.binary_cross_entropy(p, t) == pytest.approx(bce(p, t), rel=1e-13)
    grad = losses.binary_cross_entropy_grad(p, t)
    assert np.shape(grad) == shape
    np.testing.assert_allclose(grad, (p - t) / (p * (1 - p)) / p.size, rtol=1e-13)
    numeric = central_gradient(lambda q: losses.binary_cross_entropy(q, t), p)
    np.testing.assert_allclose(grad, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_binary_cross_entropy_clips_certain_predictions():
    p, t = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    with np.errstate(**TRAPS):
        value = losses.binary_cross_entropy(p, t)
        grad = losses.binary_cross_entropy_grad(p, t)
    worst, best = -math.log(EPS), -math.log(1 - EPS)
    # 1 - (1 - 1e-7) in float64 is 1e-7 only to ~1e-9 relative, hence the looser tolerance.
    assert value == pytest.approx((2 * worst + 2 * best) / 4, rel=1e-9)
    q = np.clip(p, EPS, 1 - EPS)
    np.testing.assert_allclose(grad, (q - t) / (q * (1 - q)) / 4, rtol=1e-9)
    assert np.all(np.isfinite(grad))


def test_binary_cross_entropy_grad_keeps_float32():
    p = np.array([0.2, 0.7], dtype=np.float32)
    assert losses.binary_cross_entropy_grad(p, [0, 1]).dtype == np.float32
    assert losses.binary_cross_entropy_grad([0.2, 0.7], [0, 1]).dtype == np.float64


# ---- cross-entropy on probabilities -----------------------------------------------------------


def test_cross_entropy_by_hand():
    y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    expected = -(math.log(0.7 + EPS) + math.log(0.5 + EPS)) / 2
    assert losses.cross_entropy(y, [1, 0]) == pytest.approx(expected, rel=1e-14)
    assert losses.cross_entropy(y, one_hot([1, 0], 3)) == pytest.approx(expected, rel=1e-14)
    assert is_scalar_float(losses.cross_entropy(y, [1, 0]))


def test_cross_entropy_of_one_sample_and_of_a_zero_probability():
    y = np.array([0.0, 0.6, 0.4])
    assert losses.cross_entropy(y, 2) == pytest.approx(-math.log(0.4 + EPS), rel=1e-14)
    assert losses.cross_entropy(y, [0, 0, 1]) == pytest.approx(-math.log(0.4 + EPS), rel=1e-14)
    with np.errstate(**TRAPS):
        value = losses.cross_entropy(y, 0)
    assert value == pytest.approx(-math.log(EPS), rel=1e-12)  # log(0 + 1e-7), not -inf


# ---- softmax cross-entropy on logits ----------------------------------------------------------


def reference_sce(z: np.ndarray, labels: np.ndarray) -> float:
    """mean(logsumexp(z) - z[label]) with the max shifted out, float64."""
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), labels]))


@pytest.mark.parametrize("one_hot_targets", [False, True], ids=["labels", "one-hot"])
def test_softmax_cross_entropy_and_its_gradient(one_hot_targets):
    z = random_points((5, 4), seed=4)
    labels = np.array([0, 3, 1, 1, 2])
    t = one_hot(labels, 4) if one_hot_targets else labels
    value = losses.softmax_cross_entropy(z, t)
    assert is_scalar_float(value)
    assert value == pytest.approx(reference_sce(z, labels), rel=1e-13)
    s = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert value == pytest.approx(-np.mean(np.log(s[np.arange(5), labels])), rel=1e-12)
    grad = losses.softmax_cross_entropy_grad(z, t)
    np.testing.assert_allclose(grad, (s - one_hot(labels, 4)) / 5, rtol=1e-12, atol=1e-16)
    numeric = central_gradient(lambda q: losses.softmax_cross_entropy(q, t), z)
    np.testing.assert_allclose(grad, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(grad.sum(axis=1), 0, atol=1e-16)


def test_softmax_cross_entropy_of_one_sample_keeps_its_shape():
    z = np.array([1.0, -0.5, 2.0])
    assert losses.softmax_cross_entropy(z, 1) == pytest.approx(
        reference_sce(z, np.array([1])), rel=1e-14
    )
    grad = losses.softmax_cross_entropy_grad(z, 1)
    assert grad.shape == (3,)
    numeric = central_gradient(lambda q: losses.softmax_cross_entropy(q, 1), z)
    np.testing.assert_allclose(grad, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(losses.softmax_cross_entropy_grad(z, [0, 1, 0]), grad, rtol=1e-15)


def test_softmax_cross_entropy_agrees_with_cross_entropy_of_softmax():
    z = random_points((6, 3), seed=5)
    labels = np.array([0, 1, 2, 2, 1, 0])
    s = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    # cross_entropy adds 1e-7 inside the log: the two differ by at most ~1e-7 / min s ≈ 1e-4.
    assert losses.softmax_cross_entropy(z, labels) == pytest.approx(
        losses.cross_entropy(s, labels), abs=1e-4
    )


def test_softmax_cross_entropy_at_extreme_logits():
    z = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.5], [2.0, 1.0, 0.0]])
    with np.errstate(**TRAPS):
        right = losses.softmax_cross_entropy(z[:2], [0, 1])
        wrong = losses.softmax_cross_entropy(z[:2], [2, 0])
        grad = losses.softmax_cross_entropy_grad(z, [2, 0, 0])
    assert right == pytest.approx(0.0, abs=1e-12)
    assert wrong == pytest.approx((2e4 + 1e4) / 2, rel=1e-12)  # -log_softmax = gap to the max
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad[0], [1 / 3, 0, -1 / 3], atol=1e-15)
    np.testing.assert_allclose(grad[1], [-1 / 3, 1 / 3, 0], atol=1e-15)


def test_softmax_cross_entropy_grad_dtypes():
    z32 = np.array([[1.0, 2.0], [3.0, -1.0]], dtype=np.float32)
    assert losses.softmax_cross_entropy_grad(z32, [0, 1]).dtype == np.float32
    assert losses.softmax_cross_entropy_grad([[1, 2], [3, -1]], [0, 1]).dtype == np.float64
    assert math.isfinite(losses.softmax_cross_entropy(np.float32([[1e4, -1e4]]), [1]))
