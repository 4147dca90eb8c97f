"""The reference MNIST recipe in solutions.train (private helpers): block minibatches, the pixel
shift, and what _fit promises."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pytest

from solutions import mlp, train
from solutions.optim import Adam

# ---- _block_batches --------------------------------------------------------------------


def numbered(n):
    """X whose rows carry their own index, y the index itself."""
    return np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32), np.arange(n)


@pytest.mark.parametrize(
    ("n", "batch_size", "block"), [(1000, 256, 64), (1000, 64, 64), (10, 4, 3)]
)
def test_block_batches_hold_every_sample_once_in_whole_blocks(n, batch_size, block):
    X, y = numbered(n)
    batches = list(train._block_batches(X, y, batch_size, np.random.default_rng(0), block))
    assert sorted(np.concatenate([yb for _, yb in batches])) == list(range(n))
    for xb, yb in batches:
        assert len(yb) <= max(batch_size, block)
        np.testing.assert_array_equal(xb[:, 0], yb)  # rows stay with their labels
        runs = np.split(yb, np.flatnonzero(np.diff(yb) != 1) + 1)
        assert all(run[0] % block == 0 for run in runs)  # each block starts on a block boundary


def test_block_order_changes_from_epoch_to_epoch_and_repeats_with_the_seed():
    X, y = numbered(1000)

    def epoch_order(rng):
        return np.concatenate([yb for _, yb in train._block_batches(X, y, 128, rng)])

    rng = np.random.default_rng(1)
    first, second = epoch_order(rng), epoch_order(rng)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, epoch_order(np.random.default_rng(1)))


# ---- _shift_by_a_pixel -------------------------------------------------------------------------


def digits_with_blank_border(n, rng):
    images = np.zeros((n, 28, 28), np.float32)
    images[:, 4:24, 4:24] = rng.random((n, 20, 20), dtype=np.float32)
    return images.reshape(n, 784)


def test_each_image_moves_by_at_most_one_pixel_each_way_independently():
    rng = np.random.default_rng(0)
    images = digits_with_blank_border(300, rng)
    shifted = train._shift_by_a_pixel(images, rng)
    assert shifted.shape == images.shape and shifted.dtype == np.float32
    moves = []
    for before, after in zip(images.reshape(-1, 28, 28), shifted.reshape(-1, 28, 28), strict=True):
        found = [
            (dy, dx)
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            if np.array_equal(np.roll(before, (dy, dx), axis=(0, 1)), after)
        ]
        assert len(found) == 1
        moves.append(found[0])
    assert len(set(moves)) == 9  # all nine moves occur: each image draws its own


# ---- _fit ---------------------------------------------------------------------------------------


class RecordingAdam(Adam):
    """Adam that remembers the learning rate of every update."""

    rates: ClassVar[list[float]] = []

    def update(self, params, grads):
        RecordingAdam.rates.append(self.lr)
        super().update(params, grads)


@pytest.fixture
def small_set():
    rng = np.random.default_rng(0)
    return digits_with_blank_border(600, rng), rng.integers(0, 10, 600)


def test_fit_runs_enough_epochs_for_min_updates_and_decays_the_rate_to_zero(small_set, monkeypatch):
    monkeypatch.setattr(train, "_MIN_UPDATES", 12)
    monkeypatch.setattr(train, "_EPOCHS", 2)
    monkeypatch.setattr(train, "Adam", RecordingAdam)
    RecordingAdam.rates = []
    epochs = []
    model = train._fit(*small_set, on_epoch=lambda epoch, model: epochs.append(epoch))
    assert isinstance(model, mlp.MLP)
    steps_per_epoch = math.ceil(600 / train._BATCH_SIZE)  # 2
    assert epochs == list(range(6))  # max(EPOCHS, ceil(12 / 2)) epochs, on_epoch after each
    rates = np.array(RecordingAdam.rates)
    assert len(rates) == 6 * steps_per_epoch
    expected = train._LEARNING_RATE * (1 - np.arange(12) / 12)
    np.testing.assert_allclose(rates, expected)


def test_fit_stops_after_the_epoch_that_passes_its_time_budget(small_set):
    epochs = []
    train._fit(*small_set, time_budget_s=0, on_epoch=lambda epoch, model: epochs.append(epoch))
    assert epochs == [0]


def test_first_layer_of_the_network_skips_dx_and_keeps_dw():
    rng = np.random.default_rng(0)
    net = mlp.MLP([6, 5, 3], seed=0)
    x, t = rng.standard_normal((4, 6)), np.array([0, 2, 1, 2])
    grads = net.gradient(x, t)
    first = net.layers[0]
    assert first.backward(np.ones((4, 5))) is None
    reference = mlp.Affine(first.W, first.b)
    reference.forward(x)
    net.gradient(x, t)
    dout = net.layers[1].backward(net.layers[2].backward(net.last_layer.backward(1)))
    reference.backward(dout)
    np.testing.assert_allclose(grads["W1"], reference.dW)
    np.testing.assert_allclose(grads["b1"], reference.db)
