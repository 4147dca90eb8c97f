"""Unit 2: activation functions and their derivatives.

An activation must be non-linear: stacking linear layers h(x) = c·x gives h(h(h(x))) = c³·x,
still one linear layer, so depth would buy nothing. Rules for every function here: the output
keeps the input's shape; float32 in gives float32 out, anything else gives float64 (start
with `x = _as_float(x)`); no overflow warning and no NaN for inputs as large as ±1e4; at a
kink a derivative takes the left side's value (relu_grad(0) = 0). Implement each f, then
f_grad. Suggested order: step, sign, identity, piecewise_linear, sigmoid, tanh, relu,
leaky_relu, prelu, elu, selu, swish, softplus, softmax, softmax_jacobian, maxout.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

SELU_LAMBDA = 1.0507009873554805  # Klambauer et al. 2017, "Self-Normalizing Neural Networks"
SELU_ALPHA = 1.6732632423543772


def _as_float(x: ArrayLike) -> np.ndarray:
    """x as an array: float32 stays float32, anything else becomes float64 (given)."""
    x = np.asarray(x)
    return x if x.dtype == np.float32 else x.astype(np.float64)


def step(x: ArrayLike) -> np.ndarray:
    """Step: 1 where x > 0, else 0 (the perceptron's activation).

    step(0) = 0 in this course, as in the book's step_function (x > 0). The lecture notes' table
    gives 0.5 at z = 0 (the Heaviside convention); we keep 0 so a perceptron fires only above 0.

    Hint: (x > 0) is a boolean array; .astype(x.dtype) turns it into numbers.
    """
    raise NotImplementedError("1 where x > 0, else 0")


def step_grad(x: ArrayLike) -> np.ndarray:
    """step'(x) = 0 everywhere (left side at 0): why step cannot learn by gradients."""
    raise NotImplementedError("an array of zeros shaped like x")


def sign(x: ArrayLike) -> np.ndarray:
    """sign(x) = -1 for x < 0, 0 at 0, 1 for x > 0.

    Hint: np.sign.
    """
    raise NotImplementedError("-1, 0 or 1 by the sign of x")


def sign_grad(x: ArrayLike) -> np.ndarray:
    """sign'(x) = 0 everywhere (left side at 0)."""
    raise NotImplementedError("an array of zeros shaped like x")


def identity(x: ArrayLike) -> np.ndarray:
    """identity(x) = x (a new array, in the dtype rule's dtype)."""
    raise NotImplementedError("the identity: x itself, as floats")


def identity_grad(x: ArrayLike) -> np.ndarray:
    """identity'(x) = 1."""
    raise NotImplementedError("an array of ones shaped like x")


def piecewise_linear(x: ArrayLike) -> np.ndarray:
    """0 for x ≤ -1/2, x + 1/2 in between, 1 for x ≥ 1/2.

    Hint: shift by a half, then clip to the interval [0, 1] (numpy has a clip function).
    """
    raise NotImplementedError("x + 1/2 clipped to [0, 1]")


def piecewise_linear_grad(x: ArrayLike) -> np.ndarray:
    """1 strictly inside (-1/2, 1/2), 0 elsewhere (also at ±1/2: the flat side wins)."""
    raise NotImplementedError("1 where -1/2 < x < 1/2, else 0")


def sigmoid(x: ArrayLike) -> np.ndarray:
    """σ(x) = 1 / (1 + e^-x).

    Hint: e^-x overflows for x = -1e4. With z = e^-|x| (never large) use 1 / (1 + z) where
    x ≥ 0 and z / (1 + z) where x < 0 (np.where).
    """
    raise NotImplementedError("1 / (1 + e^-x), computed from e^-|x| so nothing overflows")


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """σ'(x) = σ(x)(1 - σ(x)); it peaks at 0.25 at x = 0, so deep sigmoid nets' gradients vanish."""
    raise NotImplementedError("s * (1 - s) with s = sigmoid(x)")


def tanh(x: ArrayLike) -> np.ndarray:
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x), in (-1, 1).

    Hint: np.tanh is stable.
    """
    raise NotImplementedError("the hyperbolic tangent of x")


def tanh_grad(x: ArrayLike) -> np.ndarray:
    """tanh'(x) = 1 - tanh²(x)."""
    raise NotImplementedError("1 - tanh(x)**2")


def relu(x: ArrayLike) -> np.ndarray:
    """ReLU(x) = max(0, x).

    Hint: numpy's elementwise maximum against 0 does it in one step.
    """
    raise NotImplementedError("max(0, x) elementwise")


