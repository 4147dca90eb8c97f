"""Gradescope: a report as `results.json`, and the autograder that `run_autograder` starts.

Field names and values follow Gradescope's autograder specification
(gradescope-autograders.readthedocs.io/en/latest/specs/): top-level `score`, `execution_time`
(seconds), `output`, `stdout_visibility`, `tests` (each `name`, `score`, `max_score`, `status`
passed/failed, `output`, `tags`, `visibility`) and `leaderboard` (`name`, `value`, `order`).
Hidden tests are `after_published`: students see them, by name and score, only once the grades
are published, and never their message. The MNIST accuracy goes on the leaderboard.

    python -m grader.classroom.gradescope --root /autograder

grades /autograder/submission (a folder, or the zip `grade pack` wrote) and writes
/autograder/results/results.json. Without a working bubblewrap sandbox it refuses (results.json
says why, score 0, exit status 1) unless --allow-limits-only or BACKPROP_LAB_ALLOW_LIMITS_ONLY=1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from grader.grading import report
from grader.grading.scoring import HIDDEN
from grader.sandbox.process import LIMITS_ONLY, Limits, SandboxUnavailable, require_sandbox
from grader.submissions import UnusableSubmission
from grader.submissions.find import Entry

HIDDEN_VISIBILITY = "after_published"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
ALLOW_ENV = "BACKPROP_LAB_ALLOW_LIMITS_ONLY"
BUDGET_S = 900.0
LEADERBOARD = {"mnist_test_accuracy": ("MNIST test accuracy", "desc")}


def results_json(report_data: dict[str, Any]) -> dict[str, Any]:
    """The Gradescope results.json for one of our reports."""
    tests = []
    for unit in report_data["units"]:
        for test in unit["tests"]:
            secret = test["visibility"] == HIDDEN
            message = f"{test['status']}: {test['message']}".strip(": ")
            tests.append(
                {
                    "name": test["id"],
                    "score": test["points"],
                    "max_score": test["max_points"],
                    "status": "passed" if test["status"] == "passed" else "failed",
                    "output": f"hidden test: {test['status']}" if secret else message,
                    "visibility": HIDDEN_VISIBILITY if secret else "visible",
                    "tags": [unit["name"]],
                }
            )
    isolation = report_data["environment"]["isolation"]
    output = report_data.get("reason") or f"graded by backprop-lab (isolation: {isolation})"
    problems = [p for p in report_data.get("problems", []) if p != report_data.get("reason")]
    if problems:  # e.g. a module that does not import: the student must see why
        output += "\n" + "\n".join(problems)
    results = {
        "score": report_data["score"],
        "execution_time": round(report_data["duration_s"]),
        "output": output,
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    metrics = report_data.get("metrics", {})
    board = [
        {"name": name, "value": metrics[key], "order": order}
        for key, (name, order) in LEADERBOARD.items()
        if isinstance(metrics.get(key), int | float)
    ]
    if board:
        results["leaderboard"] = board
    return results


def refusal(reason: str) -> dict[str, Any]:
    """results.json when the autograder will not grade: score 0 and why, for the instructor."""
    return {
        "score": 0.0,
        "execution_time": 0,
        "output": f"The autograder did not grade this submission: {reason}",
        "stdout_visibility": "hidden",
        "tests": [],
    }


def submission_entry(folder: Path) -> Entry:
    """/autograder/submission as an entry to grade: the zip `grade pack` made, or the folder."""
    zips = sorted(folder.glob("*.zip"))
    loose = [p for p in folder.glob("*") if p.suffix in (".py", ".ipynb")]
    if len(zips) == 1 and not loose:
        return Entry("submission", zips[0], "zip")
    return Entry("submission", folder, "folder")


def run_autograder(root: Path, allow_limits_only: bool = False) -> int:
    """Grade root/submission into root/results/results.json; 0 graded, 1 refused."""
    from grader.classroom.batch import Options, grade_to_report, submission_digest

    results_path = root / "results" / "results.json"
    try:
        isolation = require_sandbox("auto", "run_autograder")
    except SandboxUnavailable as exc:
        if not allow_limits_only:
            reason = (
                f"{exc}. Grading without the sandbox lets a submission read the hidden tests "
                f"and the private data; set {ALLOW_ENV}=1 to accept that"
            )
            _write(results_path, refusal(reason))
            print(f"run_autograder: refused: {reason}", file=sys.stderr)
            return 1
        isolation = LIMITS_ONLY
    options = Options(
        units=None, limits=Limits(), isolation=isolation, budget_s=BUDGET_S, force=True,
        gradescope=False,
    )  # fmt: skip
    start = time.monotonic()
    entry = submission_entry(root / "submission")
    try:
        digest = submission_digest(entry)
    except (UnusableSubmission, OSError):
        digest = ""  # grade_to_report says what is wrong with it
    data = grade_to_report(entry, options, report.now_utc(), start, digest)
    _write(results_path, results_json(data))
    print(f"run_autograder: {data['status']}, {data['score']:g} of {data['max_score']:g} points")
    return 0


def _write(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    report.write_atomic(path, (json.dumps(results, indent=1) + "\n").encode())


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m grader.classroom.gradescope` (what run_autograder runs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/autograder"),
                        help="Gradescope's tree: submission/ in, results/results.json out")
    parser.add_argument("--allow-limits-only", action="store_true",
                        help=f"grade even without bubblewrap (also {ALLOW_ENV}=1)")
    args = parser.parse_args(argv)
    allowed = args.allow_limits_only or os.environ.get(ALLOW_ENV) == "1"
    return run_autograder(args.root, allowed)


if __name__ == "__main__":
    sys.exit(main())
