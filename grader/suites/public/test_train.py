"""Unit 8: minibatches, the training loop and MNIST at a target accuracy (15 points).

`train` is tested alone with a known-good model and optimiser from `grader.sandbox.probes`. For
MNIST the grader sends only the training split into the worker, asks the trained model for logits
on test images, and computes the accuracy itself: test labels never leave the grader.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from grader.suites.checks import as_array, check_shape, fail

N, BATCH = 23, 5
X = np.arange(N, dtype=np.float64)[:, None] * np.array([[1.0, 10.0]])  # row i is (i, 10i)
Y = np.arange(N)

MNIST_TARGET = 0.92  # full marks at or above this test accuracy on the bundled subset
MNIST_FLOOR = 0.50  # no credit at or below this; linear in between (see accuracy_credit)
FIT_BUDGET_S = 60  # passed to fit_mnist as time_budget_s
FIT_TIME_LIMIT_S = 120  # hard limit on the call: the budget plus room for a slow machine


def accuracy_credit(accuracy: float) -> float:
    """Share of the MNIST points: 0 up to 50%, rising linearly to 1 at the 92% target."""
    return float(np.clip((accuracy - MNIST_FLOOR) / (MNIST_TARGET - MNIST_FLOOR), 0.0, 1.0))


def batches(sub, rng):
    result = sub.probe("list")(sub.train.iterate_minibatches(X, Y, BATCH, rng))
    if not isinstance(result, list) or not all(
        isinstance(b, tuple | list) and len(b) == 2 for b in result
    ):
        fail("iterate_minibatches must yield pairs (xb, yb)")
    return [(as_array(xb, "xb"), as_array(yb, "yb")) for xb, yb in result]


@pytest.mark.points(1.5)
def test_minibatches_cover_every_sample_once(sub):
    got = batches(sub, 0)
    sizes = [len(yb) for _, yb in got]
    if sorted(np.concatenate([yb for _, yb in got]).tolist()) != list(range(N)):
        fail(f"iterate_minibatches over {N} samples must yield every sample exactly once per epoch")
    if sizes != [5, 5, 5, 5, 3]:
        fail(f"{N} samples in batches of {BATCH} must come as sizes [5, 5, 5, 5, 3]; got {sizes}")
    for xb, yb in got:
        if not np.array_equal(xb, X[yb]):
            fail("each xb must hold the rows of X that belong to the labels in yb")


@pytest.mark.points(1.5)
def test_minibatches_are_shuffled_by_the_rng(sub):
    def order(rng):
        return np.concatenate([yb for _, yb in batches(sub, rng)]).tolist()

    first = order(0)
    if first == list(range(N)):
        fail("iterate_minibatches must shuffle the samples before cutting them into batches")
    if order(0) != first:
        fail("iterate_minibatches with the same seed must give the same order")
    if order(1) == first:
        fail("iterate_minibatches with a different seed must give a different order")
    generator_order = order(sub.probe("default_rng")(0))
    if sorted(generator_order) != list(range(N)):
        fail("iterate_minibatches must also accept a numpy Generator as rng")


def blobs(seed: int, n: int = 60):
    """Three well-separated clusters in 2-D: a linear model learns them in a few epochs."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    return centres[labels] + rng.normal(scale=0.5, size=(n, 2)), labels


def run_train(sub, epochs=4, batch_size=8, with_validation=False, seed=0):
    x, t = blobs(1)
    model = sub.probe("LinearSoftmaxModel")(2, 3)
    optimizer = sub.probe("CountingSGD")(0.5)
    extra = {}
    if with_validation:
        extra["X_val"], extra["y_val"] = blobs(2, n=30)
    history = sub.train.train(
        model, x, t, epochs=epochs, batch_size=batch_size, optimizer=optimizer, seed=seed, **extra
    )
    if not isinstance(history, dict):
        fail("train must return the history: a dict of lists 'loss', 'train_acc', 'val_acc'")
    return history, model, optimizer


