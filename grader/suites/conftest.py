"""Fixtures for the hidden suites: `sub` is the submission, behind the trust boundary."""

from __future__ import annotations

import pytest

from grader.sandbox.proxy import Submission
from grader.suites import SUBMISSION_KEY


@pytest.fixture
def sub(request: pytest.FixtureRequest) -> Submission:
    """The submission under test, with a clean handle table."""
    submission = request.config.stash[SUBMISSION_KEY]
    submission.reset()
    return submission


@pytest.fixture
def record_credit(request: pytest.FixtureRequest):
    """Call with a fraction in [0, 1]: the share of points a failing test still earns."""

    def record(fraction: float) -> None:
        request.node.user_properties.append(("credit", float(fraction)))

    return record


@pytest.fixture
def record_metric(request: pytest.FixtureRequest):
    """Call with (name, value): a number reported under `metrics` in the report."""

    def record(name: str, value: float) -> None:
        request.node.user_properties.append(("metric", (name, value)))

    return record


@pytest.fixture
def record_artifact(request: pytest.FixtureRequest):
    """Call with (name, plain data): kept under `metrics` in the report for the grader's plots
    (e.g. `train_history`, the history the student's `train` returned)."""

    def record(name: str, value) -> None:
        request.node.user_properties.append(("metric", (name, value)))

    return record
