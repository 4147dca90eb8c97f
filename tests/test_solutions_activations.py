"""solutions.activations against closed forms, central differences, extremes and the dtype rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solutions import activations as act
from tests.helpers import (
    GRAD_ATOL,
    GRAD_RTOL,
    SHAPE_IDS,
    SHAPES,
    central_gradient,
    elementwise_derivative,
    py_sigmoid,
    random_points,
)

LAMBDA = 1.0507009873554805  # Klambauer et al. 2017, "Self-Normalizing Neural Networks"
ALPHA = 1.6732632423543772

# Every activation written out again in plain Python floats, one element at a time:
# name -> (f(v), f'(v)), with the agreed left-side value at each kink.
SCALAR_FORMS = {
    "step": (lambda v: float(v > 0), lambda v: 0.0),
    "sign": (lambda v: float((v > 0) - (v < 0)), lambda v: 0.0),
    "identity": (lambda v: v, lambda v: 1.0),
    "piecewise_linear": (
        lambda v: min(1.0, max(0.0, v + 0.5)),
        lambda v: float(-0.5 < v < 0.5),
    ),
    "sigmoid": (py_sigmoid, lambda v: py_sigmoid(v) * (1 - py_sigmoid(v))),
    "tanh": (math.tanh, lambda v: 1 - math.tanh(v) ** 2),
    "relu": (lambda v: max(v, 0.0), lambda v: float(v > 0)),
    "leaky_relu": (lambda v: v if v > 0 else 0.01 * v, lambda v: 1.0 if v > 0 else 0.01),
    "elu": (lambda v: v if v > 0 else math.expm1(v), lambda v: 1.0 if v > 0 else math.exp(v)),
    "selu": (
        lambda v: LAMBDA * (v if v > 0 else ALPHA * math.expm1(v)),
        lambda v: LAMBDA if v > 0 else LAMBDA * ALPHA * math.exp(v),
    ),
    "swish": (
        lambda v: v * py_sigmoid(v),
        lambda v: py_sigmoid(v) + v * py_sigmoid(v) * (1 - py_sigmoid(v)),
    ),
    "softplus": (lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v))), py_sigmoid),
}
NAMES = list(SCALAR_FORMS)
KINKS = {
    "step": (0.0,),
    "sign": (0.0,),
    "piecewise_linear": (-0.5, 0.5),
    "relu": (0.0,),
    "leaky_relu": (0.0,),
    "elu": (0.0,),
    "selu": (0.0,),
}
# Closed forms vs the reference: the same maths by other formulas, so a few ulps apart at most.
RTOL, ATOL = 1e-12, 1e-14
# Floating-point traps that numpy reports as RuntimeWarning. Underflow (e^-1e4 -> 0) is expected
# and harmless, so it is not among them.
TRAPS = {"over": "raise", "divide": "raise", "invalid": "raise"}


def expected(name: str, x: np.ndarray, which: int) -> np.ndarray:
    """The closed form applied to every element of x (float64)."""
    form = SCALAR_FORMS[name][which]
    return np.vectorize(lambda v: form(float(v)), otypes=[np.float64])(x)


def test_table_lists_every_parameter_free_activation():
    assert set(act.ACTIVATIONS) == set(NAMES)
    for name, (f, f_grad) in act.ACTIVATIONS.items():
        assert f is getattr(act, name)
        assert f_grad is getattr(act, f"{name}_grad")


def test_selu_constants():
    assert act.SELU_LAMBDA == LAMBDA
    assert act.SELU_ALPHA == ALPHA


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name", NAMES)
def test_values_and_derivatives_match_closed_forms(name, shape):
    f, f_grad = act.ACTIVATIONS[name]
    x = random_points(shape, seed=len(shape))
    value, slope = f(x), f_grad(x)
    assert np.shape(value) == shape and np.shape(slope) == shape
    np.testing.assert_allclose(value, expected(name, x, 0), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(slope, expected(name, x, 1), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_match_central_differences(name):
    f, f_grad = act.ACTIVATIONS[name]
    x = random_points((6, 5), seed=11, avoid=KINKS.get(name, ()))
    np.testing.assert_allclose(
        f_grad(x), elementwise_derivative(f, x), rtol=GRAD_RTOL, atol=GRAD_ATOL
    )


KINK_VALUES = [
    ("relu", 0.0, 0.0, 0.0),
    ("leaky_relu", 0.0, 0.0, 0.01),
    ("elu", 0.0, 0.0, 1.0),
    ("selu", 0.0, 0.0, LAMBDA * ALPHA),
    ("step", 0.0, 0.0, 0.0),
    ("sign", 0.0, 0.0, 0.0),
    ("piecewise_linear", 0.5, 1.0, 0.0),
    ("piecewise_linear", -0.5, 0.0, 0.0),
    ("piecewise_linear", 0.0, 0.5, 1.0),
    ("sigmoid", 0.0, 0.5, 0.25),
    ("tanh", 0.0, 0.0, 1.0),
    ("softplus", 0.0, math.log(2), 0.5),
    ("swish", 0.0, 0.0, 0.5),
    ("identity", -3.0, -3.0, 1.0),
    ("sign", -2.0, -1.0, 0.0),
    ("step", 2.0, 1.0, 0.0),
]


@pytest.mark.parametrize(("name", "x", "value", "slope"), KINK_VALUES)
def test_named_points_and_kinks(name, x, value, slope):
    f, f_grad = act.ACTIVATIONS[name]
    assert float(f(x)) == pytest.approx(value, rel=1e-15, abs=1e-15)
    assert float(f_grad(x)) == pytest.approx(slope, rel=1e-15, abs=1e-15)


LIMITS = {  # name -> (f(-1e4), f(1e4), f'(-1e4), f'(1e4))
    "step": (0, 1, 0, 0),
    "sign": (-1, 1, 0, 0),
    "identity": (-1e4, 1e4, 1, 1),
    "piecewise_linear": (0, 1, 0, 0),
    "sigmoid": (0, 1, 0, 0),
    "tanh": (-1, 1, 0, 0),
    "relu": (0, 1e4, 0, 1),
    "leaky_relu": (-100, 1e4, 0.01, 1),
    "elu": (-1, 1e4, 0, 1),
    "selu": (-LAMBDA * ALPHA, LAMBDA * 1e4, 0, LAMBDA),
    "swish": (0, 1e4, 0, 1),
    "softplus": (0, 1e4, 0, 1),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_extremes_reach_their_limits_without_warnings(name, dtype):
    f, f_grad = act.ACTIVATIONS[name]
    x = np.array([-1e4, -0.3, 1e4, 2.0, -1e4, 0.7], dtype=dtype)  # extremes among ordinary values
    with np.errstate(**TRAPS):
        value, slope = f(x), f_grad(x)
    assert value.dtype == dtype and slope.dtype == dtype
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(slope))
    lo, hi, slope_lo, slope_hi = LIMITS[name]
    # float32 carries ~7 digits, so 1e4·λ and friends are only good to ~1e-7 relative.
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(value[[0, 2, 4]], [lo, hi, lo], rtol=rtol, atol=1e-30)
    np.testing.assert_allclose(slope[[0, 2, 4]], [slope_lo, slope_hi, slope_lo], rtol=rtol, atol=0)
    ordinary = np.array([-0.3, 2.0, 0.7])
    np.testing.assert_allclose(value[[1, 3, 5]], expected(name, ordinary, 0), rtol=rtol, atol=1e-7)


DTYPE_CASES = [
    (np.float32(0.5), np.float32),
    (np.array([[0.5, -1.5]], dtype=np.float32), np.float32),
    (np.array([[0.5, -1.5]]), np.float64),
    (np.array([1, -2, 0]), np.float64),
    (np.array([True, False]), np.float64),
    (np.array([0.5, -2.0], dtype=np.float16), np.float64),
    (3, np.float64),
    (-0.25, np.float64),
    ([1, 2, -3], np.float64),
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("x", "dtype"), DTYPE_CASES, ids=lambda c: type(c).__name__)
def test_dtype_rule_and_shape(name, x, dtype):
    f, f_grad = act.ACTIVATIONS[name]
    for out in (f(x), f_grad(x)):
        assert out.dtype == dtype
        assert np.shape(out) == np.shape(x)
    np.testing.assert_allclose(
        np.asarray(f(x), dtype=np.float64),
        expected(name, np.asarray(x, dtype=np.float64), 0),
        rtol=1e-6 if dtype == np.float32 else RTOL,
        atol=1e-7,
    )


def test_inputs_are_not_modified():
    x = random_points((4, 3), seed=3)
    kept = x.copy()
    for f, f_grad in act.ACTIVATIONS.values():
        f(x)
        f_grad(x)
    np.testing.assert_array_equal(x, kept)


@pytest.mark.parametrize("alpha", [0.01, 0.2, 1.5])
def test_leaky_relu_with_other_alphas(alpha):
    x = random_points((3, 4), seed=4, avoid=(0.0,))
    np.testing.assert_allclose(act.leaky_relu(x, alpha), np.where(x > 0, x, alpha * x), rtol=RTOL)
    np.testing.assert_allclose(
        act.leaky_relu_grad(x, alpha),
        elementwise_derivative(lambda z: act.leaky_relu(z, alpha), x),
        rtol=GRAD_RTOL,
        atol=GRAD_ATOL,
    )
    assert float(act.leaky_relu_grad(0.0, alpha)) == alpha  # left side at the kink


@pytest.mark.parametrize("alpha", [0.5, 2.0])
def test_elu_with_other_alphas(alpha):
    x = random_points((3, 4), seed=5, avoid=(0.0,))
    np.testing.assert_allclose(
        act.elu(x, alpha), np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), rtol=RTOL
    )
    np.testing.assert_allclose(
        act.elu_grad(x, alpha),
        elementwise_derivative(lambda z: act.elu(z, alpha), x),
        rtol=GRAD_RTOL,
        atol=GRAD_ATOL,
    )
    assert float(act.elu_grad(0.0, alpha)) == alpha
    with np.errstate(**TRAPS):
        assert float(act.elu(-1e4, alpha)) == pytest.approx(-alpha, rel=1e-15)


@pytest.mark.parametrize("beta", [0.5, 1.0, 3.0])
def test_swish_with_other_betas(beta):
    x = random_points((3, 4), seed=6)
    sig = 1 / (1 + np.exp(-beta * x))  # |beta·x| ≤ 12 here: no overflow
    np.testing.assert_allclose(act.swish(x, beta), x * sig, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        act.swish_grad(x, beta),
        elementwise_derivative(lambda z: act.swish(z, beta), x),
        rtol=GRAD_RTOL,
        atol=GRAD_ATOL,
    )
    with np.errstate(**TRAPS):
        out = act.swish(np.array([-1e4, 1e4]), beta)
    np.testing.assert_allclose(out, [0, 1e4], rtol=1e-15, atol=1e-300)


def test_prelu_with_elementwise_alpha():
    x = random_points((3, 4), seed=7, avoid=(0.0,))
    alpha = np.random.default_rng(8).uniform(0, 0.5, size=(3, 4))
    np.testing.assert_allclose(act.prelu(x, alpha), np.where(x > 0, x, alpha * x), rtol=RTOL)
    np.testing.assert_allclose(act.prelu_grad(x, alpha), np.where(x > 0, 1.0, alpha), rtol=RTOL)
    np.testing.assert_allclose(
        act.prelu_grad(x, alpha),
        elementwise_derivative(lambda z: act.prelu(z, alpha), x),
        rtol=GRAD_RTOL,
        atol=GRAD_ATOL,
    )
    # d/dalpha elementwise: x where x ≤ 0, else 0.
    np.testing.assert_allclose(
        act.prelu_alpha_grad(x, alpha),
        elementwise_derivative(lambda a: act.prelu(x, a), alpha),
        rtol=GRAD_RTOL,
        atol=GRAD_ATOL,
    )
    np.testing.assert_array_equal(act.prelu_alpha_grad(x, alpha), np.where(x > 0, 0.0, x))
    assert float(act.prelu_grad(0.0, 0.25)) == 0.25
    assert act.prelu(np.float32(-2.0), 0.5).dtype == np.float32


def test_selu_keeps_unit_scale_fixed_point():
    # The constants make N(0, 1) inputs give mean ≈ 0 and variance ≈ 1 (Klambauer et al.):
    # integrate against the normal density on a fine grid instead of sampling.
    z = np.linspace(-12, 12, 200_001)
    density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    dz = z[1] - z[0]
    y = act.selu(z)
    mean = float(np.sum(y * density) * dz)
    var = float(np.sum((y - mean) ** 2 * density) * dz)
    assert abs(mean) < 1e-6 and abs(var - 1) < 1e-6  # grid error ~1e-10, constants to 16 digits


# ---- softmax ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "axis"), [((5,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), -1), ((2, 3, 4), 1)]
)
def test_softmax_closed_form_and_sums(shape, axis):
    x = random_points(shape, seed=9)
    e = np.exp(x)  # |x| ≤ 4: the textbook formula is safe here
    np.testing.assert_allclose(
        act.softmax(x, axis=axis), e / e.sum(axis=axis, keepdims=True), rtol=1e-13
    )
    np.testing.assert_allclose(act.softmax(x, axis=axis).sum(axis=axis), 1.0, rtol=1e-14)
    assert act.softmax(x, axis=axis).shape == shape


def test_softmax_by_hand_and_shift_invariance():
    np.testing.assert_allclose(act.softmax([0.0, math.log(2)]), [1 / 3, 2 / 3], rtol=1e-15)
    np.testing.assert_allclose(act.softmax([5.0, 5.0, 5.0, 5.0]), [0.25] * 4, rtol=1e-15)
    x = random_points((4,), seed=10)
    np.testing.assert_allclose(act.softmax(x + 1000), act.softmax(x), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_softmax_extremes_and_dtypes(dtype):
    with np.errstate(**TRAPS):
        np.testing.assert_allclose(
            act.softmax(np.array([1e4, 0.0], dtype=dtype)), [1, 0], atol=1e-30
        )
        np.testing.assert_allclose(
            act.softmax(np.array([-1e4, 0.0], dtype=dtype)), [0, 1], atol=1e-30
        )
        both = act.softmax(np.array([[1e4, 1e4, -1e4], [0.0, 1.0, 2.0]], dtype=dtype))
    assert both.dtype == dtype
    np.testing.assert_allclose(both[0], [0.5, 0.5, 0], atol=1e-30)
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(both[1], e / e.sum(), rtol=1e-6 if dtype == np.float32 else 1e-14)
    assert act.softmax([1, 2, 3]).dtype == np.float64


def test_softmax_jacobian():
    x = random_points((5,), seed=12)
    s = np.exp(x) / np.exp(x).sum()
    J = act.softmax_jacobian(x)
    assert J.shape == (5, 5)
    np.testing.assert_allclose(J, np.diag(s) - np.outer(s, s), rtol=1e-13, atol=1e-16)
    numeric = np.stack([central_gradient(lambda z, i=i: act.softmax(z)[i], x) for i in range(5)])
    np.testing.assert_allclose(J, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-15)  # softmax always sums to 1
    with np.errstate(**TRAPS):
        assert np.all(np.isfinite(act.softmax_jacobian([1e4, 0.0, -1e4])))


# ---- maxout -----------------------------------------------------------------------------------

MAXOUT_W = np.array(  # (k=2 pieces, d_in=2, d_out=3)
    [
        [[1.0, 0.0, -1.0], [0.0, 1.0, 2.0]],
        [[-1.0, 2.0, 0.5], [1.0, 0.0, 1.0]],
    ]
)
MAXOUT_B = np.array([[0.0, 0.0, 0.0], [0.5, -1.0, 0.0]])


def test_maxout_by_hand():
    x = np.array([1.0, 2.0])
    # piece 0: x @ W[0] + b[0] = [1, 2, 3]; piece 1: [-1 + 2 + 0.5, 2 - 1, 0.5 + 2] = [1.5, 1, 2.5]
    np.testing.assert_allclose(act.maxout(x, MAXOUT_W, MAXOUT_B), [1.5, 2.0, 3.0], rtol=1e-15)
    # winners: output 0 -> piece 1, output 1 -> piece 0, output 2 -> piece 0
    expected_jacobian = np.array([[-1.0, 1.0], [0.0, 1.0], [-1.0, 2.0]])  # (d_out, d_in)
    np.testing.assert_array_equal(act.maxout_grad(x, MAXOUT_W, MAXOUT_B), expected_jacobian)


def test_maxout_ties_take_the_lowest_piece():
    W = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])  # pieces x0 and x1, one output
    b = np.zeros((2, 1))
    np.testing.assert_array_equal(act.maxout_grad([2.0, 2.0], W, b), [[1.0, 0.0]])
    np.testing.assert_array_equal(act.maxout_grad([1.0, 2.0], W, b), [[0.0, 1.0]])


@pytest.mark.parametrize("batch", [(), (4,), (2, 3)], ids=["1d", "2d", "3d"])
def test_maxout_matches_its_definition_and_central_differences(batch):
    rng = np.random.default_rng(13)
    k, d_in, d_out = 3, 4, 2
    W, b = rng.normal(size=(k, d_in, d_out)), rng.normal(size=(k, d_out))
    x = rng.normal(size=(*batch, d_in))
    pieces = np.stack([x @ W[j] + b[j] for j in range(k)])  # (k, ..., d_out)
    out = act.maxout(x, W, b)
    assert out.shape == (*batch, d_out)
    np.testing.assert_allclose(out, pieces.max(axis=0), rtol=1e-14)
    J = act.maxout_grad(x, W, b)
    assert J.shape == (*batch, d_out, d_in)
    # Random normal points are almost surely not at a tie, so maxout is linear around them.
    for idx in np.ndindex(batch):
        for j in range(d_out):
            numeric = central_gradient(lambda z, j=j: act.maxout(z, W, b)[j], x[idx])
            np.testing.assert_allclose(J[idx][j], numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_maxout_dtypes():
    x32 = np.array([[1.0, 2.0]], dtype=np.float32)
    assert act.maxout(x32, MAXOUT_W.astype(np.float32), MAXOUT_B.astype(np.float32)).dtype == (
        np.float32
    )
    assert act.maxout(np.array([[1, 2]]), MAXOUT_W, MAXOUT_B).dtype == np.float64
