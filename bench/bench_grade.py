"""Grading latency: `grade solutions` end to end (MNIST included), and each unit alone.

python bench/bench_grade.py [--repeats N] [--isolation auto|bubblewrap|limits-only]
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from pathlib import Path

from grader.grading.runner import run_suites
from grader.units import UNITS

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def wall_seconds(units: list[str] | None, isolation: str, repeats: int) -> tuple[float, float]:
    """(median wall seconds, score) of grading the reference `repeats` times."""
    timings, score = [], 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        run = run_suites(SOLUTIONS, units=units, isolation=isolation)
        timings.append(time.perf_counter() - start)
        score = sum(result.points for result in run.results)
    return statistics.median(timings), score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    total, score = wall_seconds(None, args.isolation, args.repeats)
    print(f"grade solutions, all units: {total:6.2f} s  (score {score:.1f}, target < 10 s)")
    for unit in UNITS:
        seconds, score = wall_seconds([unit], args.isolation, args.repeats)
        print(f"  {unit:<12} {seconds:6.2f} s  (score {score:.1f})")


if __name__ == "__main__":
    main()
