"""A multilayer perceptron built from layers: Affine → activation → … → Affine → SoftmaxWithLoss."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import activations
from .gradcheck import numerical_gradient as _numerical_gradient
from .layers import Activation, Affine, LeakyRelu, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from .losses import _labels

INIT_METHODS = ("xavier", "he", "normal")
_DEDICATED_LAYERS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh, "leaky_relu": LeakyRelu}


def init_weights(fan_in: int, fan_out: int, method: str, rng: np.random.Generator) -> np.ndarray:
    """Weights (fan_in, fan_out): xavier U(±√(6/(in+out))), he N(0, 2/in), normal N(0, 0.01²)."""
    if method == "xavier":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    if method == "he":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    if method == "normal":
        return rng.normal(0.0, 0.01, size=(fan_in, fan_out))
    raise ValueError(f"unknown weight_init {method!r}: use one of {', '.join(INIT_METHODS)}")


class MLP:
    """Fully connected network: hidden layers Affine + activation, output Affine, softmax loss."""

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        weight_init: str = "he",
        seed: int | None = None,
        dtype: str = "float64",
    ) -> None:
        if activation not in activations.ACTIVATIONS:
            allowed = ", ".join(activations.ACTIVATIONS)
            raise ValueError(f"unknown activation {activation!r}: use one of {allowed}")
        rng = np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = {}
        self.layers: list = []
        n_affine = len(layer_sizes) - 1
        for i in range(1, n_affine + 1):
            W = init_weights(layer_sizes[i - 1], layer_sizes[i], weight_init, rng).astype(dtype)
            self.params[f"W{i}"] = W
            self.params[f"b{i}"] = np.zeros(layer_sizes[i], dtype=dtype)
            affine = _InputAffine if i == 1 else Affine
            self.layers.append(affine(W, self.params[f"b{i}"]))
            if i < n_affine:
                self.layers.append(_activation_layer(activation))
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Logits: x through every layer but the loss."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Softmax cross-entropy of predict(x) against t (labels or one-hot)."""
        return self.last_layer.forward(self.predict(x), t)

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """∂loss/∂params by backprop: forward, then backward through the layers in reverse."""
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        affines = [layer for layer in self.layers if isinstance(layer, Affine)]
        grads = {}
        for i, layer in enumerate(affines, start=1):
            grads[f"W{i}"], grads[f"b{i}"] = layer.dW, layer.db
        return grads

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """∂loss/∂params by central differences (slow; for checking gradient())."""
        return {
            key: _numerical_gradient(lambda _: self.loss(x, t), param)
            for key, param in self.params.items()
        }

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose largest logit is the label."""
        predicted = np.argmax(self.predict(x), axis=1)
        return float(np.mean(predicted == _labels(t, len(predicted))))


class _InputAffine(Affine):
    """The first Affine layer: its x is the data, so backward skips dx, which nothing would use."""

    def backward(self, dout: np.ndarray) -> None:
        """dW = xᵀ dout, db = Σ_batch dout; no dx (saves a third of this layer's work)."""
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)


def _activation_layer(name: str):
    """The hidden activation layer for a name in ACTIVATIONS."""
    if name in _DEDICATED_LAYERS:
        return _DEDICATED_LAYERS[name]()
    return Activation(*activations.ACTIVATIONS[name])
