"""The training loop: shuffle, cut into minibatches, compute gradients, update, measure."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from .mlp import MLP
from .optim import Adam


def iterate_minibatches(
    X: ArrayLike, y: ArrayLike, batch_size: int, rng: np.random.Generator | int | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (xb, yb) shuffled, every sample exactly once; the last batch may be short."""
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(rng).permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        yield X[batch], y[batch]


def train(
    model,
    X: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int,
    batch_size: int,
    optimizer,
    X_val: ArrayLike | None = None,
    y_val: ArrayLike | None = None,
    seed: int | None = None,
) -> dict[str, list[float]]:
    """Minibatch gradient descent for `epochs`; history of mean loss and accuracies per epoch."""
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        losses = []
        for xb, yb in iterate_minibatches(X, y, batch_size, rng):
            losses.append(model.loss(xb, yb))
            optimizer.update(model.params, model.gradient(xb, yb))
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(model.accuracy(X, y))
        if X_val is not None and y_val is not None:
            history["val_acc"].append(model.accuracy(X_val, y_val))
    return history


def fit_mnist(X_train: ArrayLike, y_train: ArrayLike, time_budget_s: float = 60):
    """A recipe that reaches ≥ 92% on the bundled test split: 784-128-10 ReLU MLP, Adam."""
    X = np.asarray(X_train)
    X = (X / 255.0 if X.dtype == np.uint8 else X).reshape(len(X), -1).astype(np.float32)
    y = np.asarray(y_train)
    model = MLP([X.shape[1], 128, 10], activation="relu", weight_init="he", seed=0, dtype="float32")
    optimizer = Adam(lr=0.002)
    deadline = time.monotonic() + 0.8 * time_budget_s
    for epoch in range(20):
        train(model, X, y, epochs=1, batch_size=64, optimizer=optimizer, seed=epoch)
        if time.monotonic() > deadline:
            break
    return model
