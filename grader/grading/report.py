"""The YAML score report: one versioned schema, written atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import grader
from grader.grading.runner import SUITES_DIR, RunResult
from grader.grading.scoring import HIDDEN, INSTRUCTOR, STUDENT, UnitResult, group_by_unit, total
from grader.submissions.sources import submission_files
from grader.units import UNIT_POINTS

SCHEMA = "backprop-lab/report/1"
# libyaml's safe dumper where PyYAML has it (4x faster on a whole course's report), else Python's
_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
ISOLATION_NOTES = {
    "bubblewrap": "no network; sees only Python, numpy and its own copy of the submission; "
    "private /tmp and PID namespace; no capabilities; resource limits",
    "landlock": "Landlock: reads only Python, numpy and its own files, writes only its scratch "
    "folder, no TCP; resource limits; Unix sockets by path and other processes not confined",
    "limits-only": "resource limits only: the submission could read files the user can read "
    "and open network connections",
}


def grader_version() -> str:
    """The grader's version (grader.__version__, which pyproject.toml reads too)."""
    return grader.__version__


def submission_digest(path: Path) -> str:
    """SHA-256 over the submission's files: .py and .ipynb (relative names and contents)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for file in submission_files(path):
            digest.update(str(file.relative_to(path)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    elif path.is_file():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def suite_digest() -> str:
    """SHA-256 over everything that decides a grade: the suites and the grader's checks."""
    digest = hashlib.sha256(grader_version().encode())
    grader_dir = SUITES_DIR.parent
    files = sorted(SUITES_DIR.glob("*.py")) + sorted(SUITES_DIR.glob("*.ini"))
    deciding = (
        "grading/scoring.py", "grading/runner.py", "grading/plugin.py", "sandbox/probes.py",
        "submissions/notebooks.py", "submissions/sources.py",
    )  # fmt: skip
    files += [grader_dir / name for name in deciding]
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def now_utc(at: float | None = None) -> str:
    """The current time (or the POSIX time `at`), ISO 8601 in UTC."""
    utc = dt.timezone.utc
    when = dt.datetime.now(utc) if at is None else dt.datetime.fromtimestamp(at, utc)
    return when.isoformat(timespec="seconds")


def environment(isolation: str, resource_limits: str = "") -> dict[str, str]:
    """Where the grading ran, and which process and memory limits applied."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "isolation": isolation,
        "isolation_note": ISOLATION_NOTES.get(isolation, ""),
        "resource_limits": resource_limits,
    }


def build_report(
    run: RunResult,
    *,
    submission: Path,
    started_at: str,
    duration_s: float,
    mode: str = STUDENT,
    student: str | None = None,
) -> dict[str, Any]:
    """The report as plain data (see the README for the schema)."""
    units = group_by_unit(run.results)
    score, max_score = total(units)
    return {
        "schema": SCHEMA,
        "student": student,
        "status": "graded",
        "submission": {"path": str(submission), "sha256": submission_digest(submission)},
        "grader_version": grader_version(),
        "suite_digest": suite_digest(),
        "mode": mode,
        "started_at": started_at,
        "duration_s": round(duration_s, 3),
        "environment": environment(run.isolation, run.resource_limits),
        "score": score,
        "max_score": max_score,
        "units": [unit_entry(unit, mode) for unit in units],
        "metrics": {k: _plain(v) for k, v in sorted(run.metrics.items())},
        "worker_restarts": run.worker_restarts,
        "problems": run.problems,
    }


def unit_entry(unit: UnitResult, mode: str) -> dict[str, Any]:
    """A unit's part of the report; in student mode hidden tests keep only name and status."""
    tests = []
    for test in unit.tests:
        secret = mode == STUDENT and test.visibility == HIDDEN
        tests.append(
            {
                "id": test.id,
                "points": round(test.points, 4),
                "max_points": round(test.max_points, 4),
                "status": test.status,
                "visibility": test.visibility,
                "message": "" if secret else test.message,
                "duration_s": round(test.duration_s, 4),
                "output": "" if secret else test.output,
            }
        )
    return {
        "name": unit.name,
        "score": round(unit.score, 4),
        "max_score": unit.max_score,
        "passed": unit.passed,
        "tests_total": len(unit.tests),
        "tests": tests,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (np.generic,)):
        return value.item()
    return value


def write_yaml(data: dict[str, Any], path: Path, *, durable: bool = False) -> None:
    """Write `data` as YAML atomically: a reader never sees a half-written file.

    `durable=True` also fsyncs before the rename (a batch's reports survive a power cut); a
    local report need not (a rerun of `grade` writes it again), and fsync can cost seconds.
    """
    write_atomic(path, yaml_text(data).encode(), durable=durable)


def yaml_text(data: Any, dumper: type = _SAFE_DUMPER) -> str:
    """`data` as block YAML: keys in their order, Unicode as is, lines of about 100."""
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def write_atomic(path: Path, content: bytes, *, durable: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` (fsync'd first if
    `durable`: the file's content is on disk before its name points at it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def error_report(
    *,
    student: str | None,
    submission: Path,
    reason: str,
    started_at: str,
    duration_s: float,
    units: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The report of a submission that could not be graded: status error, the reason, 0 points."""
    points = {name: UNIT_POINTS[name] for name in units or UNIT_POINTS}
    return {
        "schema": SCHEMA,
        "student": student,
        "status": "error",
        "reason": reason,
        "submission": {"path": str(submission), "sha256": submission_digest(submission)},
        "grader_version": grader_version(),
        "suite_digest": suite_digest(),
        "mode": INSTRUCTOR,
        "started_at": started_at,
        "duration_s": round(duration_s, 3),
        "environment": environment("none"),
        "score": 0.0,
        "max_score": float(sum(points.values())),
        "units": [_empty_unit(name, max_score) for name, max_score in points.items()],
        "metrics": {},
        "worker_restarts": 0,
        "problems": [reason],
    }


def _empty_unit(name: str, max_score: float) -> dict[str, Any]:
    return {"name": name, "score": 0.0, "max_score": float(max_score), "passed": 0,
            "tests_total": 0, "tests": []}  # fmt: skip
