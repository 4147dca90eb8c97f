"""Unit 7: optimisers that update parameters in place (10 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import check_close


@pytest.mark.points(0.5)
def test_adam_first_step_is_lr_whatever_the_gradient_scale(sub):
    params = sub.put({"p": np.zeros(2)})
    sub.optim.Adam(lr=0.01).update(params, {"p": np.array([1e-2, -1e2])})
    check_close(
        sub.fetch(params)["p"],
        [-0.01, 0.01],
        "Adam's first step",
        hint="the first bias-corrected step is lr·g/|g| for every entry",
        rtol=1e-4,
    )
