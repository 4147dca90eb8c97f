"""Training speed: the reference recipe vs. a textbook-style baseline, on MNIST and Fashion-MNIST.

python bench/bench_training.py [--fashion DIR] [--epochs N]

Reports seconds per epoch, time to 90%/95% (bundled MNIST subset) and 85%/88% (Fashion-MNIST)
test accuracy, and achieved GFLOP/s as a share of this machine's float32 matrix multiply,
measured in the same run. Fashion-MNIST is read with our loader from DIR (default: Debian's
dataset-fashion-mnist at /usr/share/datasets/fashion-mnist); it is skipped if absent.
"""

from __future__ import annotations

import argparse
import itertools
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from grader.datasets import DatasetError, load_mnist
from solutions.mlp import MLP
from solutions.optim import SGD, Adam
from solutions.train import train

FASHION = Path("/usr/share/datasets/fashion-mnist")


def matmul_gflops(size: int = 1024, repeats: int = 10) -> float:
    """This machine's float32 matrix-multiply throughput."""
    a = np.random.default_rng(0).normal(size=(size, size)).astype(np.float32)
    a @ a  # warm up
    start = time.perf_counter()
    for _ in range(repeats):
        a @ a
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def flops_per_epoch(sizes: list[int], n: int) -> float:
    """Multiply-adds of forward + backward (≈ 3 forward passes) + the loss's extra forward."""
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    return 2 * weights * n * 4


def textbook_epoch(model: MLP, x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> None:
    """The classic recipe: batches of 100 sampled with replacement, SGD lr 0.1, float64."""
    optimizer = SGD(lr=0.1)
    for _ in range(len(x) // 100):
        batch = rng.choice(len(x), 100)
        optimizer.update(model.params, model.gradient(x[batch], y[batch]))


def run(name, data, recipe, epochs, targets, peak):
    (x_train, y_train), (x_test, y_test) = data
    if recipe == "reference":
        sizes, dtype = [784, 128, 10], "float32"
        model = MLP(sizes, activation="relu", seed=0, dtype=dtype)
        optimizer = Adam(lr=0.002)
    else:
        sizes, dtype = [784, 50, 10], "float64"
        model = MLP(sizes, activation="sigmoid", weight_init="normal", seed=0, dtype=dtype)
        rng = np.random.default_rng(0)
    x_train, x_test = x_train.astype(dtype), x_test.astype(dtype)
    elapsed, reached, accuracy = 0.0, {}, 0.0
    for epoch in range(epochs):
        start = time.perf_counter()
        if recipe == "reference":
            train(model, x_train, y_train, epochs=1, batch_size=64, optimizer=optimizer, seed=epoch)
        else:
            textbook_epoch(model, x_train, y_train, rng)
        elapsed += time.perf_counter() - start
        accuracy = model.accuracy(x_test, y_test)
        for target in targets:
            if accuracy >= target and target not in reached:
                reached[target] = elapsed
    per_epoch = elapsed / epochs
    gflops = flops_per_epoch(sizes, len(x_train)) / per_epoch / 1e9
    times = ", ".join(
        f"{t:.0%} at {reached[t]:.2f} s" if t in reached else f"{t:.0%} not reached"
        for t in targets
    )
    print(
        f"  {name:<14} {recipe:<9} {per_epoch:6.3f} s/epoch  final {accuracy:.2%}  {times}  "
        f"{gflops:5.1f} GFLOP/s ({gflops / peak:.0%} of matmul)"
    )
    return per_epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fashion", type=Path, default=FASHION)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    peak = matmul_gflops()
    print(f"float32 matrix multiply: {peak:.1f} GFLOP/s")
    sets = [("mnist-subset", load_mnist(), (0.90, 0.95))]
    try:
        sets.append(("fashion-mnist", load_mnist(args.fashion, kind="fashion-mnist"), (0.85, 0.88)))
    except DatasetError as exc:
        print(f"  (Fashion-MNIST skipped: {str(exc).splitlines()[0]})")
    for name, data, targets in sets:
        reference = run(name, data, "reference", args.epochs, targets, peak)
        baseline = run(name, data, "textbook", args.epochs, targets, peak)
        ratio = baseline / reference
        print(f"  {name}: reference epoch speed = {ratio:.2f}x the textbook's (target >= 2.5x)")


if __name__ == "__main__":
    main()
