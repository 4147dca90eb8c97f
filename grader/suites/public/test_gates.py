"""Unit 1: perceptrons and logic gates (10 points)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from grader.suites.checks import fail

INPUTS = list(itertools.product((0, 1), repeat=2))
TRUTH_TABLES = {
    "AND": {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1},
    "NAND": {(0, 0): 1, (0, 1): 1, (1, 0): 1, (1, 1): 0},
    "OR": {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 1},
    "XOR": {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0},
}


def as_bit(value: object, what: str) -> int:
    """A gate's output must be the number 0 or 1."""
    if isinstance(value, (bool, int, float, np.number)) and float(value) in (0.0, 1.0):
        return int(value)
    fail(f"{what} must return 0 or 1; got {value!r}")


def check_truth_table(gate: object, name: str) -> None:
    for x1, x2 in INPUTS:
        got = as_bit(gate(x1, x2), f"{name}({x1}, {x2})")
        if got != TRUTH_TABLES[name][(x1, x2)]:
            fail(f"{name}({x1}, {x2}) must be {TRUTH_TABLES[name][(x1, x2)]}; got {got}")


@pytest.mark.points(1)
def test_perceptron_fires_only_above_zero(sub):
    perceptron = sub.gates.perceptron
    w = np.array([0.5, 0.5])
    cases = [((1, 1), -0.7, 1), ((1, 0), -0.7, 0), ((0, 0), 0.0, 0), ((1, 1), -1.0, 0)]
    for x, b, expected in cases:
        what = f"perceptron(x={x}, w=(0.5, 0.5), b={b})"
        got = as_bit(perceptron(np.array(x, dtype=float), w, b), what)
        if got != expected:
            hint = " (w·x + b = 0 is not > 0)" if np.dot(x, w) + b == 0 else ""
            fail(f"{what} must be {expected}; got {got}{hint}")


@pytest.mark.points(3)
@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
def test_single_layer_gate(sub, name):
    check_truth_table(getattr(sub.gates, name), name)


@pytest.mark.points(1)
def test_xor_truth_table(sub):
    check_truth_table(sub.gates.XOR, "XOR")


def train_and_check(sub, name: str, seed: int) -> tuple[np.ndarray, float, bool]:
    X = np.array(INPUTS, dtype=float)
    y = np.array([TRUTH_TABLES[name][x] for x in INPUTS])
    result = sub.gates.train_perceptron(X, y, lr=0.1, epochs=100, seed=seed)
    if not (isinstance(result, tuple) and len(result) == 3):
        fail("train_perceptron must return a tuple (w, b, converged)")
    w, b, converged = result
    return np.asarray(w, dtype=float), float(b), bool(converged)


@pytest.mark.points(1.5)
@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
def test_train_perceptron_learns_linear_gates(sub, name):
    w, b, converged = train_and_check(sub, name, seed=0)
    if w.shape != (2,):
        fail(f"train_perceptron on {name}: w must have shape (2,); got {w.shape}")
    learned = {x: int(np.dot(x, w) + b > 0) for x in INPUTS}
    if learned != TRUTH_TABLES[name]:
        fail(f"train_perceptron on {name}: the learned w, b do not reproduce the truth table")
    if not converged:
        fail(f"train_perceptron on {name} must report converged=True once an epoch has no mistakes")