def relu_grad(x: ArrayLike) -> np.ndarray:
    """ReLU'(x) = 1 for x > 0, 0 for x ≤ 0; a unit stuck below 0 stops learning ("dying ReLU")."""
    raise NotImplementedError("1 where x > 0, else 0")


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """x for x > 0, alpha·x otherwise: a small slope keeps negative units learning.

    Hint: choose elementwise between x and alpha times x by the sign of x; keep x's dtype.
    """
    raise NotImplementedError("x where x > 0, else alpha * x")


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """1 for x > 0, alpha for x ≤ 0."""
    raise NotImplementedError("1 where x > 0, else alpha")


def prelu(x: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """PReLU: x for x > 0, alpha·x otherwise, where alpha (a number or an array that broadcasts
    against x, e.g. one slope per feature) is learned."""
    raise NotImplementedError("leaky_relu with the given alpha")


def prelu_grad(x: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """∂ prelu / ∂x: 1 for x > 0, alpha otherwise (shaped like x)."""
    raise NotImplementedError("1 where x > 0, else alpha")


def prelu_alpha_grad(x: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """∂ prelu / ∂alpha, elementwise: 0 for x > 0, x otherwise (shaped like x)."""
    raise NotImplementedError("0 where x > 0, else x")


def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """ELU: x for x > 0, alpha·(e^x - 1) otherwise.

    Hint: np.where evaluates both branches, so e^x would overflow at x = 1e4: compute the
    exponential of the smaller of x and 0 (numpy's expm1 is e^x - 1, accurate near 0).
    """
    raise NotImplementedError("x where x > 0, else alpha * (e^x - 1) with e^x of min(x, 0)")


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """ELU'(x) = 1 for x > 0, alpha·e^x for x ≤ 0."""
    raise NotImplementedError("1 where x > 0, else alpha * e^x (of min(x, 0))")


def selu(x: ArrayLike) -> np.ndarray:
    """SELU(x) = λ·elu(x, α) with λ = SELU_LAMBDA, α = SELU_ALPHA."""
    raise NotImplementedError("SELU_LAMBDA * elu(x, SELU_ALPHA)")


def selu_grad(x: ArrayLike) -> np.ndarray:
    """SELU'(x) = λ for x > 0, λ·α·e^x for x ≤ 0."""
    raise NotImplementedError("SELU_LAMBDA * elu_grad(x, SELU_ALPHA)")


def swish(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    """Swish(x) = x·σ(beta·x).

    Hint: reuse your stable sigmoid.
    """
    raise NotImplementedError("x * sigmoid(beta * x)")


def swish_grad(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    """Swish'(x) = σ(βx) + βx·σ(βx)(1 - σ(βx)) (product rule)."""
    raise NotImplementedError("s + beta * x * s * (1 - s) with s = sigmoid(beta * x)")


def softplus(x: ArrayLike) -> np.ndarray:
    """softplus(x) = log(1 + e^x), a smooth ReLU.

    Hint: e^x overflows at 1e4; use the equal form max(x, 0) + log(1 + e^-|x|) (np.log1p).
    """
    raise NotImplementedError("max(x, 0) + log1p(e^-|x|)")


def softplus_grad(x: ArrayLike) -> np.ndarray:
    """softplus'(x) = σ(x)."""
    raise NotImplementedError("the derivative of softplus is the sigmoid of x")


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along `axis`: positive, sums to 1.

    Hint: e^1000 overflows. Subtracting the max along the axis first (keepdims=True) changes
    nothing in the result and keeps every exponent ≤ 0.
    """
    raise NotImplementedError("e^(x - max) / sum of e^(x - max) along axis")


def softmax_jacobian(x: ArrayLike) -> np.ndarray:
    """For 1-D x with s = softmax(x): J[i, j] = ∂s_i/∂x_j = s_i(δ_ij - s_j), i.e. diag(s) - s sᵀ."""
    raise NotImplementedError("the diagonal matrix of s minus the outer product of s with itself")


def maxout(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Maxout: out = max over k of (x @ W[k] + b[k]); W (k, d_in, d_out), b (k, d_out).

    x has shape (..., d_in); out has shape (..., d_out). Each output keeps the largest of k
    linear pieces, so maxout learns its own piecewise-linear activation.
    """
    raise NotImplementedError("the k affine pieces, then the largest per output")


def maxout_grad(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Jacobian of maxout: J[..., j, i] = ∂out_j/∂x_i = W[k*, i, j], shape (..., d_out, d_in).

    k* is the winning piece for output j (np.argmax over k; ties go to the lowest k).
    """
    raise NotImplementedError("find the winning piece per output, then pick its weights")


ACTIVATIONS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "step": (step, step_grad),
    "sign": (sign, sign_grad),
    "identity": (identity, identity_grad),
    "piecewise_linear": (piecewise_linear, piecewise_linear_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "selu": (selu, selu_grad),
    "swish": (swish, swish_grad),
    "softplus": (softplus, softplus_grad),
}
