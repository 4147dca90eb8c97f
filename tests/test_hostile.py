"""Hostile and broken submissions end with an honest score and a complete report."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from grader.grading import report
from grader.grading.runner import run_suites
from grader.grading.scoring import STATUSES
from grader.sandbox import process as sandbox
from grader.sandbox.process import Limits
from grader.submissions.patches import apply_patch, load_patch
from grader.units import UNIT_POINTS
from tests.conftest import needs_a_sandbox, needs_bubblewrap, sandbox_level
from tests.grading import HOSTILE, REPO

UNITS = ["gates", "activations"]  # activations is attacked; gates is the control
LIMITS = Limits(call_timeout_s=2.0, memory_bytes=3 * 2**30)
CLASSMATE_REPORT = "schema: backprop-lab/report/1\nscore: 42.0\nmax_score: 100\n"


def header(path: Path, key: str, default: str | None = None) -> str:
    match = re.search(rf"^#\s*{key}:\s*(.+)$", path.read_text(), re.MULTILINE)
    assert match or default is not None, f"{path.name} needs a '# {key}:' line"
    return match.group(1).strip() if match else default


def case_params() -> list:
    """Every case, inside a sandbox only: those marked `# needs: bubblewrap` skip without it,
    the others without any (bubblewrap or Landlock); each skip says why."""
    return [pytest.param(p, id=p.stem, marks=case_marks(p)) for p in HOSTILE]


def case_marks(path: Path):
    """`needs_bubblewrap` for a case whose header says `# needs: bubblewrap`; else any sandbox."""
    return needs_bubblewrap if header(path, "needs", "") else needs_a_sandbox


def make_base(name: str, target: Path) -> Path:
    """exercises, solutions, or partial: the reference with activations stubbed (gates earn
    their full points, activations none), so an attack that raises the score shows."""
    if name in ("exercises", "solutions"):
        return REPO / name
    shutil.copytree(REPO / "solutions", target, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(REPO / "exercises" / "activations.py", target / "activations.py")
    return target


def tree_digest() -> str:
    """A digest of the installed grader, the reference and the stubs: none may change."""
    digest = hashlib.sha256()
    for folder in ("grader", "solutions", "exercises"):
        for path in sorted((REPO / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def contents(paths: list[Path]) -> list[str | None]:
    """SHA-256 of each file's content (None if it does not exist)."""
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None for p in paths]


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


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
        if words[0] == "score":
            assert sum(r.points for r in results) == pytest.approx(float(words[1])), clause
        elif words[0] == "unit" and words[2] == "full":
            unit_results = [r for r in results if r.unit == words[1]]
            assert sum(r.points for r in unit_results) == pytest.approx(UNIT_POINTS[words[1]])
        elif words[0] == "unit":
            assert all(r.status == words[2] for r in results if r.unit == words[1]), clause
        elif words[0] == "some":
            wanted = words[1].split("-or-")
            assert any(r.status in wanted for r in results), clause
        elif words[0] == "message":
            text = clause.removeprefix("message").strip()
            assert any(text in r.message for r in results), clause
        else:
            raise AssertionError(f"unknown expectation {clause!r}")


def test_no_hostile_case_runs_without_a_sandbox(monkeypatch):
    """Every case carries a sandbox mark, and with neither bubblewrap nor Landlock working
    there is no level to run it under (it skips: it might write wherever it can)."""
    assert all(param.marks for param in case_params())
    monkeypatch.delenv("BACKPROP_LAB_REQUIRE_BWRAP", raising=False)
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "`bwrap` is not installed")
    monkeypatch.setattr(sandbox, "landlock_problem", lambda: "the kernel has no Landlock")
    assert sandbox_level() is None
    monkeypatch.setattr(sandbox, "landlock_problem", lambda: None)
    assert sandbox_level() == sandbox.LANDLOCK


@pytest.mark.slow
@pytest.mark.parametrize("path", case_params())
def test_hostile_submission_is_graded_honestly(path, tmp_path, monkeypatch):
    scratch_root = tmp_path / "scratch"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))  # the worker's scratch goes here
    classmate = tmp_path / "classmate" / "grade-report.yaml"  # a finished report beside it
    classmate.parent.mkdir()
    classmate.write_text(CLASSMATE_REPORT)
    base = make_base(header(path, "base"), tmp_path / "base")
    folder = apply_patch(load_patch(path), base, tmp_path / "submission")
    isolation = header(path, "needs", "") or sandbox_level()  # named: never a fallback
    before = tree_digest()
    outside = sorted(p.name for p in tmp_path.iterdir())
    watched = [Path.cwd() / "grade-report.yaml", Path.home() / "grade-report.yaml",
               Path("/tmp/backprop-lab-pwned"), classmate]  # fmt: skip
    watched_before = contents(watched)
    descriptors = open_descriptors()
    start = time.monotonic()
    run = run_suites(folder, units=UNITS, limits=LIMITS, isolation=isolation)
    elapsed = time.monotonic() - start
    check_expectation(header(path, "expect"), run.results)
    assert tree_digest() == before, "the submission changed the grader or the course files"
    assert sorted(p.name for p in tmp_path.iterdir()) == outside, "it wrote beside its scratch"
    assert contents(watched) == watched_before, "a file outside its scratch was changed"
    assert worker_processes(scratch_root) == [], "a process from the submission outlived it"
    assert open_descriptors() == descriptors, "the grader leaked file descriptors"
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
