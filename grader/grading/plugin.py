"""The pytest plugin of a grading session: gives the suites the submission, records each
test's points and outcome (fail closed: "not run" until its call passes)."""

from __future__ import annotations

import os
import random
import re
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from grader.grading.scoring import HIDDEN, NOT_RUN, PUBLIC, SuiteError, TestResult
from grader.sandbox.proxy import StudentError, Submission, WorkerCrashed, WorkerTimeout
from grader.suites import SUBMISSION_KEY

MAX_MESSAGE_CHARS = 1500
__all__ = ["GradingPlugin", "SuiteError"]

#: One test's calls together may take this many call limits (a suite's time_limit extends it).
TEST_LIMIT_CALLS = 3


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
                status=NOT_RUN, visibility=visibility,
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
        located = f" ({_student_location(where[0].strip())})" if where else ""
        return "error", _cap(f"your code raised {exc.type_name}: {exc.message}{located}")
    if isinstance(exc, AssertionError):
        return "failed", _cap(str(exc).split("\nassert ")[0])
    return "error", _cap(
        f"the result could not be checked: {type(exc).__name__}: {exc}{_suite_location(exc)}"
    )


def _suite_location(exc: BaseException) -> str:
    """ (at test_layers.py, line 80): where in the suites an unexpected exception was raised
    (the grading session prints no tracebacks, so the message says where to look)."""
    frames = traceback.extract_tb(exc.__traceback__)
    suite_frames = [f for f in frames if f"{os.sep}suites{os.sep}" in f.filename]
    if not suite_frames:
        return ""
    frame = suite_frames[-1]
    return f" (at {os.path.basename(frame.filename)}, line {frame.lineno})"


def _student_location(frame_line: str) -> str:
    """`File "/tmp/backprop-lab-x/submission/gates.py", line 12, in f` -> `gates.py, line 12, in f`
    (the student's own file name, not the worker's scratch copy)."""
    return re.sub(r'File "(?:[^"]*/)?submission/([^"]+)"', r"\1", frame_line)


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
