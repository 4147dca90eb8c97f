"""Unit 8: minibatches, the training loop and MNIST (15 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import fail
from grader.suites.public.test_train import run_train


@pytest.mark.points(0.5)
def test_train_is_reproducible(sub):
    first = run_train(sub, seed=3)[1].params
    second = run_train(sub, seed=3)[1].params
    if not np.array_equal(first["W"], second["W"]):
        fail("train with the same seed must give the same model")
