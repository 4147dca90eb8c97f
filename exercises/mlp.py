"""Unit 6: a multilayer perceptron built from your layers.

MLP([784, 100, 10]) is Affine → activation → Affine → SoftmaxWithLoss. Its `params` dict
(W1, b1, W2, b2, ...) holds the very arrays the Affine layers use, so an optimiser that
changes params in place trains the network. Forward runs the layers in order; backward runs
them in reverse, starting from the loss layer's backward(1). Implement init_weights, then MLP.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

INIT_METHODS = ("xavier", "he", "normal")


def init_weights(fan_in: int, fan_out: int, method: str, rng: np.random.Generator) -> np.ndarray:
    """A (fan_in, fan_out) weight matrix drawn from rng.

    "xavier": uniform in ±√(6 / (fan_in + fan_out)) (Glorot & Bengio 2010; suits sigmoid and
    tanh; the book's chapter-6 "Xavier", normal with std √(1 / fan_in), is not this one);
    "he": normal with std √(2 / fan_in) (suits ReLU, which zeroes half its inputs);
    "normal": normal with std 0.01. Any other method: raise ValueError naming these three.
    Hint: the Generator's uniform and normal methods draw arrays of a given size.
    """
    raise NotImplementedError("draw the weights from rng by the method's formula")


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
        """Build self.params, self.layers and self.last_layer.

        params: W1, b1, ..., WL, bL; W_i = init_weights(sizes[i-1], sizes[i], weight_init, rng)
        with ONE rng = np.random.default_rng(seed), b_i zeros; both cast to `dtype`.
        layers: Affine(W_i, b_i) using those same arrays, each followed (all but the last) by the
        activation named `activation`: Relu(), Sigmoid(), Tanh() or LeakyRelu() where such a
        layer exists, else Activation(*ACTIVATIONS[activation]); an unknown name raises
        ValueError. last_layer: SoftmaxWithLoss().
        Import relatively at the top of this file: `from .activations import ACTIVATIONS`,
        `from .layers import Affine, Relu, ...`.
        """
        raise NotImplementedError("build the parameters, the layers and the loss layer")

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Logits (N, classes): x through every layer in order (not the loss layer)."""
        raise NotImplementedError("pass the input forward through every layer in order")

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Softmax cross-entropy of predict(x) against t (labels or one-hot)."""
        raise NotImplementedError("the loss layer applied to the network's output and the targets")

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """∂loss/∂params by backprop: a dict with the same keys as params.

        Forward (loss), then dout = last_layer.backward(1) and dout = layer.backward(dout) for
        the layers in reverse; collect each Affine's dW and db.
        """
        raise NotImplementedError("forward, then backward through reversed layers; collect dW, db")

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """∂loss/∂params by central differences (your gradcheck.numerical_gradient on each param).

        Hint: a function of the parameter that just returns this loss works, because
        numerical_gradient changes the param array in place.
        """
        raise NotImplementedError("the numerical gradient of the loss for every parameter")

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose largest logit is the label (t labels or one-hot)."""
        raise NotImplementedError("mean of argmax(predict(x), axis=1) == labels")
