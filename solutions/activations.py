"""Activation functions and their derivatives, stable for inputs as large as ±1e4.

Dtype rule: float32 in gives float32 out; anything else gives float64. At a kink the
derivative takes the value of the left side (relu'(0) = 0).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

SELU_LAMBDA = 1.0507009873554805  # Klambauer et al. 2017, "Self-Normalizing Neural Networks"
SELU_ALPHA = 1.6732632423543772


def _as_float(x: ArrayLike) -> np.ndarray:
    """x as an array: float32 stays float32, anything else becomes float64."""
    x = np.asarray(x)
    return x if x.dtype == np.float32 else x.astype(np.float64)


def _like(x: np.ndarray, value: ArrayLike) -> np.ndarray:
    """value as an array with x's dtype, broadcast to x's shape."""
    return np.broadcast_to(np.asarray(value, dtype=x.dtype), x.shape).copy()


def step(x: ArrayLike) -> np.ndarray:
    """Step: 1 where x > 0, else 0."""
    x = _as_float(x)
    return (x > 0).astype(x.dtype)


def step_grad(x: ArrayLike) -> np.ndarray:
    """Step is flat wherever it is defined: 0."""
    return np.zeros_like(_as_float(x))


def sign(x: ArrayLike) -> np.ndarray:
    """Sign: -1 for x < 0, 0 at 0, 1 for x > 0."""
    return np.sign(_as_float(x))


def sign_grad(x: ArrayLike) -> np.ndarray:
    """Sign is flat wherever it is defined: 0."""
    return np.zeros_like(_as_float(x))


def identity(x: ArrayLike) -> np.ndarray:
    """Identity: x."""
    return _as_float(x).copy()


def identity_grad(x: ArrayLike) -> np.ndarray:
    """d/dx x = 1."""
    return np.ones_like(_as_float(x))


def piecewise_linear(x: ArrayLike) -> np.ndarray:
    """0 for x ≤ -1/2, x + 1/2 in between, 1 for x ≥ 1/2."""
    return np.clip(_as_float(x) + 0.5, 0, 1)


def piecewise_linear_grad(x: ArrayLike) -> np.ndarray:
    """1 strictly inside (-1/2, 1/2), 0 elsewhere."""
    x = _as_float(x)
    return ((x > -0.5) & (x < 0.5)).astype(x.dtype)


def sigmoid(x: ArrayLike) -> np.ndarray:
    """σ(x) = 1 / (1 + e^-x), computed from e^-|x| so nothing overflows."""
    x = _as_float(x)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    """σ'(x) = σ(x)(1 - σ(x))."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: ArrayLike) -> np.ndarray:
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(_as_float(x))


def tanh_grad(x: ArrayLike) -> np.ndarray:
    """tanh'(x) = 1 - tanh²(x)."""
    t = tanh(x)
    return 1 - t * t


def relu(x: ArrayLike) -> np.ndarray:
    """ReLU: max(0, x)."""
    return np.maximum(_as_float(x), 0)


def relu_grad(x: ArrayLike) -> np.ndarray:
    """1 for x > 0, 0 for x ≤ 0."""
    x = _as_float(x)
    return (x > 0).astype(x.dtype)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """x for x > 0, alpha·x otherwise."""
    x = _as_float(x)
    return _like(x, np.where(x > 0, x, alpha * x))


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """1 for x > 0, alpha otherwise."""
    x = _as_float(x)
    return _like(x, np.where(x > 0, 1, alpha))


def prelu(x: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """Parametric ReLU: x for x > 0, alpha·x otherwise, alpha learnable."""
    return leaky_relu(x, alpha)


def prelu_grad(x: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """d prelu / dx: 1 for x > 0, alpha otherwise."""
    return leaky_relu_grad(x, alpha)


def prelu_alpha_grad(x: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """d prelu / d alpha, elementwise: 0 for x > 0, x otherwise."""
    x = _as_float(x)
    return _like(x, np.where(x > 0, 0, x))


def elu(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """x for x > 0, alpha·(e^x - 1) otherwise."""
    x = _as_float(x)
    return _like(x, np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))))


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> np.ndarray:
    """1 for x > 0, alpha·e^x otherwise."""
    x = _as_float(x)
    return _like(x, np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))))


def selu(x: ArrayLike) -> np.ndarray:
    """SELU: λ·elu(x, α) with λ = SELU_LAMBDA, α = SELU_ALPHA."""
    x = _as_float(x)
    return _like(x, SELU_LAMBDA * elu(x, SELU_ALPHA))


def selu_grad(x: ArrayLike) -> np.ndarray:
    """λ for x > 0, λ·α·e^x otherwise."""
    x = _as_float(x)
    return _like(x, SELU_LAMBDA * elu_grad(x, SELU_ALPHA))


def swish(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    """Swish: x·σ(beta·x)."""
    x = _as_float(x)
    return _like(x, x * sigmoid(beta * x))


def swish_grad(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    """σ(βx) + βx·σ(βx)(1 - σ(βx))."""
    x = _as_float(x)
    s = sigmoid(beta * x)
    return _like(x, s + beta * x * s * (1 - s))


def softplus(x: ArrayLike) -> np.ndarray:
    """log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|)."""
    x = _as_float(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x: ArrayLike) -> np.ndarray:
    """softplus'(x) = σ(x)."""
    return sigmoid(x)


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    """softmax(x)_i = e^(x_i - max x) / Σ_j e^(x_j - max x) along axis."""
    x = _as_float(x)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_jacobian(x: ArrayLike) -> np.ndarray:
    """For 1-D x: ∂s_i/∂x_j = s_i(δ_ij - s_j), i.e. diag(s) - s sᵀ."""
    s = softmax(np.ravel(_as_float(x)))
    return np.diag(s) - np.outer(s, s)


def _maxout_pieces(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """x as float and every piece z[..., k, j] = (x @ W[k] + b[k])[..., j]."""
    x = _as_float(x)
    W = np.asarray(W, dtype=x.dtype)
    b = np.asarray(b, dtype=x.dtype)
    return x, np.einsum("...i,kij->...kj", x, W) + b


def maxout(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Maxout: max over k of x @ W[k] + b[k]; W (k, d_in, d_out), b (k, d_out)."""
    _, z = _maxout_pieces(x, W, b)
    return np.max(z, axis=-2)


def maxout_grad(x: ArrayLike, W: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Jacobian ∂out_j/∂x_i = W[k*, i, j], k* the winning piece: shape (..., d_out, d_in)."""
    x, z = _maxout_pieces(x, W, b)
    winner = np.argmax(z, axis=-2)  # (..., d_out); ties go to the lowest k
    W_by_output = np.asarray(W, dtype=x.dtype).transpose(0, 2, 1)  # (k, d_out, d_in)
    return W_by_output[winner, np.arange(W_by_output.shape[1])]


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
