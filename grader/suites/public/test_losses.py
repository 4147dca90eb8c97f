"""Unit 3: loss functions and their gradients (10 points)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_gradient, check_value_at
from grader.suites.checks import numerical_gradient as central_differences
from grader.suites.probing import check_no_warnings, value

EPS = 1e-7  # the contract's clip and log offset
RNG = np.random.default_rng(10)
Y = RNG.normal(size=(4, 3))
T = RNG.normal(size=(4, 3))
P = RNG.uniform(0.05, 0.95, size=(2, 5))
BITS = (RNG.uniform(size=(2, 5)) > 0.5) * 1.0
LOGITS = RNG.normal(size=(4, 5)) * 2
LABELS = np.array([0, 3, 4, 1])


def bce(p, t):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.mean(t * np.log(p) + (1 - t) * np.log1p(-p))


@pytest.mark.points(1)
def test_mse_value(sub):
    check_value_at(sub.losses.mse(Y, T), float(np.mean((Y - T) ** 2)), "mse(y, t) for (4, 3) y, t")


@pytest.mark.points(1)
def test_mse_grad(sub):
    numeric = central_differences(lambda y: value(sub.losses.mse, "mse", y, T), Y)
    check_gradient(sub.losses.mse_grad(Y, T), numeric, "mse_grad(y, t)", batch_size=Y.size)


@pytest.mark.points(1)
def test_binary_cross_entropy_value(sub):
    check_value_at(
        sub.losses.binary_cross_entropy(P, BITS), bce(P, BITS), "binary_cross_entropy(p, t)"
    )


@pytest.mark.points(1)
def test_binary_cross_entropy_grad(sub):
    loss = sub.losses.binary_cross_entropy
    numeric = central_differences(lambda p: value(loss, "binary_cross_entropy", p, BITS), P)
    check_gradient(
        sub.losses.binary_cross_entropy_grad(P, BITS),
        numeric,
        "binary_cross_entropy_grad(p, t)",
        batch_size=P.size,
    )


@pytest.mark.points(0.5)
def test_binary_cross_entropy_clips_certain_predictions(sub):
    p, t = np.array([0.0, 1.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0, 0.0])
    got = sub.losses.binary_cross_entropy(p, t)
    check_no_warnings(sub, "binary_cross_entropy with p = 0 and p = 1")
    check_value_at(
        got,
        bce(p, t),
        "binary_cross_entropy with p = 0 and p = 1",
        "clip p to [1e-7, 1 - 1e-7] before taking logs",
    )
    grad = sub.losses.binary_cross_entropy_grad(p, t)
    check_no_warnings(sub, "binary_cross_entropy_grad with p = 0 and p = 1")
    q = np.clip(p, EPS, 1 - EPS)
    check_close(grad, (q - t) / (q * (1 - q)) / p.size, "binary_cross_entropy_grad at p = 0, 1")


@pytest.mark.points(1.5)
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_cross_entropy(sub, target):
    probs = cf.softmax(LOGITS)
    probs[0, 2] = 0.0  # a zero probability away from the label: must not matter
    t = LABELS if target == "labels" else cf.one_hot(LABELS, 5)
    expected = -np.mean(np.log(probs[np.arange(4), LABELS] + EPS))
    check_value_at(
        sub.losses.cross_entropy(probs, t), expected, f"cross_entropy(y, t) with {target}"
    )


@pytest.mark.points(1.5)
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_softmax_cross_entropy_value(sub, target):
    t = LABELS if target == "labels" else cf.one_hot(LABELS, 5)
    expected = -np.mean(cf.log_softmax(LOGITS)[np.arange(4), LABELS])
    check_value_at(
        sub.losses.softmax_cross_entropy(LOGITS, t),
        expected,
        f"softmax_cross_entropy with {target}",
    )


@pytest.mark.points(1.5)
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_softmax_cross_entropy_grad(sub, target):
    t = LABELS if target == "labels" else cf.one_hot(LABELS, 5)
    loss = sub.losses.softmax_cross_entropy
    numeric = central_differences(lambda z: value(loss, "softmax_cross_entropy", z, t), LOGITS)
    check_gradient(
        sub.losses.softmax_cross_entropy_grad(LOGITS, t),
        numeric,
        f"softmax_cross_entropy_grad with {target}",
        batch_size=len(LOGITS),
    )


@pytest.mark.points(0.5)
def test_softmax_cross_entropy_is_stable(sub):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0]])
    t = np.array([2, 1])
    got = sub.losses.softmax_cross_entropy(logits, t)
    check_no_warnings(sub, "softmax_cross_entropy with logits of ±1e4")
    check_value_at(
        got,
        1e4,
        "softmax_cross_entropy of [[1e4, 0, -1e4], [-1e4, 1e4, 0]], t=[2, 1]",
        "use log-sum-exp: log softmax = z - max z - log Σ e^(z - max z)",
    )
    grad = sub.losses.softmax_cross_entropy_grad(logits, t)
    check_no_warnings(sub, "softmax_cross_entropy_grad with logits of ±1e4")
    check_close(
        grad, (cf.softmax(logits) - cf.one_hot(t, 3)) / 2, "softmax_cross_entropy_grad at ±1e4"
    )
