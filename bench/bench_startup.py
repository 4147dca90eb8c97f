"""Start-up of a grading, part by part: what is spent before the first test runs.

python bench/bench_startup.py [--repeats 5] [--isolation bubblewrap|limits-only]

Medians of `--repeats` runs, each in a fresh process where a fresh process is what a user pays:
the interpreter alone; the interpreter with numpy; the interpreter importing `grader.cli` (what
`grade` imports before it reads its arguments); a worker's start (from launch to its first
answer, under the given isolation); collecting the suites (pytest with the grader's settings,
no test run); and, for scale, one whole `grade solutions --unit gates`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

COLLECT = """
import time
import pytest
from grader.grading import runner
start = time.perf_counter()
with runner._quiet_pytest_environment():
    pytest.main([*runner._pytest_args(), "--collect-only"])
print(time.perf_counter() - start)
"""

WORKER = """
import sys, time
from grader.sandbox.proxy import Submission
start = time.perf_counter()
with Submission({"gates": "X = 1\\n"}, isolation=sys.argv[1]) as sub:
    sub.put(1)  # the first request waits for the worker to start and answer
    print(time.perf_counter() - start)
"""


def process_seconds(command: list[str], repeats: int) -> float:
    """Median wall seconds of running `command` as a whole process."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir())
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def inner_seconds(script: str, args: list[str], repeats: int) -> float:
    """Median of the seconds a script measures itself (its last output line), fresh each run."""
    timings = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True,
            cwd=tempfile.gettempdir(),
        ).stdout  # fmt: skip
        timings.append(float(out.strip().splitlines()[-1]))
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--isolation", default="bubblewrap")
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    python, n = sys.executable, args.repeats
    report = os.path.join(tempfile.mkdtemp(prefix="bench-startup-"), "report.yaml")
    rows = [
        ("python -c pass", process_seconds([python, "-c", "pass"], n)),
        ("python -c 'import numpy'", process_seconds([python, "-c", "import numpy"], n)),
        ("python -c 'import grader.cli'", process_seconds([python, "-c", "import grader.cli"], n)),
        (f"worker start to first answer ({args.isolation})",
         inner_seconds(WORKER, [args.isolation], n)),
        ("collecting the suites (in process)", inner_seconds(COLLECT, [], n)),
        ("grade solutions --unit gates (whole process)", process_seconds(
            [str(Path(python).parent / "grade"), str(REPO / "solutions"), "--unit", "gates",
             "--report", report, "-q", "--isolation", args.isolation], n)),
    ]  # fmt: skip
    for name, seconds in rows:
        print(f"{name:<50} {seconds * 1000:7.0f} ms  (median of {n})")


if __name__ == "__main__":
    main()
