"""Unit 1: perceptrons and logic gates (10 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.sandbox.proxy import StudentError
from grader.suites.checks import fail
from grader.suites.public.test_gates import INPUTS, TRUTH_TABLES, check_truth_table, train_and_check

BUILDING_BLOCKS = ("perceptron", "AND", "NAND", "OR")


@pytest.mark.points(1)
def test_xor_is_built_from_the_gates(sub):
    """With perceptron, AND, NAND and OR taken away, an XOR built from them can no longer run."""
    check_truth_table(sub.gates.XOR, "XOR")
    namespace = sub.ref(sub.gates, "__dict__")
    saved = {name: sub.ref(sub.gates, name) for name in BUILDING_BLOCKS}
    try:
        for name in BUILDING_BLOCKS:
            namespace[name] = None
        try:
            sub.gates.XOR(1, 0)
        except StudentError:
            return  # XOR called a gate (now None): it is a composition
    finally:
        for name, original in saved.items():
            namespace[name] = original
    fail(
        "XOR must be built from your gates (two layers: NAND and OR, then AND); it still "
        "answered with perceptron, AND, NAND and OR taken away, so it computes XOR another way"
    )


@pytest.mark.points(1)
def test_train_perceptron_cannot_learn_xor(sub):
    w, b, converged = train_and_check(sub, "XOR", seed=0)
    if converged:
        fail("train_perceptron on XOR must report converged=False: no line separates XOR")
    expected = rosenblatt("XOR", 0.1, 100, seed=0)
    if w.shape != (2,) or not (np.allclose(w, expected[0]) and np.isclose(b, expected[1])):
        fail("train_perceptron on XOR must keep applying the rule for all its epochs")


@pytest.mark.points(0.5)
def test_train_perceptron_is_reproducible(sub):
    first = train_and_check(sub, "OR", seed=3)
    second = train_and_check(sub, "OR", seed=3)
    if (
        first[0].shape != (2,)
        or {x: int(np.dot(x, first[0]) + first[1] > 0) for x in INPUTS} != TRUTH_TABLES["OR"]
    ):
        fail("train_perceptron on OR: the learned w, b do not reproduce the truth table")
    if not (np.array_equal(first[0], second[0]) and first[1] == second[1]):
        fail("train_perceptron with the same seed must give the same w and b")


def rosenblatt(name: str, lr: float, epochs: int, seed: int) -> tuple[np.ndarray, float, bool]:
    """The grader's own run of the rule the stub states: w = 0, b = 0, rng.permutation order."""
    X = np.array(INPUTS, dtype=float)
    y = np.array([TRUTH_TABLES[name][x] for x in INPUTS])
    rng = np.random.default_rng(seed)
    w, b = np.zeros(2), 0.0
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = int(y[i]) - int(np.dot(w, X[i]) + b > 0)
            w, b, mistakes = w + lr * error * X[i], b + lr * error, mistakes + (error != 0)
        if mistakes == 0:
            return w, b, True
    return w, b, False


@pytest.mark.points(1)
@pytest.mark.parametrize(("name", "epochs"), [("NAND", 100), ("OR", 2)])
def test_train_perceptron_follows_the_rule_from_zero(sub, name, epochs):
    X = np.array(INPUTS, dtype=float)
    y = np.array([TRUTH_TABLES[name][x] for x in INPUTS])
    result = sub.gates.train_perceptron(X, y, lr=0.1, epochs=epochs, seed=5)
    if not (isinstance(result, tuple) and len(result) == 3):
        fail("train_perceptron must return a tuple (w, b, converged)")
    w, b, converged = np.asarray(result[0], dtype=float), float(result[1]), bool(result[2])
    expected = rosenblatt(name, 0.1, epochs, seed=5)
    if w.shape != (2,) or not (np.allclose(w, expected[0]) and np.isclose(b, expected[1])):
        fail(
            f"train_perceptron on {name} ({epochs} epochs) ended at other weights than the rule "
            "gives: start from w = 0 and b = 0, visit the samples in the shuffled order one rng "
            "made from the seed gives each epoch, and update after every sample"
        )
    if converged != expected[2]:
        fail(f"train_perceptron on {name} ({epochs} epochs) reported converged={converged}")
