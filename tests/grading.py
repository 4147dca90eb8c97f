"""Helpers for tests that grade whole submissions."""

from __future__ import annotations

from pathlib import Path

from grader.grading.runner import RunResult, run_suites
from grader.grading.scoring import TestResult
from grader.sandbox.process import Limits
from grader.submissions.patches import apply_patch, load_patch

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
MUTANTS = sorted((REPO / "tests" / "mutants").glob("*/*.py"))
VARIANTS = sorted((REPO / "tests" / "variants").glob("*/*.py"))
HOSTILE = sorted((REPO / "tests" / "hostile").glob("*.py"))


def grade(folder: Path, units: list[str] | None = None, timeout_s: float = 10.0) -> RunResult:
    """Grade `folder` (all units or the named ones) with a given per-call limit."""
    return run_suites(folder, units=units, limits=Limits(call_timeout_s=timeout_s))


def grade_patched(base: Path, patch_file: Path, tmp_path: Path, **kwargs) -> RunResult:
    """Grade `base` with one patch file applied."""
    folder = apply_patch(load_patch(patch_file), base, tmp_path / "submission")
    return grade(folder, **kwargs)


def score_of(results: list[TestResult], unit: str | None = None) -> float:
    """Points earned, in one unit or overall."""
    return sum(r.points for r in results if unit is None or r.unit == unit)


def failures(results: list[TestResult]) -> str:
    """The failing tests, one per line, for assertion messages."""
    return "\n".join(
        f"{r.id}: {r.status}: {r.message[:200]}" for r in results if r.status != "passed"
    )
