"""Grading latency of the reference, as a user meets it: whole `grade` processes.

python bench/bench_grade.py unit     # `grade solutions --unit gates`, median of 5 processes
python bench/bench_grade.py course   # `grade solutions`, every unit, MNIST training included
python bench/bench_grade.py units    # each unit alone, in one process (where the time goes)

Options: --repeats N (default 5), --isolation auto|bubblewrap|limits-only. Targets (issue 17,
on the 2-core reference machine): unit <= 0.40 s, course <= 3.0 s. Start-up part by part:
bench/bench_startup.py.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
GRADE = Path(sys.executable).parent / "grade"
TARGETS = {"unit": 0.40, "course": 3.0}


def process_seconds(arguments: list[str], repeats: int) -> list[float]:
    """Wall seconds of `repeats` whole `grade` processes (report in a temporary folder)."""
    timings = []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        command = [str(GRADE), str(SOLUTIONS), *arguments, "-q",
                   "--report", str(Path(scratch) / "report.yaml")]  # fmt: skip
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=scratch)
            timings.append(time.perf_counter() - start)
    return timings


def in_process_seconds(units: list[str], isolation: str, repeats: int) -> tuple[float, float]:
    """(median seconds, score) of run_suites on the reference in this process."""
    from grader.grading.runner import run_suites

    timings, score = [], 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        run = run_suites(SOLUTIONS, units=units, isolation=isolation)
        timings.append(time.perf_counter() - start)
        score = sum(result.points for result in run.results)
    return statistics.median(timings), score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("row", choices=["unit", "course", "units"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    isolation = ["--isolation", args.isolation]
    if args.row in TARGETS:
        units = ["--unit", "gates"] if args.row == "unit" else []
        timings = process_seconds([*units, *isolation], args.repeats)
        what = "grade solutions" + (" --unit gates" if units else "")
        print(f"{what}: median {statistics.median(timings):.2f} s of {args.repeats} processes "
              f"(min {min(timings):.2f}, max {max(timings):.2f}; "
              f"target <= {TARGETS[args.row]:.2f} s)")  # fmt: skip
        return
    from grader.units import UNITS

    for unit in UNITS:
        seconds, score = in_process_seconds([unit], args.isolation, args.repeats)
        print(f"  {unit:<12} {seconds:6.2f} s  (score {score:.1f}, median of {args.repeats})")


if __name__ == "__main__":
    main()
