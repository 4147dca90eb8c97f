"""Hostile and broken submissions end with an honest score and a complete report."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from grader import report
from grader.patches import apply_patch, load_patch
from grader.runner import run_suites
from grader.sandbox import Limits
from grader.scoring import STATUSES, UNIT_POINTS
from tests.grading import HOSTILE, REPO

UNITS = ["gates", "activations"]  # activations is attacked; gates is the control
LIMITS = Limits(call_timeout_s=2.0, memory_bytes=3 * 2**30)
MAX_GRADING_S = 120  # bound for one hostile submission: per-call limit x tests, with room


def header(path: Path, key: str) -> str:
    match = re.search(rf"^#\s*{key}:\s*(.+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path.name} needs a '# {key}:' line"
    return match.group(1).strip()


def check_expectation(expectation: str, results) -> None:
    for clause in (c.strip() for c in expectation.split(";")):
        words = clause.split()
        if clause == "score 0":
            assert sum(r.points for r in results) == 0
        elif words[0] == "unit" and words[2] == "full":
            unit_results = [r for r in results if r.unit == words[1]]
            assert sum(r.points for r in unit_results) == pytest.approx(UNIT_POINTS[words[1]])
        elif words[0] == "unit":
            assert all(r.status == words[2] for r in results if r.unit == words[1])
        elif words[0] == "some":
            wanted = words[1].split("-or-")
            assert any(r.status in wanted for r in results), clause
        else:
            raise AssertionError(f"unknown expectation {clause!r}")


@pytest.mark.slow
@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_submission_is_graded_honestly(path, tmp_path):
    base = REPO / header(path, "base")
    folder = apply_patch(load_patch(path), base, tmp_path / "submission")
    start = time.monotonic()
    run = run_suites(folder, units=UNITS, limits=LIMITS)
    elapsed = time.monotonic() - start
    assert elapsed < MAX_GRADING_S
    check_expectation(header(path, "expect"), run.results)
    data = report.build_report(
        run, submission=folder, started_at=report.now_utc(), duration_s=elapsed
    )
    report.write_yaml(data, tmp_path / "report.yaml")
    loaded = yaml.safe_load((tmp_path / "report.yaml").read_text())
    tests = [t for unit in loaded["units"] for t in unit["tests"]]
    assert {u["name"] for u in loaded["units"]} == set(UNITS)
    assert all(t["status"] in STATUSES for t in tests)
    assert loaded["score"] == pytest.approx(sum(t["points"] for t in tests), abs=0.01)
