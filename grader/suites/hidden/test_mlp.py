"""Unit 6: weight initialisation and the multilayer perceptron (15 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import (
    fail,
)
from grader.suites.public.test_mlp import SIZES, fetch_params


@pytest.mark.points(0.5)
def test_mlp_seed_controls_the_weights(sub):
    first = fetch_params(sub.mlp.MLP(SIZES, seed=6))["W1"]
    if np.array_equal(first, fetch_params(sub.mlp.MLP(SIZES, seed=7))["W1"]):
        fail("MLP with different seeds must start from different weights")
