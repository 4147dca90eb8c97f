"""Optimisers: turn gradients into parameter updates, in place."""

from __future__ import annotations

import numpy as np


class SGD:
    """Stochastic gradient descent: p ← p - lr·g."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """p -= lr·g for every parameter."""
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """SGD with momentum: v ← μ·v - lr·g, p ← p + v."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """v = μ·v - lr·g; p += v."""
        for key in params:
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            v *= self.momentum
            v -= self.lr * grads[key]
            params[key] += v


class Adam:
    """Adam: running means of g and g², bias-corrected, p ← p - lr·m̂ / (√v̂ + eps)."""

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr·m̂ / (√v̂ + eps)."""
        self.t += 1
        for key in params:
            g = grads[key]
            m = self.m.setdefault(key, np.zeros_like(params[key]))
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            m_hat = m / (1 - self.beta1**self.t)
            v_hat = v / (1 - self.beta2**self.t)
            params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
