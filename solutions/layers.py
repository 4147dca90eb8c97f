"""Layers of a computation graph: forward computes and remembers, backward applies the chain rule.

Each backward(dout) takes ∂L/∂output and returns ∂L/∂input: the upstream gradient times the
local derivative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .activations import _as_float, leaky_relu_grad, sigmoid, tanh
from .losses import _labels, _log_softmax


class MulLayer:
    """Multiply node: out = x·y; backward swaps the inputs: dx = dout·y, dy = dout·x."""

    def __init__(self) -> None:
        self.x = None
        self.y = None

    def forward(self, x, y):
        """out = x·y, remembering x and y for backward."""
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """(dout·y, dout·x)."""
        return dout * self.y, dout * self.x


class AddLayer:
    """Add node: out = x + y; backward passes dout through unchanged to both inputs."""

    def __init__(self) -> None:
        pass

    def forward(self, x, y):
        """out = x + y."""
        return x + y

    def backward(self, dout):
        """(dout, dout)."""
        return dout * 1, dout * 1


class Affine:
    """Fully connected layer: out = x W + b, x flattened to (N, d_in)."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = W
        self.b = b
        self.x = None
        self.x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = x W + b, with x reshaped to (N, d_in)."""
        x = _as_float(x)
        self.x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        out = self.x @ self.W
        out += self.b
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout Wᵀ (in x's shape), dW = xᵀ dout, db = Σ_batch dout."""
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return (dout @ self.W.T).reshape(self.x_shape)


class Activation:
    """Elementwise activation layer from a pair (f, f_grad): backward is dout·f'(x)."""

    def __init__(self, f: Callable, f_grad: Callable) -> None:
        self.f = f
        self.f_grad = f_grad
        self.x = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = f(x)."""
        self.x = _as_float(x)
        return self.f(self.x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout·f'(x)."""
        return dout * self.f_grad(self.x)


class Relu:
    """ReLU layer: out = max(0, x); backward lets dout through only where x > 0."""

    def __init__(self) -> None:
        self.mask = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = max(0, x), remembering where x ≤ 0."""
        x = _as_float(x)
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout where x > 0, else 0."""
        return dout * ~self.mask


class Sigmoid:
    """Sigmoid layer: out = σ(x); backward uses the output: dx = dout·out(1 - out)."""

    def __init__(self) -> None:
        self.out = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = σ(x)."""
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout·out(1 - out)."""
        return dout * self.out * (1 - self.out)


class Tanh:
    """Tanh layer: out = tanh(x); backward dx = dout·(1 - out²)."""

    def __init__(self) -> None:
        self.out = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = tanh(x)."""
        self.out = tanh(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout·(1 - out²)."""
        return dout * (1 - self.out * self.out)


class LeakyRelu:
    """Leaky ReLU layer: x for x > 0, alpha·x otherwise, so negative inputs still learn."""

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = alpha
        self.x = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = x for x > 0, alpha·x otherwise."""
        self.x = _as_float(x)
        return np.where(self.x > 0, self.x, self.alpha * self.x).astype(self.x.dtype)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout for x > 0, alpha·dout otherwise."""
        return dout * leaky_relu_grad(self.x, self.alpha)


class SoftmaxWithLoss:
    """Softmax then cross-entropy; together their backward is simply (y - t) / N."""

    def __init__(self) -> None:
        self.loss = None
        self.y = None
        self.t = None
        self.x_shape = None

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        """y = softmax(x); loss = -mean log y[label] (t labels or one-hot)."""
        x = _as_float(x)
        self.x_shape = x.shape
        x = np.atleast_2d(x)
        self.t = t
        log_y = _log_softmax(x)
        self.y = np.exp(log_y)
        n = len(x)
        self.loss = float(-np.mean(log_y[np.arange(n), _labels(t, n)]))
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """dx = (y - onehot(t))·dout / N."""
        n = len(self.y)
        dx = self.y.copy()
        dx[np.arange(n), _labels(self.t, n)] -= 1
        return (dx * (dout / n)).reshape(self.x_shape)
