"""The reference earns every point, the stubs none, and grading is deterministic."""

from __future__ import annotations

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


@pytest.mark.slow
def test_the_same_submission_gets_the_same_grade_twice():
    units = ["activations", "losses", "optim"]
    first, again = grade(SOLUTIONS, units), grade(SOLUTIONS, units)
    outcome = [(r.id, r.status, r.points) for r in first.results]
    assert outcome == [(r.id, r.status, r.points) for r in again.results]
    assert all(r.status in STATUSES for r in first.results)
