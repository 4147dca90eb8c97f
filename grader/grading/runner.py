"""Runs the hidden suites with pytest, in the grader's process, against one submission."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.grading.scoring import HIDDEN, PUBLIC, TestResult
from grader.sandbox.process import Limits
from grader.sandbox.proxy import StudentError, Submission, WorkerCrashed, WorkerTimeout
from grader.submissions.sources import open_submission
from grader.suites import SUBMISSION_KEY
from grader.units import UNIT_POINTS

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"
MAX_MESSAGE_CHARS = 1500
#: The whole submission's time for `grade` (any submission is graded within about a minute);
#: `grade batch` passes its own `--budget`; run_suites' own default is generous.
GRADE_BUDGET_S = 45.0
#: One test's calls together may take this many call limits (a suite's time_limit extends it).
TEST_LIMIT_CALLS = 3


class SuiteError(RuntimeError):
    """The hidden suites themselves are broken (a grader bug, not the student's)."""


@dataclasses.dataclass
class RunResult:
    """What one grading run found."""

    results: list[TestResult]
    metrics: dict[str, Any]
    isolation: str
    worker_restarts: int
    problems: list[str] = dataclasses.field(default_factory=list)
    resource_limits: str = ""  # which process and memory limits applied (report environment)


class GradingPlugin:
    """A pytest plugin that gives suites the submission and records points and outcomes."""

    def __init__(
        self,
        submission: Submission,
        units: list[str] | None,
        budget_s: float,
        order_seed: int | None = None,
    ) -> None:
        self.submission = submission
        self.units = units
        self.order_seed = order_seed
        self.deadline = time.monotonic() + budget_s
        self.budget_s = budget_s
        submission.set_budget(budget_s)
        self.results: dict[str, TestResult] = {}
        self.metrics: dict[str, Any] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[SUBMISSION_KEY] = self.submission

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.units is not None:
            items[:] = [item for item in items if unit_of(item) in self.units]
        for item, max_points in zip(items, split_points(items), strict=True):
            visibility = visibility_of(item)
            self.results[item.nodeid] = TestResult(
                id=test_id(item), unit=unit_of(item), max_points=max_points,
                status="passed", visibility=visibility,
            )  # fmt: skip
        if self.order_seed is not None:
            random.Random(self.order_seed).shuffle(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if time.monotonic() > self.deadline:
            raise WorkerTimeout(f"the submission's time budget of {self.budget_s:g} s is used up")
        self.submission.start_test(TEST_LIMIT_CALLS * self.submission.limits.call_timeout_s)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        yield
        result = self.results[item.nodeid]
        result.duration_s += call.duration
        if call.when == "call":
            result.output = self.submission.take_output()
            self._record_properties(item, result)
        if call.excinfo is not None and call.when != "teardown" and result.status == "passed":
            result.status, result.message = classify(call.excinfo.value)

    def _record_properties(self, item: pytest.Item, result: TestResult) -> None:
        for key, value in item.user_properties:
            if key == "credit":
                result.credit = float(value)
            elif key == "metric":
                name, number = value
                self.metrics[name] = number


def classify(exc: BaseException) -> tuple[str, str]:
    """(status, message) for an exception that ended a test."""
    if isinstance(exc, WorkerTimeout):
        return "timeout", _cap(str(exc))
    if isinstance(exc, WorkerCrashed):
        return "crashed", _cap(str(exc))
    if isinstance(exc, StudentError):
        where = exc.traceback.strip().splitlines()[-2:] if exc.traceback else []
        located = f" ({where[0].strip()})" if where else ""
        return "error", _cap(f"your code raised {exc.type_name}: {exc.message}{located}")
    if isinstance(exc, AssertionError):
        return "failed", _cap(str(exc).split("\nassert ")[0])
    return "error", _cap(f"the result could not be checked: {type(exc).__name__}: {exc}")


def _cap(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + " [...]"


def visibility_of(item: pytest.Item) -> str:
    """Hidden if the test lives under suites/hidden/, else public."""
    return HIDDEN if "hidden" in Path(str(item.fspath)).parent.name else PUBLIC


def unit_of(item: pytest.Item) -> str:
    """The unit a test belongs to: its file name without `test_`."""
    return Path(str(item.fspath)).stem.removeprefix("test_")


def test_id(item: pytest.Item) -> str:
    """A stable id: unit::test_name[params]."""
    return f"{unit_of(item)}::{item.name}"


def split_points(items: list[pytest.Item]) -> list[float]:
    """Each test function's `points` marker, shared equally among its parametrized cases."""
    cases: dict[tuple[str, str], int] = {}
    for item in items:
        key = (str(item.fspath), getattr(item, "originalname", item.name))
        cases[key] = cases.get(key, 0) + 1
    points = []
    for item in items:
        marker = item.get_closest_marker("points")
        if marker is None or not marker.args:
            raise SuiteError(f"{item.nodeid} has no @pytest.mark.points(n)")
        key = (str(item.fspath), getattr(item, "originalname", item.name))
        points.append(float(marker.args[0]) / cases[key])
    return points


def check_unit_totals(results: list[TestResult]) -> None:
    """Every unit's test points add up to its share of the 100, and every test id is unique
    (public and hidden tests of a unit share the `unit::` namespace); else the suites are broken."""
    ids = [r.id for r in results]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SuiteError(f"test ids defined twice (public and hidden?): {', '.join(duplicates)}")
    for unit, expected in UNIT_POINTS.items():
        got = sum(r.max_points for r in results if r.unit == unit)
        if got and abs(got - expected) > 1e-6:
            raise SuiteError(f"unit {unit}: test points add up to {got:g}, not {expected}")


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
        plugin = GradingPlugin(submission, units, budget_s, order_seed)
        with _quiet_pytest_environment() as log:
            code = pytest.main(_pytest_args(), plugins=[plugin])
        if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.results:
            raise SuiteError(
                f"the hidden suites did not run (pytest exit {code}):\n{log.getvalue()}"
            )
        results = list(plugin.results.values())
        check_unit_totals(results)
        problems = submission.problems + [str(f) for f in submission.import_failures.values()]
        return RunResult(
            results, plugin.metrics, submission.isolation, submission.restarts, problems,
            submission.resource_limits,
        )  # fmt: skip


def _pytest_args() -> list[str]:
    return [
        str(SUITES_DIR),
        "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(SUITES_DIR),
        "-q", "--tb=native", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist",
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
    ]  # fmt: skip


@contextlib.contextmanager
def _quiet_pytest_environment() -> Iterator[io.StringIO]:
    """pytest's own output goes to a buffer; the user's PYTEST_* settings do not apply."""
    saved = {k: os.environ.pop(k) for k in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS") if k in os.environ}
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log):
            yield log
    finally:
        os.environ.update(saved)
