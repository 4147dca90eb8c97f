"""Unit 4: layers of a computation graph — forward computes and remembers, backward applies
the chain rule.

Each backward(dout) receives ∂L/∂output from the layer above and returns ∂L/∂input: the
upstream gradient times the local derivative. A multiply node sends back dout times the OTHER
input; an add node passes dout through unchanged. Worked example: 2 apples at 100 with 10% tax
is (100 × 2) × 1.1 = 220; backward from 1 gives ∂price/∂apple = 2.2, ∂/∂count = 110,
∂/∂tax = 200. Implement MulLayer and AddLayer, then Affine, the activation layers and
SoftmaxWithLoss. Keep what backward needs as attributes in forward.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike


class MulLayer:
    """Multiply node: out = x·y."""

    def __init__(self) -> None:
        self.x = None
        self.y = None

    def forward(self, x, y):
        """out = x·y; remember x and y for backward."""
        raise NotImplementedError("remember both inputs; the output is their product")

    def backward(self, dout):
        """(dx, dy) = (dout·y, dout·x): each input gets dout times the other input."""
        raise NotImplementedError("each input's gradient is dout times the other input")


class AddLayer:
    """Add node: out = x + y."""

    def __init__(self) -> None:
        pass

    def forward(self, x, y):
        """out = x + y."""
        raise NotImplementedError("the output is the sum of the inputs")

    def backward(self, dout):
        """(dx, dy) = (dout, dout): ∂(x + y)/∂x = 1, so dout passes through unchanged."""
        raise NotImplementedError("the upstream gradient passes unchanged to both inputs")


class Affine:
    """Fully connected layer: out = x W + b, with W (d_in, d_out) and b (d_out,)."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = W
        self.b = b
        self.x = None
        self.x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = x W + b; x of shape (N, ...) is flattened to (N, d_in) first.

        Hint: remember x's original shape and the flattened x for backward.
        """
        raise NotImplementedError("flatten each sample, remember it, then the affine map x W + b")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout Wᵀ (in x's original shape); dW = xᵀ dout; db = Σ over the batch of dout.

        Store dW and db as attributes; return dx. Check shapes: dW must match W, db must match b.
        """
        raise NotImplementedError("store dW and db; pass back dout Wᵀ in x's original shape")


class Activation:
    """Any elementwise activation as a layer, from a pair (f, f_grad) such as ACTIVATIONS["elu"]."""

    def __init__(self, f: Callable, f_grad: Callable) -> None:
        self.f = f
        self.f_grad = f_grad
        self.x = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = f(x); remember x."""
        raise NotImplementedError("remember the input; the output is f of it")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout·f'(x) (chain rule, elementwise)."""
        raise NotImplementedError("chain rule: dout times the derivative at the remembered input")


class Relu:
    """ReLU layer: out = max(0, x)."""

    def __init__(self) -> None:
        self.mask = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = max(0, x); remember where x ≤ 0 (a boolean mask)."""
        raise NotImplementedError("remember where the input is not positive; output 0 there")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout where x > 0, 0 where x ≤ 0: gradient flows only through units that fired."""
        raise NotImplementedError("dout with the masked entries set to 0")


class Sigmoid:
    """Sigmoid layer: out = σ(x)."""

    def __init__(self) -> None:
        self.out = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = σ(x); remember out (backward needs only the output)."""
        raise NotImplementedError("the output is the sigmoid of the input; remember it")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout·out(1 - out)."""
        raise NotImplementedError("dout * out * (1 - out)")


class Tanh:
    """Tanh layer: out = tanh(x)."""

    def __init__(self) -> None:
        self.out = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = tanh(x); remember out."""
        raise NotImplementedError("the output is tanh of the input; remember it")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout·(1 - out²)."""
        raise NotImplementedError("dout * (1 - out**2)")


class LeakyRelu:
    """Leaky ReLU layer: x for x > 0, alpha·x otherwise."""

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = alpha
        self.x = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """out = x for x > 0, alpha·x otherwise; remember x."""
        raise NotImplementedError("remember the input; the output is its leaky ReLU")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout for x > 0, alpha·dout otherwise."""
        raise NotImplementedError("dout where x > 0, alpha * dout elsewhere")


class SoftmaxWithLoss:
    """Softmax followed by cross-entropy: the output layer of a classifier."""

    def __init__(self) -> None:
        self.loss = None
        self.y = None
        self.t = None
        self.x_shape = None

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        """y = softmax(x) (stable); loss = -mean over the batch of log y[label].

        t holds labels (N,) or one-hot rows (N, C); keep y and t for backward; return the loss.
        """
        raise NotImplementedError("keep softmax(input) and the targets; the mean cross-entropy")

    def backward(self, dout: float = 1) -> np.ndarray:
        """dx = (y - onehot(t))·dout / N: prediction minus target, averaged over the batch."""
        raise NotImplementedError("prediction minus one-hot target, times dout, over batch size N")
