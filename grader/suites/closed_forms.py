"""The suites' own closed forms, in float64, written independently of `solutions/`.

Where possible they use a different formula from the one students are taught (sigmoid via
tanh, softplus via logaddexp), so a shared mistake cannot hide.
"""

from __future__ import annotations

import numpy as np

SELU_LAMBDA = 1.0507009873554805  # Klambauer et al. 2017, "Self-Normalizing Neural Networks"
SELU_ALPHA = 1.6732632423543772


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_grad(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


# name -> (f, f') for every activation in ACTIVATIONS (the contract's defaults for parameters)
ACTIVATIONS = {
    "step": (lambda x: (x > 0) * 1.0, lambda x: np.zeros_like(x)),
    "sign": (np.sign, lambda x: np.zeros_like(x)),
    "identity": (lambda x: x * 1.0, lambda x: np.ones_like(x)),
    "piecewise_linear": (
        lambda x: np.minimum(np.maximum(x + 0.5, 0.0), 1.0),
        lambda x: ((x > -0.5) & (x < 0.5)) * 1.0,
    ),
    "sigmoid": (sigmoid, lambda x: sigmoid(x) * sigmoid(-x)),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.where(x > 0, x, 0.0), lambda x: (x > 0) * 1.0),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01)),
    "elu": (elu, elu_grad),
    "selu": (
        lambda x: SELU_LAMBDA * elu(x, SELU_ALPHA),
        lambda x: SELU_LAMBDA * elu_grad(x, SELU_ALPHA),
    ),
    "swish": (
        lambda x: x * sigmoid(x),
        lambda x: sigmoid(x) + x * sigmoid(x) * sigmoid(-x),
    ),
    "softplus": (lambda x: np.logaddexp(0.0, x), sigmoid),
}

# where each activation has a kink or a jump: random test points stay clear of these
KINKS = {"step": [0.0], "sign": [0.0], "piecewise_linear": [-0.5, 0.5]}
for _name in ("relu", "leaky_relu", "elu", "selu"):
    KINKS[_name] = [0.0]


def softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True)
    return np.exp(z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True)))


def log_softmax(x):
    z = x - np.max(x, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def maxout(x, W, b):
    pieces = np.stack([x @ W[k] + b[k] for k in range(len(W))])
    return pieces.max(axis=0)


def one_hot(labels, classes):
    return np.eye(classes)[labels]


def mlp_forward(params, x, activation):
    """Logits of Affine → activation → ... → Affine (no activation after the last Affine)."""
    f = ACTIVATIONS[activation][0]
    layers = len(params) // 2
    for i in range(1, layers + 1):
        x = x @ params[f"W{i}"] + params[f"b{i}"]
        if i < layers:
            x = f(x)
    return x


def mlp_loss(params, x, labels, activation):
    """Mean softmax cross-entropy of the logits (exact: no EPS)."""
    logits = mlp_forward(params, x, activation)
    return -np.mean(log_softmax(logits)[np.arange(len(labels)), labels])


def mlp_gradient(params, x, labels, activation):
    """∂ mlp_loss / ∂params by backprop through the grader's own forward, in closed form."""
    f, f_grad = ACTIVATIONS[activation]
    layers = len(params) // 2
    inputs, pre = [], []
    for i in range(1, layers + 1):
        inputs.append(x)
        z = x @ params[f"W{i}"] + params[f"b{i}"]
        pre.append(z)
        x = f(z) if i < layers else z
    dz = (softmax(x) - one_hot(labels, x.shape[1])) / len(labels)
    grads = {}
    for i in range(layers, 0, -1):
        grads[f"W{i}"] = inputs[i - 1].T @ dz
        grads[f"b{i}"] = dz.sum(axis=0)
        if i > 1:
            dz = (dz @ params[f"W{i}"].T) * f_grad(pre[i - 2])
    return grads
