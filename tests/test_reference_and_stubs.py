"""The reference earns every point, the stubs none, and grading is deterministic."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

from grader.grading.scoring import STATUSES
from grader.units import UNIT_POINTS
from tests.grading import EXERCISES, SOLUTIONS, failures, grade, score_of


@pytest.fixture(scope="module")
def reference_run():
    return grade(SOLUTIONS)


@pytest.mark.slow
def test_the_reference_earns_every_point(reference_run):
    assert score_of(reference_run.results) == pytest.approx(100.0), failures(reference_run.results)
    assert reference_run.metrics["mnist_test_accuracy"] >= 0.92


def test_units_add_up_to_100():
    assert sum(UNIT_POINTS.values()) == 100


@pytest.mark.slow
def test_every_unit_is_graded(reference_run):
    assert {r.unit for r in reference_run.results} == set(UNIT_POINTS)
    for unit, points in UNIT_POINTS.items():
        assert sum(r.max_points for r in reference_run.results if r.unit == unit) == pytest.approx(
            points
        )


@pytest.mark.slow
def test_the_stubs_earn_nothing_and_say_why():
    run = grade(EXERCISES)
    assert score_of(run.results) == 0
    for result in run.results:
        assert result.status == "error", result.id
        assert "NotImplementedError" in result.message, f"{result.id}: {result.message}"


@contextlib.contextmanager
def one_core_kept_busy(limit_s: float = 600.0) -> Iterator[subprocess.Popen]:
    """A process spinning on one core for the block (it stops by itself after `limit_s`)."""
    spin = f"import time\nend = time.monotonic() + {limit_s}\nwhile time.monotonic() < end: pass"
    burner = subprocess.Popen([sys.executable, "-c", spin])
    try:
        yield burner
    finally:
        burner.kill()
        burner.wait()


def outcome(run) -> list[tuple[str, str, float]]:
    return [(r.id, r.status, round(r.points, 6)) for r in run.results]


@pytest.mark.slow
def test_the_same_submission_gets_the_same_grade_every_time_even_on_a_busy_machine(reference_run):
    """The README's promise, for every unit (train included): graded again, and graded once
    more with one core spinning, the reference gets the same statuses, points and accuracy."""
    again = grade(SOLUTIONS)
    with one_core_kept_busy() as burner:
        busy = grade(SOLUTIONS)
        assert burner.poll() is None, "the machine was busy for the whole grading"
    assert {r.unit for r in reference_run.results} == set(UNIT_POINTS)
    assert outcome(again) == outcome(reference_run), failures(again.results)
    assert outcome(busy) == outcome(reference_run), failures(busy.results)
    accuracy = [run.metrics["mnist_test_accuracy"] for run in (reference_run, again, busy)]
    assert accuracy[0] == accuracy[1] == accuracy[2]
    assert all(r.status in STATUSES for r in reference_run.results)
