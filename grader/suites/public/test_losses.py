"""Unit 3: loss functions and their gradients (10 points)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_gradient, check_loss_value, check_value_at
from grader.suites.checks import numerical_gradient as central_differences
from grader.suites.probing import value

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


def targets(kind):
    return LABELS if kind == "labels" else cf.one_hot(LABELS, 5)


def softmax_cross_entropy_values(logits, labels):
    """The exact loss and the one with EPS inside the log (cross_entropy of softmax)."""
    rows = np.arange(len(labels))
    exact = -np.mean(cf.log_softmax(logits)[rows, labels])
    return exact, -np.mean(np.log(cf.softmax(logits)[rows, labels] + EPS))


@pytest.mark.points(1)
def test_mse_value(sub):
    check_value_at(sub.losses.mse(Y, T), float(np.mean((Y - T) ** 2)), "mse(y, t) for (4, 3) y, t")


@pytest.mark.points(1)
def test_mse_grad(sub):
    check_gradient(
        sub.losses.mse_grad(Y, T),
        2 * (Y - T) / Y.size,
        "mse_grad(y, t)",
        batch_size=Y.size,
        own=lambda: central_differences(lambda y: value(sub.losses.mse, "mse", y, T), Y),
    )


@pytest.mark.points(0.5)
def test_binary_cross_entropy_value(sub):
    check_value_at(
        sub.losses.binary_cross_entropy(P, BITS),
        bce(P, BITS),
        "binary_cross_entropy(p, t)",
        batch_size=P.size,
    )


@pytest.mark.points(1)
def test_binary_cross_entropy_grad(sub):
    loss = sub.losses.binary_cross_entropy
    check_gradient(
        sub.losses.binary_cross_entropy_grad(P, BITS),
        (P - BITS) / (P * (1 - P)) / P.size,
        "binary_cross_entropy_grad(p, t)",
        batch_size=P.size,
        own=lambda: central_differences(lambda p: value(loss, "bce", p, BITS), P),
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_cross_entropy(sub, target):
    probs = cf.softmax(LOGITS)
    probs[0, 2] = 0.0  # a zero probability away from the label: must not matter
    expected = -np.mean(np.log(probs[np.arange(4), LABELS] + EPS))
    check_value_at(
        sub.losses.cross_entropy(probs, targets(target)),
        expected,
        f"cross_entropy(y, t) with {target}",
        batch_size=4,
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_softmax_cross_entropy_value(sub, target):
    exact, shifted = softmax_cross_entropy_values(LOGITS, LABELS)
    check_loss_value(
        sub.losses.softmax_cross_entropy(LOGITS, targets(target)),
        exact,
        shifted,
        f"softmax_cross_entropy with {target}",
        batch_size=4,
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("target", ["labels", "one-hot"])
def test_softmax_cross_entropy_grad(sub, target):
    t = targets(target)
    loss = sub.losses.softmax_cross_entropy
    check_gradient(
        sub.losses.softmax_cross_entropy_grad(LOGITS, t),
        (cf.softmax(LOGITS) - cf.one_hot(LABELS, 5)) / len(LOGITS),
        f"softmax_cross_entropy_grad with {target}",
        batch_size=len(LOGITS),
        own=lambda: central_differences(
            lambda z: value(loss, "softmax_cross_entropy", z, t), LOGITS
        ),
    )
