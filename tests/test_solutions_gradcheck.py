"""solutions.gradcheck: central differences on known functions, x restored, relative_error."""

from __future__ import annotations

import numpy as np
import pytest

from solutions import gradcheck
from tests.helpers import SHAPE_IDS, SHAPES, random_points

# With the default h = 1e-4, central differences have truncation error h²/6·|f'''|: zero for
# quadratics (exact up to rounding, ~ε·|f|/h ≈ 1e-12) and ≈ 2e-9 for sin/exp at |x| ≤ 4.
QUADRATIC_TOL = 1e-9
SMOOTH_RTOL = 1e-7


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_sum_of_squares(shape):
    x = random_points(shape, seed=1)
    grad = gradcheck.numerical_gradient(lambda z: float(np.sum(z**2)), x)
    assert isinstance(grad, np.ndarray) and grad.shape == np.shape(x)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, 2 * x, rtol=0, atol=QUADRATIC_TOL)


@pytest.mark.parametrize("shape", SHAPES[1:], ids=SHAPE_IDS[1:])
def test_smooth_functions_of_every_element(shape):
    x = random_points(shape, seed=2)
    weights = random_points(shape, seed=3)
    grad = gradcheck.numerical_gradient(lambda z: float(np.sum(weights * np.sin(z))), x)
    np.testing.assert_allclose(grad, weights * np.cos(x), rtol=SMOOTH_RTOL, atol=1e-9)
    grad = gradcheck.numerical_gradient(lambda z: float(np.exp(z).sum() / 10), x)
    np.testing.assert_allclose(grad, np.exp(x) / 10, rtol=SMOOTH_RTOL, atol=1e-9)


def test_function_of_mixed_elements():
    # f(x) = x0·x1 + x2³ -> (x1, x0, 3 x2²): the cube has truncation error h² = 1e-8.
    x = np.array([1.5, -2.0, 0.5])
    grad = gradcheck.numerical_gradient(lambda z: z[0] * z[1] + z[2] ** 3, x)
    np.testing.assert_allclose(grad, [-2.0, 1.5, 0.75], rtol=0, atol=1e-7)


def test_step_size_is_used():
    # For f = x³ the central difference is exactly 3x² + h²: the result shows h.
    x = np.array([0.0, 1.0])
    for h in (1e-1, 1e-2):
        grad = gradcheck.numerical_gradient(lambda z: float(np.sum(z**3)), x, h=h)
        np.testing.assert_allclose(grad, 3 * x**2 + h**2, rtol=1e-9, atol=1e-12)
    default = gradcheck.numerical_gradient(lambda z: float(np.sum(z**3)), x)
    np.testing.assert_allclose(default, 3 * x**2 + 1e-8, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_x_is_restored_bitwise(shape):
    # Values like 0.1 are not representable exactly: x + h - h would differ in the last bit.
    x = np.asarray(random_points(shape, seed=4) + 0.1)
    before = x.copy()
    seen = []

    def f(z):
        seen.append(z is x)
        return float(np.sum(np.sin(z)))

    gradcheck.numerical_gradient(f, x)
    assert x.tobytes() == before.tobytes()
    # Two evaluations per element, each on x itself: the agreed contract moves x in place, which
    # MLP.numerical_gradient relies on (its f ignores the argument and reads the params).
    assert len(seen) == 2 * max(1, x.size)
    assert all(seen)


def test_only_one_element_moves_at_a_time():
    x = np.array([[0.3, -1.2], [2.5, 0.7]])
    before = x.copy()

    def f(z):
        moved = np.flatnonzero(z != before)
        assert moved.size == 1
        return float(np.sum(z))

    np.testing.assert_allclose(gradcheck.numerical_gradient(f, x), np.ones((2, 2)), rtol=1e-9)


def test_relative_error_values():
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert gradcheck.relative_error([1.0], [3.0]) == pytest.approx(0.5, rel=1e-15)
    assert gradcheck.relative_error([1.0, 10.0], [1.0, 12.0]) == pytest.approx(2 / 22, rel=1e-15)
    assert gradcheck.relative_error(1.0, -1.0) == pytest.approx(1.0, rel=1e-15)
    # both tiny: the denominator is floored at 1e-8
    assert gradcheck.relative_error([0.0], [1e-10]) == pytest.approx(1e-2, rel=1e-12)
    assert gradcheck.relative_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0
    assert type(gradcheck.relative_error([1.0], [2.0])) is float


def test_relative_error_is_symmetric_and_takes_the_maximum():
    a, b = random_points((3, 4), seed=5), random_points((3, 4), seed=6)
    error = gradcheck.relative_error(a, b)
    assert error == gradcheck.relative_error(b, a)
    assert error == pytest.approx(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))), rel=1e-15)
