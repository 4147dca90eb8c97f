"""Unit 3: loss functions and their gradients (10 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_loss_value, check_value_at
from grader.suites.probing import check_no_warnings
from grader.suites.public.test_losses import EPS, bce, softmax_cross_entropy_values


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


@pytest.mark.points(1)
def test_cross_entropy_adds_eps_inside_the_log(sub):
    y = np.array([[0.0, 0.5, 0.5], [1e-7, 0.5, 0.5 - 1e-7], [0.2, 0.3, 0.5]])
    labels = np.array([0, 0, 2])
    got = sub.losses.cross_entropy(y, labels)
    warned = bool(sub.last_warnings)
    check_value_at(
        got,
        -np.mean(np.log(y[np.arange(3), labels] + EPS)),
        "cross_entropy with label probabilities 0, 1e-7 and 0.5",
        "add EPS = 1e-7 to the probability inside the log, as the stub says",
    )
    if warned:
        check_no_warnings(sub, "cross_entropy with a label's probability 0")


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


@pytest.mark.points(1.5)
@pytest.mark.parametrize("target", ["label", "one-hot"])
def test_a_1d_input_is_a_batch_of_one(sub, target):
    z = np.array([0.5, -1.0, 2.0, 0.0])
    t = np.int64(2) if target == "label" else cf.one_hot(np.array(2), 4)
    what = f"for 1-D input and a {target} (a batch of one)"
    probs = cf.softmax(z)
    check_value_at(
        sub.losses.cross_entropy(probs, t),
        -np.log(probs[2] + EPS),
        f"cross_entropy {what}",
        "a 1-D y is one sample: N = 1, not the number of classes",
    )
    exact, shifted = softmax_cross_entropy_values(z[None, :], np.array([2]))
    check_loss_value(
        sub.losses.softmax_cross_entropy(z, t), exact, shifted, f"softmax_cross_entropy {what}"
    )
    check_close(
        sub.losses.softmax_cross_entropy_grad(z, t),
        probs - cf.one_hot(np.array(2), 4),
        f"softmax_cross_entropy_grad {what} (shaped like the logits)",
    )
