"""Optimisers: turn gradients into parameter updates, in place."""

from __future__ import annotations

import math

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
            v = _slot(self.v, key, params[key])
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
        self._work: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr·m̂ / (√v̂ + eps)."""
        self.t += 1
        m_correction = 1 - self.beta1**self.t  # m̂ = m / m_correction
        v_correction = 1 - self.beta2**self.t  # v̂ = v / v_correction
        # lr·m̂ / (√v̂ + eps) = lr_t · m / (√v + eps_t): the corrections fold into two scalars
        lr_t = self.lr * math.sqrt(v_correction) / m_correction
        eps_t = self.eps * math.sqrt(v_correction)
        for key, p in params.items():
            g = grads[key]
            m, v = _slot(self.m, key, p), _slot(self.v, key, p)
            work = _slot(self._work, key, p)  # scratch: the update makes no temporaries
            np.subtract(g, m, out=work)  # m += (1-β1)(g - m)
            work *= 1 - self.beta1
            m += work
            np.multiply(g, g, out=work)  # v += (1-β2)(g² - v)
            work -= v
            work *= 1 - self.beta2
            v += work
            np.sqrt(v, out=work)  # p -= lr_t · m / (√v + eps_t)
            work += eps_t
            np.divide(m, work, out=work)
            work *= lr_t
            p -= work


def _slot(state: dict[str, np.ndarray], key: str, param: np.ndarray) -> np.ndarray:
    """state[key], made as zeros shaped like param on first use (and only then allocated)."""
    if key not in state:
        state[key] = np.zeros_like(param)
    return state[key]
