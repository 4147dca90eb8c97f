"""The baseline: a two-layer net trained the way the classic textbook does it, for comparison.

Written in the style of the backprop chapter of Saito's "Deep Learning from Scratch" (a layer
dictionary, Affine / ReLU / softmax-with-loss layers, float64 weights drawn with std 0.01), with its
training loop: 784-50-10, plain SGD with lr 0.1, batches of 100 drawn with replacement, and the
loss computed again after each update for the loss log. Independent of solutions/ on purpose, so
that speeding up the reference does not speed up the baseline.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

HIDDEN = 50
BATCH_SIZE = 100
LEARNING_RATE = 0.1
WEIGHT_INIT_STD = 0.01


class Affine:
    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W, self.b = W, b

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


class Relu:
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout[self.mask] = 0
        return dout


class SoftmaxWithLoss:
    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        self.t = t
        shifted = x - x.max(axis=1, keepdims=True)
        self.y = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
        return float(-np.sum(np.log(self.y[np.arange(len(t)), t] + 1e-7)) / len(t))

    def backward(self, dout: float = 1) -> np.ndarray:
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dx * dout / len(self.t)


class TwoLayerNet:
    """784-50-10: Affine, ReLU, Affine, then softmax with cross-entropy."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": WEIGHT_INIT_STD * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": WEIGHT_INIT_STD * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        return float(np.mean(np.argmax(self.predict(x), axis=1) == t))

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        first, second = self.layers["Affine1"], self.layers["Affine2"]
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}


def train_epoch(
    net: TwoLayerNet, x: np.ndarray, t: np.ndarray, rng: np.random.Generator
) -> list[float]:
    """One epoch = len(x) / 100 iterations: sample a batch, gradient, SGD step, log the loss."""
    losses = []
    for _ in range(iterations_per_epoch(len(x))):
        batch = rng.choice(len(x), BATCH_SIZE)
        x_batch, t_batch = x[batch], t[batch]
        grad = net.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= LEARNING_RATE * grad[key]
        losses.append(net.loss(x_batch, t_batch))
    return losses


def iterations_per_epoch(n_train: int) -> int:
    """The book's epoch: as many batches of 100 as the training set holds, at least one."""
    return max(n_train // BATCH_SIZE, 1)


def flops_per_epoch(n_train: int, input_size: int = 784, output_size: int = 10) -> int:
    """Matrix-product flops of one epoch: per sample, two forward passes (gradient and loss log),
    dW and dx for both Affine layers; 2 flops per multiply-add."""
    weights = input_size * HIDDEN + HIDDEN * output_size
    return 2 * weights * (2 + 1 + 1) * BATCH_SIZE * iterations_per_epoch(n_train)
