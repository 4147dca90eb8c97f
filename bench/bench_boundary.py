"""Cost of the trust boundary: one call, and one 100x784 float32 array each way.

python bench/bench_boundary.py [--isolation auto|bubblewrap|limits-only] [--calls N]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from grader.submissions.sources import open_submission

MODULE = "def identity(x):\n    return x\n\ndef nothing():\n    return None\n"


def per_call_seconds(function, argument, calls: int, repeats: int = 5) -> float:
    """Median over `repeats` of the mean time of `calls` calls."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function(*argument)
        timings.append((time.perf_counter() - start) / calls)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--isolation", default="auto")
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp()) / "bench"
    folder.mkdir()
    (folder / "boundary.py").write_text(MODULE)
    with open_submission(folder, isolation=args.isolation) as sub:
        start = time.perf_counter()
        probe = sub.boundary
        startup = time.perf_counter() - start
        images = np.random.default_rng(0).random((100, 784), dtype=np.float32)
        empty = per_call_seconds(probe.nothing, (), args.calls)
        array = per_call_seconds(probe.identity, (images,), max(args.calls // 10, 50))
        print(f"command: python {shlex.join(sys.argv)}")
        print(f"isolation: {sub.isolation}")
        print(f"worker start + import: {startup * 1e3:.1f} ms")
        print(f"one call (no arguments): {empty * 1e6:.0f} us")
        print(f"100x784 float32 there and back: {array * 1e6:.0f} us")


if __name__ == "__main__":
    main()
