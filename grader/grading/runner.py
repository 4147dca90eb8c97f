"""Runs the hidden suites with pytest, in the grader's process, against one submission.

pytest and the plugin (grader.grading.plugin) are imported when a grading starts, after the
worker has been launched: the worker boots while the grader imports pytest and collects."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grader.grading.scoring import HIDDEN, NOT_RUN, PUBLIC, SuiteError, TestResult
from grader.sandbox.process import Limits
from grader.sandbox.proxy import Submission, SubmissionError
from grader.submissions.sources import open_submission
from grader.units import UNIT_POINTS

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"
#: Student edition only (written by `grade release`): {unit: {"tests": n, "points": p}} of the
#: hidden tests it leaves out; they run when the student submits.
WITHHELD_FILE = SUITES_DIR / "hidden_summary.json"
#: The whole submission's time for `grade` (any submission is graded within about a minute);
#: `grade batch` passes its own `--budget`; run_suites' own default is generous.
GRADE_BUDGET_S = 45.0
__all__ = ["SUITES_DIR", "RunResult", "SuiteError", "run_suites", "withheld_tests"]


@dataclasses.dataclass
class RunResult:
    """What one grading run found."""

    results: list[TestResult]
    metrics: dict[str, Any]
    isolation: str
    worker_restarts: int
    problems: list[str] = dataclasses.field(default_factory=list)
    resource_limits: str = ""  # which process and memory limits applied (report environment)


def withheld_tests() -> dict[str, dict[str, float]]:
    """The hidden tests this edition does not have, per unit; {} where every suite is here."""
    return json.loads(WITHHELD_FILE.read_text()) if WITHHELD_FILE.is_file() else {}


def check_unit_totals(results: list[TestResult]) -> None:
    """Every unit's test points add up to its share of the 100, and every test id is unique
    (public and hidden tests of a unit share the `unit::` namespace); else the suites are broken."""
    ids = [r.id for r in results]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SuiteError(f"test ids defined twice (public and hidden?): {', '.join(duplicates)}")
    withheld = withheld_tests()
    for unit, points in UNIT_POINTS.items():
        expected = points - withheld.get(unit, {}).get("points", 0)
        got = sum(r.max_points for r in results if r.unit == unit)
        if got and abs(got - expected) > 1e-6:
            raise SuiteError(f"unit {unit}: test points add up to {got:g}, not {expected:g}")


def run_suites(
    path: Path | str,
    *,
    units: list[str] | None = None,
    limits: Limits | None = None,
    isolation: str = "auto",
    budget_s: float = 900.0,
    order_seed: int | None = None,
) -> RunResult:
    """Grade the submission folder `path`: every (or the named) unit's suite.

    Tests run in file order, or shuffled by `order_seed` (to expose order-dependent tests).
    """
    with open_submission(path, limits, isolation) as submission:
        _start_worker_early(submission)
        import pytest  # here, after the worker's launch (see the module docstring)

        from grader.grading import plugin as grading

        plugin = grading.GradingPlugin(submission, units, budget_s, order_seed)
        with _quiet_pytest_environment() as log:
            code = pytest.main(_pytest_args(units), plugins=[plugin])
        if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.results:
            raise SuiteError(
                f"the hidden suites did not run (pytest exit {code}):\n{log.getvalue()}"
            )
        results = list(plugin.results.values())
        check_unit_totals(results)
        problems = submission.problems + [str(f) for f in submission.import_failures.values()]
        never_ran = [result for result in results if result.status == NOT_RUN]
        for result in never_ran:
            result.message = "this test never ran (a grader fault, not yours): it earns nothing"
        if never_ran:
            problems.append(f"{len(never_ran)} test(s) never ran; ask your instructor")
        return RunResult(
            results, plugin.metrics, submission.isolation, submission.restarts, problems,
            submission.resource_limits,
        )  # fmt: skip


def _start_worker_early(submission: Submission) -> None:
    """Launch the worker without waiting for it, so that it boots while pytest is imported and
    collects the suites (the first test then finds it ready or nearly). A launch that fails
    here is tried again, and reported, by the first test that needs the worker."""
    with contextlib.suppress(OSError, SubmissionError):
        submission.start_worker()


def suite_files(units: list[str] | None) -> list[Path]:
    """The suites' files to collect: all, or only the named units' (public and hidden).

    Never an empty list: pytest given no path would collect the current directory."""
    if units is None:
        return [SUITES_DIR]
    names = [f"test_{unit}.py" for unit in units]
    files = [SUITES_DIR / side / name for name in names for side in (PUBLIC, HIDDEN)
             if (SUITES_DIR / side / name).is_file()]  # fmt: skip
    if not files:
        raise SuiteError(f"no suite for the unit(s) {', '.join(units) or '(none)'}")
    return files


# pytest's built-in plugins that grading has no use for: not importing them saves start-up
_UNUSED_BUILTIN_PLUGINS = (
    "cacheprovider", "doctest", "junitxml", "pastebin", "debugging", "unittest", "stepwise",
    "setuponly", "setupplan", "legacypath", "faulthandler", "tmpdir", "monkeypatch", "recwarn",
    "unraisableexception", "threadexception", "logging", "subtests", "capture",
)


def _pytest_args(units: list[str] | None = None) -> list[str]:
    disabled = [arg for name in _UNUSED_BUILTIN_PLUGINS for arg in ("-p", f"no:{name}")]
    return [
        *map(str, suite_files(units)),
        "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(SUITES_DIR),
        "-q", "--tb=no", *disabled,  # grading reads the exceptions, never pytest's tracebacks
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
    ]  # fmt: skip


# The grading session's environment: no plugin but the grader's own (an installed pytest plugin,
# an instructor's PYTEST_PLUGINS or PYTEST_ADDOPTS, never runs inside a grading session).
_PYTEST_ENVIRONMENT = {
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    "PYTEST_ADDOPTS": None,
    "PYTEST_PLUGINS": None,
}


@contextlib.contextmanager
def _quiet_pytest_environment() -> Iterator[io.StringIO]:
    """pytest's own output goes to a buffer; plugin autoload is off and the user's PYTEST_*
    settings do not apply; the environment is restored afterwards."""
    saved = {name: os.environ.get(name) for name in _PYTEST_ENVIRONMENT}
    log = io.StringIO()
    try:
        for name, value in _PYTEST_ENVIRONMENT.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        with contextlib.redirect_stdout(log):
            yield log
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
