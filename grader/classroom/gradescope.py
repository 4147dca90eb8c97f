"""Gradescope's autograder format: a report as `results.json`.

Field names follow Gradescope's documented autograder specification (results.json with a
top-level score and a list of tests, each with name, score, max_score, status, output and
visibility). Hidden tests stay visible by name and status, their message withheld, as in
`grade`'s student mode.
"""

from __future__ import annotations

from typing import Any

from grader.grading.scoring import HIDDEN


def results_json(report: dict[str, Any]) -> dict[str, Any]:
    """The Gradescope results.json for one of our reports."""
    tests = []
    for unit in report["units"]:
        for test in unit["tests"]:
            secret = test["visibility"] == HIDDEN
            tests.append(
                {
                    "name": test["id"],
                    "score": test["points"],
                    "max_score": test["max_points"],
                    "status": "passed" if test["status"] == "passed" else "failed",
                    "output": "" if secret else f"{test['status']}: {test['message']}".strip(": "),
                    "visibility": "visible",
                    "tags": [unit["name"]],
                }
            )
    output = report.get("reason") or f"isolation: {report['environment']['isolation']}"
    return {
        "score": report["score"],
        "execution_time": round(report["duration_s"]),
        "output": output,
        "tests": tests,
    }
