"""Unit 8: minibatches, the training loop and MNIST at a target accuracy (15 points).

`train` is tested alone with a known-good model and optimiser from `grader.sandbox.probes`. For
MNIST the grader sends only the training split into the worker, asks the trained model for logits
on test images, and computes the accuracy itself: test labels never leave the grader. The test
images are private (MNIST test-set images no student has, only in the autograder edition); the
student edition scores the same test on its validation split, as a local estimate.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from grader import datasets
from grader.edition import EDITION
from grader.suites.checks import as_array, check_shape, fail

N, BATCH = 23, 5
X = np.arange(N, dtype=np.float64)[:, None] * np.array([[1.0, 10.0]])  # row i is (i, 10i)
Y = np.arange(N)

MNIST_TARGET = 0.92  # full marks at or above this accuracy on the 1,000 scoring images
MNIST_FLOOR = 0.50  # no credit at or below this; linear in between (see accuracy_credit)
FIT_BUDGET_S = 20  # passed to fit_mnist as time_budget_s: CPU seconds of the worker
# Measured CPU time may exceed the budget by this much before the test fails: a recipe checks
# its clock between epochs, so it overshoots by up to one epoch (a fraction of a second here).
FIT_CPU_GRACE_S = 5
# Wall clock only guards against a hang: load slows a call down but does not change its CPU
# time, so the budget the student works to is the CPU time above, not this.
FIT_TIME_LIMIT_S = 40


def accuracy_credit(accuracy: float) -> float:
    """Share of the MNIST points: 0 up to 50%, rising linearly to 1 at the 92% target."""
    return float(np.clip((accuracy - MNIST_FLOOR) / (MNIST_TARGET - MNIST_FLOOR), 0.0, 1.0))


def batches(sub, rng):
    result = sub.probe("list")(sub.train.iterate_minibatches(X, Y, BATCH, rng))
    if not isinstance(result, list) or not all(
        isinstance(b, tuple | list) and len(b) == 2 for b in result
    ):
        fail("iterate_minibatches must yield pairs (xb, yb)")
    if not result:
        fail(f"iterate_minibatches over {N} samples yielded no minibatch at all")
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


@pytest.mark.points(1)
def test_train_history_has_one_entry_per_epoch(sub):
    history, _, optimizer = run_train(sub, epochs=4)
    if optimizer.updates == 0:
        fail("train must train: it never called optimizer.update")
    for key in ("loss", "train_acc"):
        if len(history.get(key, [])) != 4:
            fail(f"after 4 epochs history[{key!r}] must hold 4 numbers")
    if history.get("val_acc") != []:
        fail("without validation data history['val_acc'] must be an empty list")
    history, _, _ = run_train(sub, epochs=3, with_validation=True)
    if len(history.get("val_acc", [])) != 3:
        fail("with X_val, y_val history['val_acc'] must hold one accuracy per epoch")


def linear_accuracy(params, x, t) -> float:
    """Accuracy of the probe model's logits x W + b, computed in the grader from its params."""
    W, b = np.asarray(params["W"], np.float64), np.asarray(params["b"], np.float64)
    return float(np.mean(np.argmax(x @ W + b, axis=1) == t))


def history_numbers(history, key, what):
    values = history.get(key)
    if not isinstance(values, list):
        fail(f"history[{key!r}] must be a list of numbers, one per epoch")
    return [float(as_array(v, f"history[{key!r}] ({what})")) for v in values]


