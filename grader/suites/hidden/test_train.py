"""Unit 8: minibatches, the training loop and MNIST (15 points): hidden tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import as_array, fail
from grader.suites.public.test_train import (
    N,
    batches,
    blobs,
    history_numbers,
    linear_accuracy,
    run_train,
)


@pytest.mark.points(1)
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


@pytest.mark.points(1)
def test_train_updates_once_per_minibatch(sub):
    _, _, optimizer = run_train(sub, epochs=3, batch_size=8)
    expected = 3 * math.ceil(60 / 8)
    if optimizer.updates != expected:
        fail(
            f"3 epochs over 60 samples in batches of 8 must call optimizer.update {expected} "
            f"times (once per minibatch); it was called {optimizer.updates} times"
        )


@pytest.mark.points(0.5)
def test_train_is_reproducible(sub):
    first = sub.fetch(sub.ref(run_train(sub, seed=3)[1], "params"))
    second = sub.fetch(sub.ref(run_train(sub, seed=3)[1], "params"))
    if not np.any(first["W"]):
        fail("train must train the model: its weights are still all zero")
    if not np.array_equal(first["W"], second["W"]):
        fail("train with the same seed must give the same model")


LR, EPOCHS, RUN_BATCH, RUN_SEED = 0.5, 3, 8, 3


def epoch_batches(sub, x, t, rng):
    """One epoch of the student's own iterate_minibatches (tested on its own) as arrays."""
    result = sub.probe("list")(sub.train.iterate_minibatches(x, t, RUN_BATCH, rng))
    return [
        (as_array(xb, "xb"), np.asarray(as_array(yb, "yb"), dtype=np.int64)) for xb, yb in result
    ]


def probe_loss(W, b, x, t) -> float:
    """What the probe LinearSoftmaxModel's loss computes (the grader knows its code)."""
    p = cf.softmax(x @ W + b)
    return float(-np.mean(np.log(p[np.arange(len(t)), t] + 1e-12)))


def simulate(epochs_of_batches, x, t, x_val, t_val):
    """The grader's own run of train's contract with the probe model and SGD(LR)."""
    W, b = np.zeros((2, 3)), np.zeros(3)
    history = {"before": [], "after": [], "last": [], "train_acc": [], "val_acc": []}
    for batches_ in epochs_of_batches:
        before, after = [], []
        for xb, yb in batches_:
            before.append(probe_loss(W, b, xb, yb))
            dz = cf.softmax(xb @ W + b) - cf.one_hot(yb, 3)
            dz /= len(dz)
            W, b = W - LR * (xb.T @ dz), b - LR * dz.sum(axis=0)
            after.append(probe_loss(W, b, xb, yb))
        history["before"].append(float(np.mean(before)))
        history["after"].append(float(np.mean(after)))
        history["last"].append(before[-1])
        params = {"W": W, "b": b}
        history["train_acc"].append(linear_accuracy(params, x, t))
        history["val_acc"].append(linear_accuracy(params, x_val, t_val))
    return history, W, b


@pytest.mark.points(2.5)
def test_train_history_is_the_run(sub):
    """Replay the run in the grader: one rng for the whole run, the mean of the epoch's
    minibatch losses (taken before or after each update), the accuracies after each epoch."""
    x, t = blobs(1)
    x_val, t_val = blobs(2, n=30)
    rng = sub.probe("default_rng")(RUN_SEED)
    orders = [epoch_batches(sub, x, t, rng) for _ in range(EPOCHS)]
    if not all(orders):
        fail("iterate_minibatches yielded no minibatch: train has nothing to replay")
    expected, W, b = simulate(orders, x, t, x_val, t_val)
    model = sub.probe("LinearSoftmaxModel")(2, 3)
    history = sub.train.train(
        model,
        x,
        t,
        epochs=EPOCHS,
        batch_size=RUN_BATCH,
        optimizer=sub.probe("CountingSGD")(LR),
        X_val=x_val,
        y_val=t_val,
        seed=RUN_SEED,
    )
    if not isinstance(history, dict):
        fail("train must return the history: a dict of lists 'loss', 'train_acc', 'val_acc'")
    params = sub.fetch(sub.ref(model, "params"))
    got = np.concatenate([np.ravel(params["W"]), np.ravel(params["b"])]).astype(np.float64)
    if not np.allclose(got, np.concatenate([W.ravel(), b]), rtol=1e-7, atol=1e-10):
        _, W_same, b_same = simulate([orders[0]] * EPOCHS, x, t, x_val, t_val)
        if np.allclose(got, np.concatenate([W_same.ravel(), b_same]), rtol=1e-7, atol=1e-10):
            fail(
                "every epoch visited the samples in the same order: make ONE rng from the seed "
                "before the first epoch and hand that same rng to iterate_minibatches every epoch"
            )
        fail(
            f"after {EPOCHS} epochs the model is not where one update per minibatch, in the "
            "order iterate_minibatches gives with one rng for the whole run, would take it"
        )
    loss = history_numbers(history, "loss", "epoch loss")
    if not (
        np.allclose(loss, expected["before"], rtol=1e-6)
        or np.allclose(loss, expected["after"], rtol=1e-6)
    ):
        if np.allclose(loss, expected["last"], rtol=1e-6):
            fail("history['loss'] holds the last minibatch's loss: record the MEAN over the epoch")
        fail("history['loss'] must be the mean of the epoch's minibatch losses, one per epoch")
    for key in ("train_acc", "val_acc"):
        if not np.allclose(history_numbers(history, key, "accuracy"), expected[key]):
            data = "X, y" if key == "train_acc" else "X_val, y_val"
            fail(f"history[{key!r}] must be the model's accuracy on {data} after each epoch")
