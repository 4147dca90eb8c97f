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

from grader.grading.scoring import HIDDEN, NOT_RUN, PUBLIC, TestResult
from grader.sandbox.process import Limits
from grader.sandbox.proxy import StudentError, Submission, WorkerCrashed, WorkerTimeout
from grader.submissions.sources import open_submission
from grader.suites import SUBMISSION_KEY
from grader.units import UNIT_POINTS

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"
MAX_MESSAGE_CHARS = 1500


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
                status=NOT_RUN, visibility=visibility,
            )  # fmt: skip
        if self.order_seed is not None:
            random.Random(self.order_seed).shuffle(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if time.monotonic() > self.deadline:
            raise WorkerTimeout(f"the submission's time budget of {self.budget_s:g} s is used up")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        """A test passes only on a call phase that raised nothing; the first failure decides."""
        yield
        result = self.results[item.nodeid]
        result.duration_s += call.duration
        if call.when == "call":
            result.output = self.submission.take_output()
            self._record_properties(item, result)
        if result.status != NOT_RUN or call.when == "teardown":
            return
        if call.excinfo is not None:
            result.status, result.message = classify(call.excinfo.value)
        elif call.when == "call":
            result.status = "passed"

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
    return HIDDEN if "hidden" in item.path.parent.name else PUBLIC


def unit_of(item: pytest.Item) -> str:
    """The unit a test belongs to: its file name without `test_`."""
    return item.path.stem.removeprefix("test_")


def test_id(item: pytest.Item) -> str:
    """A stable id: unit::test_name[params]."""
    return f"{unit_of(item)}::{item.name}"


def split_points(items: list[pytest.Item]) -> list[float]:
    """Each test function's `points` marker, shared equally among its parametrized cases."""
    cases: dict[tuple[str, str], int] = {}
    for item in items:
        key = (str(item.path), getattr(item, "originalname", item.name))
        cases[key] = cases.get(key, 0) + 1
    points = []
    for item in items:
        marker = item.get_closest_marker("points")
        if marker is None or not marker.args:
            raise SuiteError(f"{item.nodeid} has no @pytest.mark.points(n)")
        key = (str(item.path), getattr(item, "originalname", item.name))
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
        _start_worker_early(submission)
        plugin = GradingPlugin(submission, units, budget_s, order_seed)
        with _quiet_pytest_environment() as log:
            code = pytest.main(_pytest_args(units), plugins=[plugin])
        if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.results:
            raise SuiteError(
                f"the hidden suites did not run (pytest exit {code}):\n{log.getvalue()}"
            )
        results = list(plugin.results.values())
        check_unit_totals(results)
        problems = [str(failure) for failure in submission.import_failures.values()]
        never_ran = [result for result in results if result.status == NOT_RUN]
        for result in never_ran:
            result.message = "this test never ran (a grader fault, not yours): it earns nothing"
        if never_ran:
            problems.append(f"{len(never_ran)} test(s) never ran; ask your instructor")
        return RunResult(
            results, plugin.metrics, submission.isolation, submission.restarts, problems
        )


def _start_worker_early(submission: Submission) -> None:
    """Start the worker without waiting for it, so that it boots while pytest collects the
    suites (the first test's call then finds it ready or nearly). A start that fails here is
    tried again, and reported, by the first test that needs the worker."""
    with contextlib.suppress(OSError):
        submission._ensure_worker()


def suite_files(units: list[str] | None) -> list[Path]:
    """The suites' files to collect: all, or only the named units' (public and hidden)."""
    if units is None:
        return [SUITES_DIR]
    names = [f"test_{unit}.py" for unit in units]
    return [SUITES_DIR / side / name for name in names for side in (PUBLIC, HIDDEN)
            if (SUITES_DIR / side / name).is_file()]  # fmt: skip


# pytest's built-in plugins that grading has no use for: not importing them saves start-up
_UNUSED_BUILTIN_PLUGINS = (
    "cacheprovider", "doctest", "junitxml", "pastebin", "debugging", "unittest", "stepwise",
    "setuponly", "setupplan", "legacypath", "faulthandler",
)


def _pytest_args(units: list[str] | None = None) -> list[str]:
    disabled = [arg for name in _UNUSED_BUILTIN_PLUGINS for arg in ("-p", f"no:{name}")]
    return [
        *map(str, suite_files(units)),
        "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(SUITES_DIR),
        "-q", "--tb=native", *disabled,
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
