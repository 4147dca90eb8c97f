"""Unit 7: optimisers that update parameters in place (10 points)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import check_close, fail

RNG = np.random.default_rng(50)
PARAMS = {"W": RNG.normal(size=(2, 3)), "b": RNG.normal(size=3)}
GRADS = [{"W": RNG.normal(size=(2, 3)), "b": RNG.normal(size=3)} for _ in range(2)]


def run(sub, optimizer, steps):
    """Send PARAMS to the worker, apply `steps` updates with GRADS, return the new params."""
    params = sub.put({key: value.copy() for key, value in PARAMS.items()})
    for grads in GRADS[:steps]:
        optimizer.update(params, grads)
    result = sub.fetch(params)
    if not isinstance(result, dict) or set(result) != set(PARAMS):
        fail("update(params, grads) must keep params a dict with the same keys")
    return result


def check_params(got, expected, what, hint=""):
    for key in expected:
        check_close(got[key], expected[key], f"{what}: params[{key!r}]", hint=hint)


@pytest.mark.points(1.5)
def test_sgd_step(sub):
    got = run(sub, sub.optim.SGD(lr=0.1), steps=1)
    expected = {k: PARAMS[k] - 0.1 * GRADS[0][k] for k in PARAMS}
    check_params(got, expected, "SGD(lr=0.1) after one step", "p ← p - lr·g")


@pytest.mark.points(1.5)
def test_momentum_two_steps(sub):
    got = run(sub, sub.optim.Momentum(lr=0.1, momentum=0.9), steps=2)
    expected = {}
    for k in PARAMS:
        v1 = -0.1 * GRADS[0][k]
        v2 = 0.9 * v1 - 0.1 * GRADS[1][k]
        expected[k] = PARAMS[k] + v1 + v2
    check_params(
        got,
        expected,
        "Momentum(lr=0.1, momentum=0.9) after two steps",
        "v ← momentum·v - lr·g, then p ← p + v; v starts at 0 and persists",
    )


# The course's Adam adds eps to √v̂; the book's folds the bias corrections into the step size and
# adds a fixed 1e-7 to √v, i.e. eps' = 1e-7 / √(1 - β2^t) added to √v̂. Per step the two differ by
# at most lr·eps'/√v̂ = lr·eps'/|ḡ|: under 1e-6 for the gradients here (|g| ≥ 0.1 by construction,
# lr = 0.01, t ≤ 3), so ADAM_ATOL = 1e-6 accepts either form, while the mistakes it must catch (no
# bias correction, t from 0 or counted per key, a missing square root) move params by 1e-3 or more.
ADAM_ATOL = 1e-6
ADAM_GRADS = [{k: np.sign(g) * (0.1 + np.abs(g)) for k, g in grads.items()} for grads in GRADS]


def adam_steps(lr, b1, b2, eps, grads_list, bias_correct=True):
    """The grader's own Adam (the course's form) from PARAMS over `grads_list`."""
    expected = {}
    for k in PARAMS:
        p, m, v = PARAMS[k].copy(), 0.0, 0.0
        for t, grads in enumerate(grads_list, start=1):
            m = b1 * m + (1 - b1) * grads[k]
            v = b2 * v + (1 - b2) * grads[k] ** 2
            m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if bias_correct else (m, v)
            p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        expected[k] = p
    return expected


def check_adam(sub, lr, b1, b2, eps, grads_list):
    params = sub.put({key: value.copy() for key, value in PARAMS.items()})
    optimizer = sub.optim.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    for grads in grads_list:
        optimizer.update(params, grads)
    got = sub.fetch(params)
    if not isinstance(got, dict) or set(got) != set(PARAMS):
        fail("update(params, grads) must keep params a dict with the same keys")
    uncorrected = adam_steps(lr, b1, b2, eps, grads_list, bias_correct=False)
    hint = "m and v are running means with t counting updates from 1; p ← p - lr·m̂ / (√v̂ + eps)"
    if all(np.allclose(np.asarray(got[k], float), uncorrected[k]) for k in PARAMS):
        hint = "the steps are far too small: bias-correct m and v by dividing by 1 - beta^t"
    what = f"Adam(lr={lr:g}, beta1={b1:g}, beta2={b2:g}) after {len(grads_list)} steps"
    expected = adam_steps(lr, b1, b2, eps, grads_list)
    for key in expected:
        check_close(got[key], expected[key], f"{what}: params[{key!r}]", hint=hint, atol=ADAM_ATOL)


@pytest.mark.points(2)
def test_adam_two_steps(sub):
    check_adam(sub, 0.01, 0.9, 0.999, 1e-8, ADAM_GRADS)


OPTIMIZERS = {
    "SGD": {"lr": 0.05},
    "Momentum": {"lr": 0.01, "momentum": 0.9},
    "Adam": {"lr": 0.1},
}


@pytest.mark.points(1.5)
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_descends_a_quadratic(sub, name):
    """f(p) = (p₁ - 1)² + 10·(p₂ + ½)², minimum at (1, -½) (not at 0, so shrinking p towards 0
    does not pass); 100 steps from (3, -2) must cut f to under 5% of its start."""
    scale, centre = np.array([1.0, 10.0]), np.array([1.0, -0.5])
    optimizer = getattr(sub.optim, name)(**OPTIMIZERS[name])
    params = sub.put({"p": np.array([3.0, -2.0])})
    start = float(np.sum(scale * (np.array([3.0, -2.0]) - centre) ** 2))
    for _ in range(100):
        p = np.asarray(sub.fetch(params)["p"], dtype=np.float64)
        optimizer.update(params, {"p": 2 * scale * (p - centre)})
    p = np.asarray(sub.fetch(params)["p"], dtype=np.float64)
    end = float(np.sum(scale * (p - centre) ** 2))
    if not np.isfinite(end) or end > 0.05 * start:
        fail(
            f"{name}({OPTIMIZERS[name]}) on f(p) = (p₁ - 1)² + 10(p₂ + ½)² must go downhill: f "
            f"went from {start:g} to {end:.3g} in 100 steps"
        )
