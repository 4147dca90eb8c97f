"""The reference MNIST recipe in solutions.train: block minibatches and the pixel shift (its
helpers), and what training with _fit does (loss falls, every sample once per epoch, the rate's
schedule from its start to nothing), tested by behaviour, not by re-deriving its constants."""

from __future__ import annotations

import itertools
from typing import ClassVar

import numpy as np
import pytest

from grader.datasets import load_mnist
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


# ---- the pixel shift of small training sets -----------------------------------------------------


def digits_with_blank_border(n, rng):
    images = np.zeros((n, 28, 28), np.float32)
    images[:, 4:24, 4:24] = rng.random((n, 20, 20), dtype=np.float32)
    return images.reshape(n, 784)


def test_each_block_moves_by_at_most_one_pixel_each_way_independently():
    rng = np.random.default_rng(0)
    images, block = digits_with_blank_border(400, rng), 8
    padded = np.pad(images, ((0, 0), (train._REACH, train._REACH)))
    batches = list(train._block_batches(padded, np.arange(400), 64, rng, block, shift=True))
    assert sorted(np.concatenate([yb for _, yb in batches])) == list(range(400))
    moves = []
    for xb, yb in batches:
        assert xb.shape == (len(yb), 784) and xb.dtype == np.float32
        for start in range(0, len(yb), block):
            found = {
                (dy, dx)
                for i in range(start, start + block)
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                if np.array_equal(np.roll(images[yb[i]].reshape(28, 28), (dy, dx), axis=(0, 1)),
                                  xb[i].reshape(28, 28))
            }  # fmt: skip
            assert len(found) == 1  # the block's images all moved the same way, by one move
            moves.append(found.pop())
    assert len(set(moves)) == 9  # all nine moves occur: each block draws its own


# ---- _fit: what training does, seen from outside ------------------------------------------------


class RecordingAdam(Adam):
    """Adam that remembers the learning rate of every update."""

    rates: ClassVar[list[float]] = []

    def update(self, params, grads):
        RecordingAdam.rates.append(self.lr)
        super().update(params, grads)


@pytest.fixture(scope="module")
def digits():
    """1,000 images of the bundled MNIST subset, every 8th pixel: real, learnable data that
    trains in a moment (the recipe's ~800 updates on full images take seconds)."""
    (X, y), _ = load_mnist()
    return X[:1000, ::8], y[:1000]


@pytest.mark.slow  # trains a model: 0.5 s idle, 10+ s with both cores busy (BLAS threads)
def test_fit_lowers_the_training_loss_and_decays_the_rate_to_zero(digits, monkeypatch):
    monkeypatch.setattr(train, "Adam", RecordingAdam)
    RecordingAdam.rates = []
    first = []

    def after_epoch(epoch: int, model: mlp.MLP) -> None:
        if epoch == 0:
            first.append(model.loss(*digits))

    model = train._fit(*digits, on_epoch=after_epoch)
    assert isinstance(model, mlp.MLP)
    last = model.loss(*digits)
    assert last < 0.5 * first[0] and last < 0.5  # ln 10 = 2.3 is guessing
    rates = np.array(RecordingAdam.rates)
    assert rates[0] > 0 and np.all(np.diff(rates) <= 0)  # starts positive, never rises
    assert rates[-1] <= rates[0] / 100  # and ends at (nearly) nothing


@pytest.mark.slow  # trains a model
def test_fit_uses_every_sample_once_per_epoch(monkeypatch):
    """Rows that carry their index (not 784 wide, so no pixel shift): between two on_epoch
    calls, the updates saw each row exactly once."""
    n = 1000
    X = np.arange(n, dtype=np.float32)[:, None] * np.ones((1, 5), np.float32) / n
    y = np.arange(n) % 10
    seen: list[np.ndarray] = []
    gradient = mlp.MLP.gradient

    def recording_gradient(self, xb, yb):
        seen.append(np.rint(xb[:, 0] * n).astype(int))
        return gradient(self, xb, yb)

    monkeypatch.setattr(mlp.MLP, "gradient", recording_gradient)
    boundaries = [0]
    train._fit(X, y, on_epoch=lambda epoch, model: boundaries.append(len(seen)))
    assert len(boundaries) > 2
    for start, end in itertools.pairwise(boundaries):
        epoch = np.concatenate(seen[start:end])
        np.testing.assert_array_equal(np.sort(epoch), np.arange(n))


def test_fit_stops_after_the_epoch_that_passes_its_time_budget(digits):
    epochs = []
    train._fit(*digits, time_budget_s=0, on_epoch=lambda epoch, model: epochs.append(epoch))
    assert epochs == [0]


def test_the_networks_gradient_matches_central_differences():
    """The recipe's network (its first layer skips dx) still gets every gradient right:
    checked against central differences of its own loss, in float64."""
    rng = np.random.default_rng(0)
    net = mlp.MLP([6, 5, 3], seed=0)
    x, t = rng.standard_normal((4, 6)), np.array([0, 2, 1, 2])
    grads = net.gradient(x, t)
    for name in ("W1", "b1", "W2", "b2"):
        param, numeric = net.params[name], np.zeros_like(net.params[name])
        for index in np.ndindex(param.shape):
            kept = param[index]
            param[index] = kept + 1e-5
            up = net.loss(x, t)
            param[index] = kept - 1e-5
            down = net.loss(x, t)
            param[index] = kept
            numeric[index] = (up - down) / 2e-5
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)
