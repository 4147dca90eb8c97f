"""Unit 7: optimisers that update parameters in place (10 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import check_close, fail
from grader.suites.public.test_optim import ADAM_GRADS, OPTIMIZERS, PARAMS, check_adam


def first_step(name, params, grads):
    """What one update from zero state gives: SGD and Momentum -lr·g, Adam -lr·g / |g|."""
    lr = OPTIMIZERS[name]["lr"]
    if name == "Adam":
        return params - lr * grads / (np.abs(grads) + 1e-8)
    return params - lr * grads


@pytest.mark.points(1)
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_update_changes_params_in_place(sub, name):
    params = sub.put({key: value.copy() for key, value in PARAMS.items()})
    held = sub.ref_item(params, "W")  # what a layer holds: the array object itself
    getattr(sub.optim, name)(**OPTIMIZERS[name]).update(params, ADAM_GRADS[0])
    after = np.asarray(sub.fetch(held), dtype=np.float64)
    if np.allclose(after, PARAMS["W"]):
        fail(
            f"{name}.update must change each params[key] in place, inside the array that is "
            "already there, rather than binding params[key] to a new array: the network's layers "
            "hold those very arrays"
        )
    check_close(
        after,
        first_step(name, PARAMS["W"], ADAM_GRADS[0]["W"]),
        f"{name}({OPTIMIZERS[name]}): the array params['W'] after one update",
        rtol=1e-4,
        atol=1e-5,  # the book's Adam (1e-7 on √v) is off by lr·3.2e-6/|g| ≤ 3.2e-6 here
    )


@pytest.mark.points(1)
def test_adam_first_step_is_lr_whatever_the_gradient_scale(sub):
    """The first bias-corrected step is lr·g/|g|; the book's eps (1e-7 on √v) shifts it by
    1e-7/(√(1 - β2)·|g|) ≤ 3.2e-5 relative for |g| ≥ 0.1, inside rtol 1e-4."""
    params = sub.put({"p": np.zeros(2)})
    sub.optim.Adam(lr=0.01).update(params, {"p": np.array([1e-1, -1e2])})
    check_close(
        sub.fetch(params)["p"],
        [-0.01, 0.01],
        "Adam's first step",
        hint="the first bias-corrected step is lr·g/|g| for every entry",
        rtol=1e-4,
    )


@pytest.mark.points(1.5)
def test_adam_uses_its_betas(sub):
    check_adam(sub, 0.01, 0.5, 0.9, 1e-8, [ADAM_GRADS[0], ADAM_GRADS[1], ADAM_GRADS[0]])
