"""Unit 1: perceptrons and logic gates (10 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import fail
from grader.suites.public.test_gates import train_and_check


@pytest.mark.points(1)
def test_train_perceptron_is_reproducible(sub):
    first = train_and_check(sub, "OR", seed=3)
    second = train_and_check(sub, "OR", seed=3)
    if not (np.array_equal(first[0], second[0]) and first[1] == second[1]):
        fail("train_perceptron with the same seed must give the same w and b")
