"""Unit 7: optimisers — turn gradients into parameter updates.

Each `update(params, grads)` changes every array params[key] IN PLACE (`params[key] -= ...`):
the network's layers hold those very arrays, so `params[key] = params[key] - ...` would leave
the network unchanged. Implement SGD, then Momentum, then Adam.
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Stochastic gradient descent: p ← p - lr·g."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """For every key: params[key] -= lr·grads[key]."""
        raise NotImplementedError("step each parameter against its gradient times lr, in place")


class Momentum:
    """Momentum: a velocity that remembers past steps, v ← μ·v - lr·g, p ← p + v."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: dict[str, np.ndarray] = {}  # one velocity per key, zeros at first

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """v[key] = μ·v[key] - lr·g; params[key] += v[key] (v starts at zeros)."""
        raise NotImplementedError("keep a velocity per parameter; add it to the parameter")


class Adam:
    """Adam: running means of g and g², bias-corrected (Kingma & Ba 2015).

    t ← t + 1;  m ← β1·m + (1 - β1)·g;  v ← β2·v + (1 - β2)·g²;
    m̂ = m / (1 - β1^t);  v̂ = v / (1 - β2^t);  p ← p - lr·m̂ / (√v̂ + eps).
    eps (default 1e-8) only keeps the division finite. The book's form, which folds both
    corrections into lr_t = lr·√(1 - β2^t) / (1 - β1^t) and adds a fixed 1e-7 to √v, differs
    only when gradients are tiny; the grader accepts either.
    """

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t = 0  # number of updates so far
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """One Adam step for every key (see the class docstring); t counts calls from 1."""
        raise NotImplementedError("update m and v, bias-correct them, then step params in place")
