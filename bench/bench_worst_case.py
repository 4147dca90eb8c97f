"""Worst cases end to end: `grade` with default settings on submissions built to take as long
as they can (the reference with one function made hostile). Target: each at most 60 s.

python bench/bench_worst_case.py [--case NAME]... [--isolation auto|bubblewrap|limits-only]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 60.0

#: name -> (module, code appended to it): the hostile part of each worst case.
CASES = {
    "hang in sigmoid (SIGTERM ignored)": (
        "activations",
        """
import signal
def sigmoid(x):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        pass
""",
    ),
    "near-limit caller (9.5 s of 10 per sigmoid call)": (
        "activations",
        """
import time
_sigmoid = sigmoid
def sigmoid(x):
    time.sleep(9.5)
    return _sigmoid(x)
""",
    ),
    "decode bomb (2.4 million tiny lists from sigmoid)": (
        "activations",
        """
_bomb = [[[0]] * 600_000] * 4
def sigmoid(x):
    return _bomb
""",
    ),
    "spin in SoftmaxWithLoss.forward (SIGTERM ignored)": (
        "layers",
        """
import signal
def _spin(self, *args, **kwargs):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        pass
SoftmaxWithLoss.forward = _spin
""",
    ),
}


def build(case: str, target: Path) -> Path:
    """The reference with the case's code appended to its module."""
    module, code = CASES[case]
    shutil.copytree(REPO / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    with open(target / f"{module}.py", "a", encoding="utf-8") as stream:
        stream.write("\n" + code)
    return target


def grade_seconds(folder: Path, report: Path, isolation: str) -> tuple[float, float]:
    """(wall seconds of `grade` on `folder`, the score it gave)."""
    command = [sys.executable, "-c", "import sys; from grader.cli import main; sys.exit(main())",
               str(folder), "--report", str(report), "--isolation", isolation, "-q"]  # fmt: skip
    start = time.monotonic()
    subprocess.run(command, check=False, capture_output=True)
    seconds = time.monotonic() - start
    score = yaml.safe_load(report.read_text())["score"] if report.exists() else float("nan")
    return seconds, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=list(CASES))
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args(argv)
    worst = 0.0
    for case in args.case or list(CASES):
        with tempfile.TemporaryDirectory(prefix="bench-worst-") as scratch:
            folder = build(case, Path(scratch) / "submission")
            seconds, score = grade_seconds(folder, Path(scratch) / "report.yaml", args.isolation)
        worst = max(worst, seconds)
        print(f"{seconds:6.1f} s  score {score:5.1f}  {case}", flush=True)
    verdict = "within" if worst <= TARGET_S else "OVER"
    print(f"worst {worst:.1f} s: {verdict} the target of {TARGET_S:g} s per submission")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
