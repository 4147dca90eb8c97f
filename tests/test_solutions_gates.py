"""solutions.gates: perceptrons, the four gates' truth tables, and Rosenblatt's learning rule."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solutions import gates

INPUTS = list(itertools.product((0, 1), repeat=2))
TABLES = {
    "AND": (0, 0, 0, 1),
    "NAND": (1, 1, 1, 0),
    "OR": (0, 1, 1, 1),
    "XOR": (0, 1, 1, 0),
}
X = np.array(INPUTS, dtype=np.float64)


@pytest.mark.parametrize("name", list(TABLES))
def test_truth_tables(name):
    gate = getattr(gates, name)
    outputs = tuple(gate(x1, x2) for x1, x2 in INPUTS)
    assert outputs == TABLES[name]
    assert all(type(out) is int for out in outputs)


def test_perceptron_fires_strictly_above_zero():
    assert gates.perceptron([1, 1], [0.5, 0.5], -0.7) == 1  # 0.3 > 0
    assert gates.perceptron([1, 0], [0.5, 0.5], -0.5) == 0  # exactly 0 does not fire
    assert gates.perceptron([1, 0], [0.5, 0.5], -0.4) == 1
    assert gates.perceptron(np.array([2.0, -1.0, 3.0]), np.array([1.0, 4.0, 1.0]), -0.5) == 1
    assert gates.perceptron(np.array([2.0, -1.0, 3.0]), np.array([1.0, 4.0, 1.0]), -1.5) == 0
    assert type(gates.perceptron([1, 1], [0.5, 0.5], -0.7)) is int


def perceptron_table(w: np.ndarray, b: float) -> tuple[int, ...]:
    """The truth table of the line w·x + b > 0, computed here without solutions.gates."""
    return tuple(int(float(np.dot(w, x)) + b > 0) for x in X)


@pytest.mark.parametrize("seed", [0, 1, 2, 7])
@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
def test_train_perceptron_learns_linear_gates(name, seed):
    w, b, converged = gates.train_perceptron(X, np.array(TABLES[name]), seed=seed)
    assert converged is True
    assert isinstance(w, np.ndarray) and w.dtype == np.float64 and w.shape == (2,)
    assert isinstance(b, float)  # a Python float or np.float64
    assert perceptron_table(w, b) == TABLES[name]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_train_perceptron_fails_on_xor(seed):
    w, b, converged = gates.train_perceptron(X, np.array(TABLES["XOR"]), epochs=50, seed=seed)
    assert converged is False
    assert perceptron_table(w, b) != TABLES["XOR"]


def test_one_update_by_hand():
    # One sample (1, 1) with target 1 and zero start: predicts 0, so w = lr·x, b = lr.
    w, b, converged = gates.train_perceptron([[1.0, 1.0]], [1], lr=0.5, epochs=1)
    np.testing.assert_array_equal(w, [0.5, 0.5])
    assert b == 0.5 and converged is False  # the only epoch made a mistake
    w, b, converged = gates.train_perceptron([[1.0, 1.0]], [1], lr=0.5, epochs=2)
    np.testing.assert_array_equal(w, [0.5, 0.5])
    assert b == 0.5 and converged is True  # the second epoch made none


def test_no_mistake_in_the_first_epoch_returns_at_once():
    w, b, converged = gates.train_perceptron(X, [0, 0, 0, 0], epochs=100, seed=0)
    np.testing.assert_array_equal(w, [0.0, 0.0])
    assert b == 0.0 and converged is True


def rosenblatt(X, y, lr, epochs, seed):
    """The agreed rule, written out independently: shuffled visits, update on every mistake."""
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = y[i] - (1 if float(w @ X[i]) + b > 0 else 0)
            w, b = w + lr * error * X[i], b + lr * error
            mistakes += error != 0
        if mistakes == 0:
            return w, b, True
    return w, b, False


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("name", ["AND", "OR", "XOR"])
def test_train_perceptron_follows_the_agreed_order_and_rule(name, seed):
    y = np.array(TABLES[name])
    w, b, converged = gates.train_perceptron(X, y, lr=0.1, epochs=20, seed=seed)
    w_ref, b_ref, converged_ref = rosenblatt(X, y, 0.1, 20, seed)
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-12)  # same sums, maybe other rounding
    assert b == pytest.approx(b_ref, abs=1e-12)
    assert converged == converged_ref


def test_same_seed_same_result():
    y = np.array(TABLES["OR"])
    first = gates.train_perceptron(X, y, seed=5)
    second = gates.train_perceptron(X, y, seed=5)
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1:] == second[1:]
