"""Unit 5: numerical gradients and relative error (5 points).

The functions handed to the student's numerical_gradient are grader-written probes
(`grader.sandbox.probes`) whose exact gradients the suite knows.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import check_gradient, check_value_at

EXACT = {
    "sum_of_squares": lambda x: 2 * x,
    "sine_and_cube": lambda x: np.cos(x) + x**2,
    "weighted_sum": lambda x: np.arange(1, x.size + 1, dtype=float).reshape(x.shape),
}
SHAPES = [(5,), (3, 4), (2, 3, 2)]


@pytest.mark.points(2.5)
@pytest.mark.parametrize("shape", SHAPES, ids=["1-D", "2-D", "3-D"])
@pytest.mark.parametrize("probe", list(EXACT))
def test_numerical_gradient_of_known_functions(sub, probe, shape):
    x = np.random.default_rng(30).uniform(-2, 2, size=shape)
    got = sub.gradcheck.numerical_gradient(sub.probe(probe), x)
    what = f"numerical_gradient(f, x) for f(x) = {probe.replace('_', ' ')}, x of shape {shape}"
    check_gradient(got, EXACT[probe](x), what)  # h = 1e-4: O(h²) ≈ 1e-8, far below the 1e-6 bound


RELATIVE_ERROR_CASES = [  # grouped so that no group holds only zeros: "return 0" earns nothing
    [([1.0, 2.0], [1.0, 2.0], 0.0), ([1.0, 2.0], [1.0, 3.0], 0.2)],
    [([0.0, 0.0], [0.0, 0.0], 0.0), ([1e-10], [0.0], 0.01)],
    [([[1.0, -1.0], [4.0, 2.0]], [[1.0, 1.0], [4.0, 2.0]], 1.0)],
]


@pytest.mark.points(1)
@pytest.mark.parametrize(
    "cases", RELATIVE_ERROR_CASES, ids=["equal-and-near", "zeros-and-tiny", "2-D"]
)
def test_relative_error(sub, cases):
    for a, b, expected in cases:
        got = sub.gradcheck.relative_error(np.array(a), np.array(b))
        check_value_at(
            got,
            expected,
            f"relative_error({a}, {b})",
            "max over elements of |a - b| / max(1e-8, |a| + |b|)",
        )
