"""Training speed: the reference MNIST recipe against a textbook-style baseline, epoch by epoch.

python bench/bench_training.py [--fashion DIR] [--only mnist-subset|fashion-mnist]

Runs the reference recipe (solutions.train.fit_mnist, through its _fit, which takes a
callback) and, after each of its epochs, one epoch of the textbook baseline
(bench/textbook_baseline.py) and a burst of float32 matrix multiplies, so all three see the same
machine state (on a shared VM that state drifts by 1.5x within minutes). Prints, per data set:
median seconds per epoch, time to 90%/95% (bundled MNIST subset) or 85%/88% (Fashion-MNIST) test
accuracy counted in training time only, GFLOP/s of each recipe's matrix products as a share of
the matrix-multiply throughput, and the ratio of epoch times. Fashion-MNIST is read with our
loader from DIR (default: Debian's dataset-fashion-mnist); it is skipped when absent.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import textbook_baseline as textbook  # bench/ is on sys.path when run as a script

from grader.datasets import DatasetError, load_mnist
from solutions import train as reference

FASHION = Path("/usr/share/datasets/fashion-mnist")
TARGETS = {"mnist-subset": (0.90, 0.95), "fashion-mnist": (0.85, 0.88)}


def matmul_gflops(size: int = 1024, repeats: int = 4) -> float:
    """This machine's float32 matrix-multiply throughput right now (best of `repeats`)."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    a @ a  # warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ a
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def reference_flops_per_sample(inputs: int = 784, classes: int = 10) -> int:
    """Matrix-product flops per sample in the reference recipe: forward and dW for both Affine
    layers, dx for the second only (the first layer's input is data); 2 per multiply-add."""
    first, second = inputs * reference._HIDDEN, reference._HIDDEN * classes
    return 2 * (2 * first + 3 * second)


@dataclass
class Recipe:
    """Epoch times and test accuracies of one recipe, in training time only."""

    name: str
    flops_per_epoch: float
    epoch_s: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)

    def record(self, seconds: float, accuracy: float) -> None:
        self.epoch_s.append(seconds)
        self.accuracy.append(accuracy)

    def time_to(self, target: float) -> float | None:
        """Training seconds until test accuracy first reached target."""
        elapsed = 0.0
        for seconds, accuracy in zip(self.epoch_s, self.accuracy, strict=True):
            elapsed += seconds
            if accuracy >= target:
                return elapsed
        return None

    def summary(self, targets: tuple[float, ...], peak: float) -> str:
        per_epoch = statistics.median(self.epoch_s)
        gflops = self.flops_per_epoch / per_epoch / 1e9
        reached = ", ".join(_reached(t, self.time_to(t)) for t in targets)
        return (
            f"  {self.name:<9} {per_epoch:6.3f} s/epoch  final {self.accuracy[-1]:.2%}  {reached}  "
            f"{gflops:5.1f} GFLOP/s = {gflops / peak:.0%} of matmul"
        )


def _reached(target: float, seconds: float | None) -> str:
    return f"{target:.0%} not reached" if seconds is None else f"{target:.0%} at {seconds:.2f} s"


class SideBySide:
    """fit_mnist's on_epoch: time the reference epoch just run, then one baseline epoch."""

    def __init__(self, data: tuple, ours: Recipe, theirs: Recipe) -> None:
        (self.x_train, self.y_train), (self.x_test, self.y_test) = data
        self.ours, self.theirs = ours, theirs
        self.net = textbook.TwoLayerNet(self.x_train.shape[1], textbook.HIDDEN, 10)
        self.x_train64 = self.x_train.astype(np.float64)
        self.x_test64 = self.x_test.astype(np.float64)
        self.rng = np.random.default_rng(0)
        self.peaks: list[float] = []
        self.mark = time.perf_counter()

    def __call__(self, epoch: int, model) -> None:
        ours_s = time.perf_counter() - self.mark
        self.ours.record(ours_s, model.accuracy(self.x_test, self.y_test))
        start = time.perf_counter()
        textbook.train_epoch(self.net, self.x_train64, self.y_train, self.rng)
        theirs_s = time.perf_counter() - start
        self.theirs.record(theirs_s, self.net.accuracy(self.x_test64, self.y_test))
        self.peaks.append(matmul_gflops(repeats=2))
        self.mark = time.perf_counter()


def compare(name: str, data: tuple) -> None:
    (x_train, y_train), (x_test, _) = data
    n = len(x_train)
    ours = Recipe("reference", reference_flops_per_sample() * n)
    theirs = Recipe("textbook", textbook.flops_per_epoch(n))
    side_by_side = SideBySide(data, ours, theirs)
    reference._fit(x_train, y_train, time_budget_s=3600, on_epoch=side_by_side)
    peak = statistics.median(side_by_side.peaks)
    print(f"{name}: {n} training / {len(x_test)} test images, {len(ours.epoch_s)} epochs each")
    print(f"  float32 matrix multiply (1024x1024, median over epochs): {peak:.1f} GFLOP/s")
    print(ours.summary(TARGETS[name], peak))
    print(theirs.summary(TARGETS[name], peak))
    ratio = statistics.median(t / o for t, o in zip(theirs.epoch_s, ours.epoch_s, strict=True))
    print(f"  reference epoch is {ratio:.2f}x faster than the textbook's (median of epoch pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fashion", type=Path, default=FASHION, help="Fashion-MNIST IDX folder")
    parser.add_argument("--only", choices=sorted(TARGETS), help="run one data set")
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    sets = {"mnist-subset": lambda: load_mnist()}
    sets["fashion-mnist"] = lambda: load_mnist(args.fashion, kind="fashion-mnist")
    for name, load in sets.items():
        if args.only not in (None, name):
            continue
        try:
            data = load()
        except DatasetError as exc:
            print(f"{name}: skipped ({str(exc).splitlines()[0]})")
            continue
        compare(name, data)


if __name__ == "__main__":
    main()
