"""Hostile and broken submissions end with an honest score and a complete report."""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from grader.grading import report
from grader.grading.runner import run_suites
from grader.grading.scoring import STATUSES
from grader.sandbox.process import Limits
from grader.submissions.patches import apply_patch, load_patch
from grader.units import UNIT_POINTS
from tests.conftest import isolation_levels
from tests.grading import HOSTILE, REPO

UNITS = ["gates", "activations"]  # activations is attacked; gates is the control
LIMITS = Limits(call_timeout_s=2.0, memory_bytes=3 * 2**30)
MAX_GRADING_S = 120  # bound for one hostile submission: per-call limit x tests, with room


def header(path: Path, key: str, default: str | None = None) -> str:
    match = re.search(rf"^#\s*{key}:\s*(.+)$", path.read_text(), re.MULTILINE)
    assert match or default is not None, f"{path.name} needs a '# {key}:' line"
    return match.group(1).strip() if match else default


def runnable_cases() -> list[Path]:
    """Every case; those marked `# needs: bubblewrap` only where bubblewrap is available."""
    has_bubblewrap = "bubblewrap" in isolation_levels()
    return [p for p in HOSTILE if header(p, "needs", "") != "bubblewrap" or has_bubblewrap]


def tree_digest() -> str:
    """A digest of the installed grader, the reference and the stubs: none may change."""
    digest = hashlib.sha256()
    for folder in ("grader", "solutions", "exercises"):
        for path in sorted((REPO / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def worker_processes(scratch_root: Path) -> list[str]:
    """Command lines of workers under `scratch_root` still running (forks share them)."""
    running = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while we looked
        if "grader.sandbox.worker" in line and str(scratch_root) in line:
            running.append(line)
    return running


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
@pytest.mark.parametrize("path", runnable_cases(), ids=lambda p: p.stem)
def test_hostile_submission_is_graded_honestly(path, tmp_path, monkeypatch):
    scratch_root = tmp_path / "scratch"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))  # the worker's scratch goes here
    base = REPO / header(path, "base")
    folder = apply_patch(load_patch(path), base, tmp_path / "submission")
    isolation = header(path, "needs", "auto")
    before = tree_digest()
    outside = sorted(p.name for p in tmp_path.iterdir())
    watched = [Path.cwd() / "grade-report.yaml", Path.home() / "grade-report.yaml",
               Path("/tmp/backprop-lab-pwned")]  # fmt: skip
    existed = [w.exists() for w in watched]
    start = time.monotonic()
    run = run_suites(folder, units=UNITS, limits=LIMITS, isolation=isolation)
    elapsed = time.monotonic() - start
    assert elapsed < MAX_GRADING_S
    check_expectation(header(path, "expect"), run.results)
    assert tree_digest() == before, "the submission changed the grader or the course files"
    assert sorted(p.name for p in tmp_path.iterdir()) == outside, "it wrote beside its scratch"
    assert [w.exists() for w in watched] == existed, "it forged a file outside its scratch"
    assert worker_processes(scratch_root) == [], "a process from the submission outlived it"
    assert all(len(r.output) <= LIMITS.output_bytes + 100 for r in run.results)
    data = report.build_report(
        run, submission=folder, started_at=report.now_utc(), duration_s=elapsed
    )
    report.write_yaml(data, tmp_path / "report.yaml")
    loaded = yaml.safe_load((tmp_path / "report.yaml").read_text())
    tests = [t for unit in loaded["units"] for t in unit["tests"]]
    assert {u["name"] for u in loaded["units"]} == set(UNITS)
    assert all(t["status"] in STATUSES for t in tests)
    assert loaded["score"] == pytest.approx(sum(t["points"] for t in tests), abs=0.01)
