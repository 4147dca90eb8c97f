"""Batch throughput: submissions per minute for 40 mixed submissions at -j 1 and -j 2.

python bench/bench_batch.py [--count 40] [--jobs 1 2]

The class is built from the reference and the stubs: full solutions, half-done work (the
first units solved, the rest stubs), stubs only, a syntax error and one that hangs at import.
Every unit is graded, MNIST included, with a per-call limit of 10 s.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UNITS = ["gates", "activations", "losses", "layers", "gradcheck", "mlp", "optim", "train"]


def make_class(root: Path, count: int) -> dict[str, int]:
    """`count` submissions in a cycle of five kinds; returns how many of each."""
    kinds = {"full": 0, "half": 0, "stubs": 0, "syntax": 0, "hang": 0}
    for index in range(count):
        kind = list(kinds)[index % len(kinds)]
        kinds[kind] += 1
        folder = root / f"{kind}{index:03d}"
        source = REPO / ("solutions" if kind in ("full", "hang") else "exercises")
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__"))
        if kind == "half":
            for unit in UNITS[:4]:
                shutil.copy(REPO / "solutions" / f"{unit}.py", folder / f"{unit}.py")
        elif kind == "syntax":
            (folder / "gates.py").write_text("def perceptron(x, w, b:\n")
        elif kind == "hang":  # loops at import: one call times out, then the unit is written off
            with open(folder / "activations.py", "a") as module:
                module.write("\n\nwhile True:\n    pass\n")
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only-blas", action="store_true", help="only the BLAS-pinning comparison")
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "class"
        root.mkdir()
        kinds = make_class(root, args.count)
        print(f"{args.count} submissions: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
        rates = {}
        for jobs in [] if args.only_blas else args.jobs:
            out = Path(scratch) / f"out-j{jobs}"
            command = ["grade", "batch", str(root), "--out", str(out), "-j", str(jobs)]
            start = time.perf_counter()
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            seconds = time.perf_counter() - start
            rates[jobs] = args.count / seconds * 60
            print(f"-j {jobs}: {seconds:7.1f} s  {rates[jobs]:6.1f} submissions/minute")
        if 1 in rates and len(rates) > 1:
            best = max(rates)
            print(f"speed-up -j {best} vs -j 1: {rates[best] / rates[1]:.2f}x")
        blas_effect(root, scratch)


def blas_effect(root: Path, scratch: str) -> None:
    """The full submissions' train unit at -j 2: BLAS pinned (1 thread each) vs. 2 threads each."""
    full = Path(scratch) / "full-only"
    full.mkdir()
    for folder in sorted(root.glob("full*")):
        shutil.copytree(folder, full / folder.name)
    for threads in (1, 2):
        out = Path(scratch) / f"out-blas{threads}"
        command = ["grade", "batch", str(full), "--out", str(out), "-j", "2", "--unit", "train",
                   "--blas-threads", str(threads)]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        label = "pinned, 1 BLAS thread per worker" if threads == 1 else "2 BLAS threads per worker"
        print(f"train unit of the full submissions, -j 2, {label}: {seconds:6.1f} s")


if __name__ == "__main__":
    main()
