"""Points, statuses and totals: every test has points and a visibility; units add up to 100."""

from __future__ import annotations

import dataclasses

from grader.units import UNIT_POINTS, UNITS

__all__ = ["UNITS", "UNIT_POINTS"]

# every test starts "not run", worth nothing until its call passes (a broken hook hands out none)
NOT_RUN = "not run"
STATUSES = ("passed", "failed", "error", "timeout", "crashed", NOT_RUN)
PUBLIC, HIDDEN = "public", "hidden"
#: a report's modes: what the student sees (hidden tests' messages held back) or everything
STUDENT, INSTRUCTOR = "student", "instructor"


class SuiteError(RuntimeError):
    """The hidden suites themselves are broken (a grader bug, not the student's)."""


@dataclasses.dataclass
class TestResult:
    """One test's outcome. `credit` is the fraction of its points earned (partial credit)."""

    id: str
    unit: str
    max_points: float
    status: str
    visibility: str = PUBLIC
    message: str = ""
    duration_s: float = 0.0
    credit: float = 0.0
    output: str = ""

    @property
    def points(self) -> float:
        """Points earned: all if passed, the recorded partial credit if failed, else none."""
        if self.status == "passed":
            return self.max_points
        if self.status == "failed":
            return self.max_points * min(max(self.credit, 0.0), 1.0)
        return 0.0


@dataclasses.dataclass
class UnitResult:
    """A unit's tests and its totals."""

    name: str
    tests: list[TestResult]

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.tests), 4)

    @property
    def max_score(self) -> float:
        return float(UNIT_POINTS.get(self.name, round(sum(t.max_points for t in self.tests), 4)))

    @property
    def passed(self) -> int:
        return sum(t.status == "passed" for t in self.tests)


def group_by_unit(results: list[TestResult]) -> list[UnitResult]:
    """Results grouped per unit, units in course order."""
    names = [u for u in UNITS if any(r.unit == u for r in results)]
    names += sorted({r.unit for r in results} - set(names))
    return [UnitResult(name, [r for r in results if r.unit == name]) for name in names]


def total(units: list[UnitResult]) -> tuple[float, float]:
    """(score, max_score) over all units."""
    return round(sum(u.score for u in units), 2), round(sum(u.max_score for u in units), 2)
