"""Unit 3: loss functions and their gradients (10 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, check_dtype
from grader.suites.public.test_losses import LABELS, LOGITS, T, Y


@pytest.mark.points(0.5)
def test_gradients_follow_the_dtype_rule(sub):
    y32, t32 = Y.astype(np.float32), T.astype(np.float32)
    label = "mse_grad(y, t) for float32 y"
    check_dtype(
        check_close(sub.losses.mse_grad(y32, t32), 2 * (y32 - t32) / y32.size, label),
        np.float32,
        label,
    )
    label = "softmax_cross_entropy_grad for float32 logits"
    z32 = LOGITS.astype(np.float32)
    expected = (cf.softmax(z32.astype(np.float64)) - cf.one_hot(LABELS, 5)) / 4
    check_dtype(
        check_close(sub.losses.softmax_cross_entropy_grad(z32, LABELS), expected, label),
        np.float32,
        label,
    )
