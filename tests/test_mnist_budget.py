"""fit_mnist's budget is CPU time of the worker, measured from outside (issue 18.2).

The grader reads the worker's CPU time from /proc around the call: load on the machine slows the
call down but does not change it, and the submission cannot forge it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from grader.grading.runner import run_suites

REPO = Path(__file__).resolve().parents[1]
FIT_TEST = "train::test_fit_mnist_reaches_the_target_accuracy"
IGNORES_ITS_BUDGET = """

_reference_fit_mnist = fit_mnist


def fit_mnist(X_train, y_train, time_budget_s=60):
    return _reference_fit_mnist(X_train, y_train, 60)  # whatever budget it was given
"""

@pytest.fixture
def train_suite(pytestconfig):
    """The public train suite's module; its `points` marker is declared first (strict markers)."""
    import importlib

    pytestconfig.addinivalue_line("markers", "points(n): the points a suite's test is worth")
    return importlib.import_module("grader.suites.public.test_train")


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")


@needs_proc
@pytest.mark.slow
def test_a_recipe_over_its_cpu_budget_fails_and_the_cpu_time_is_reported(
    monkeypatch, train_suite, tmp_path
):
    submission = tmp_path / "submission"
    shutil.copytree(REPO / "solutions", submission, ignore=shutil.ignore_patterns("__pycache__"))
    with (submission / "train.py").open("a") as module:
        module.write(IGNORES_ITS_BUDGET)
    monkeypatch.setattr(train_suite, "FIT_BUDGET_S", 0.1)  # the reference needs about 1 CPU s
    monkeypatch.setattr(train_suite, "FIT_CPU_GRACE_S", 0)
    run = run_suites(submission, units=["train"])
    fit = next(r for r in run.results if r.id == FIT_TEST)
    assert fit.status == "failed" and fit.points == 0
    assert "CPU seconds" in fit.message and "time.process_time()" in fit.message
    assert run.metrics["mnist_train_cpu_s"] > 0.1


@needs_proc
def test_cpu_time_counts_work_not_waiting(train_suite):
    """A sleeping process uses no CPU time; a busy one does (the measure load cannot inflate)."""

    class FakeSub:
        def __init__(self, process):
            self._process = process

        def _ensure_worker(self):
            return self

        @property
        def process(self):
            return self._process

    class Me:
        pid = os.getpid()

    sub = FakeSub(Me())
    before = train_suite.worker_cpu_seconds(sub)
    time.sleep(0.3)
    slept = train_suite.worker_cpu_seconds(sub) - before
    start = time.process_time()
    while time.process_time() - start < 0.5:
        pass
    busy = train_suite.worker_cpu_seconds(sub) - before - slept
    assert slept < 0.2 <= busy