def plain_history(history) -> dict:
    """The history as lists of floats (what could be read of it), for the report's plot."""
    plain = {}
    for key in ("loss", "train_acc", "val_acc"):
        try:
            plain[key] = [float(v) for v in history.get(key, [])][:1000]
        except (TypeError, ValueError):
            plain[key] = []
    return plain


@pytest.mark.points(1.5)
def test_train_history_has_one_entry_per_epoch(sub):
    history, _, _ = run_train(sub, epochs=4)
    for key in ("loss", "train_acc"):
        if len(history.get(key, [])) != 4:
            fail(f"after 4 epochs history[{key!r}] must hold 4 numbers")
    if history.get("val_acc") != []:
        fail("without validation data history['val_acc'] must be an empty list")
    history, _, _ = run_train(sub, epochs=3, with_validation=True)
    if len(history.get("val_acc", [])) != 3:
        fail("with X_val, y_val history['val_acc'] must hold one accuracy per epoch")


@pytest.mark.points(1.5)
def test_train_updates_once_per_minibatch(sub):
    _, _, optimizer = run_train(sub, epochs=3, batch_size=8)
    expected = 3 * math.ceil(60 / 8)
    if optimizer.updates != expected:
        fail(
            f"3 epochs over 60 samples in batches of 8 must call optimizer.update {expected} "
            f"times (once per minibatch); it was called {optimizer.updates} times"
        )


@pytest.mark.points(2)
def test_train_learns_and_measures(sub, record_artifact):
    history, model, _ = run_train(sub, epochs=5, with_validation=True)
    record_artifact("train_history", plain_history(history))
    loss = [float(v) for v in history["loss"]]
    if not loss[-1] < loss[0]:
        fail(f"on easy data the epoch loss must go down; it went {loss[0]:.3g} → {loss[-1]:.3g}")
    x, t = blobs(1)
    final = float(np.mean(np.argmax(as_array(model.predict(x), "predict"), axis=1) == t))
    if not np.isclose(float(history["train_acc"][-1]), final):
        fail("history['train_acc'] must be the accuracy on the training data after each epoch")
    if not 0.9 <= float(history["val_acc"][-1]) <= 1.0:
        fail("history['val_acc'] must be the accuracy on X_val, y_val after each epoch")


@pytest.fixture(scope="module")
def mnist():
    from grader.datasets import load_mnist

    return load_mnist()


@pytest.mark.points(6.5)
def test_fit_mnist_reaches_the_target_accuracy(sub, mnist, record_credit, record_metric):
    (x_train, y_train), (x_test, y_test) = mnist
    record_metric("mnist_target", MNIST_TARGET)
    start = time.monotonic()
    with sub.time_limit(FIT_TIME_LIMIT_S):
        model = sub.train.fit_mnist(x_train, y_train, time_budget_s=FIT_BUDGET_S)
    record_metric("mnist_train_s", round(time.monotonic() - start, 2))
    with sub.time_limit(30):
        logits = [
            as_array(model.predict(chunk), "model.predict(X_test)")
            for chunk in np.array_split(x_test, 4)
        ]
    for chunk, out in zip(np.array_split(x_test, 4), logits, strict=True):
        check_shape(out, (len(chunk), 10), "model.predict on test images (logits, one row each)")
    accuracy = float(np.mean(np.argmax(np.concatenate(logits), axis=1) == y_test))
    record_metric("mnist_test_accuracy", round(accuracy, 4))
    if accuracy < MNIST_TARGET:
        record_credit(accuracy_credit(accuracy))
        fail(
            f"test accuracy {accuracy:.1%} is below the {MNIST_TARGET:.0%} target "
            f"(partial credit {accuracy_credit(accuracy):.0%}): train longer, try Adam, "
            "a wider hidden layer or a larger learning rate"
        )