@pytest.mark.points(1)
def test_train_learns_and_measures(sub, record_artifact):
    """The loss must fall, and the accuracies the history claims are recomputed by the grader."""
    history, model, _ = run_train(sub, epochs=5, with_validation=True)
    record_artifact("train_history", plain_history(history))
    loss = history_numbers(history, "loss", "epoch loss")
    if len(loss) != 5 or not loss[-1] < loss[0]:
        fail("on easy data the epoch loss must go down over 5 epochs")
    params = sub.fetch(sub.ref(model, "params"))
    x, t = blobs(1)
    x_val, t_val = blobs(2, n=30)
    for key, data, name in (
        ("train_acc", (x, t), "X, y"),
        ("val_acc", (x_val, t_val), "X_val, y_val"),
    ):
        claimed = history_numbers(history, key, "accuracy")
        if not claimed or not np.isclose(claimed[-1], linear_accuracy(params, *data)):
            fail(f"history[{key!r}] must be the model's accuracy on {name} after each epoch")


@pytest.fixture(scope="module")
def mnist():
    """(training split, scoring split, what the scoring split is)."""
    train, validation = datasets.load_mnist()
    if datasets.has_private_test():
        return train, datasets.load_private_test(), "private"
    if EDITION == "student":
        return train, validation, "validation"
    raise datasets.DatasetError(
        "the private MNIST test set is missing from this grader: grade with the autograder "
        "edition (grade release), not the student edition"
    )


def worker_cpu_seconds(sub) -> float | None:
    """CPU seconds used so far by the worker and every process under it (Linux /proc), else None.

    Measured from outside: the submission cannot change it, and load does not.
    """
    worker = sub._ensure_worker()
    root = worker.process.pid
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # it ended while we looked
            stats[int(entry.name)] = (int(fields[1]), sum(int(v) for v in fields[11:15]))
    if root not in stats:
        return None
    tree, total = {root}, 0
    for pid in sorted(stats):  # children have larger pids, short of pid wrap-around
        if pid in tree or stats[pid][0] in tree:
            tree.add(pid)
            total += stats[pid][1]
    return total / tick


@pytest.mark.points(6.5)
def test_fit_mnist_reaches_the_target_accuracy(sub, mnist, record_credit, record_metric):
    (x_train, y_train), (x_test, y_test), scored_on = mnist
    record_metric("mnist_target", MNIST_TARGET)
    start, cpu_before = time.monotonic(), worker_cpu_seconds(sub)
    with sub.time_limit(FIT_TIME_LIMIT_S):
        model = sub.train.fit_mnist(x_train, y_train, time_budget_s=FIT_BUDGET_S)
    cpu_after = worker_cpu_seconds(sub)
    record_metric("mnist_train_s", round(time.monotonic() - start, 2))
    if cpu_before is not None and cpu_after is not None:
        used = cpu_after - cpu_before
        record_metric("mnist_train_cpu_s", round(used, 2))
        if used > FIT_BUDGET_S + FIT_CPU_GRACE_S:
            fail(
                f"fit_mnist used {used:.0f} CPU seconds, over its budget of time_budget_s = "
                f"{FIT_BUDGET_S} CPU seconds: check time.process_time() between epochs"
            )
    with sub.time_limit(30):
        logits = [
            as_array(model.predict(chunk), "model.predict(X_test)")
            for chunk in np.array_split(x_test, 4)
        ]
    for chunk, out in zip(np.array_split(x_test, 4), logits, strict=True):
        check_shape(out, (len(chunk), 10), "model.predict on test images (logits, one row each)")
    accuracy = float(np.mean(np.argmax(np.concatenate(logits), axis=1) == y_test))
    where = "test" if scored_on == "private" else "validation"
    record_metric(f"mnist_{where}_accuracy", round(accuracy, 4))
    estimate = (
        ""
        if scored_on == "private"
        else " (on load_mnist()'s validation split: a local estimate; your grade uses 1,000 "
        "private test images)"
    )
    if accuracy < MNIST_TARGET:
        record_credit(accuracy_credit(accuracy))
        fail(
            f"{where} accuracy {accuracy:.1%}{estimate} is below the {MNIST_TARGET:.0%} target "
            f"(partial credit {accuracy_credit(accuracy):.0%}): train longer, try Adam, "
            "a wider hidden layer or a larger learning rate"
        )
