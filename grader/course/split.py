"""The split between what students see and what only grades: public and hidden tests.

A test's visibility is the folder it lives in (grader/suites/public/ or hidden/). Everything here
is derived from the suites themselves: the count and points of each unit's tests, and the rule
that a public test imports nothing hidden.
"""

from __future__ import annotations

import ast
import dataclasses
import io
from collections.abc import Iterable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from grader.grading.plugin import split_points, test_id, unit_of, visibility_of
from grader.grading.runner import SUITES_DIR
from grader.grading.scoring import HIDDEN, PUBLIC
from grader.units import UNIT_POINTS

#: Modules a public test (or anything a student receives) must never import.
HIDDEN_MODULES = ("grader.suites.hidden", "solutions")


@dataclasses.dataclass(frozen=True)
class SuiteTest:
    """One collected test: its id, unit, visibility and points."""

    id: str
    unit: str
    visibility: str
    points: float


class _Collector:
    def __init__(self) -> None:
        self.tests: list[SuiteTest] = []

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item, points in zip(items, split_points(items), strict=True):
            self.tests.append(SuiteTest(test_id(item), unit_of(item), visibility_of(item), points))


def collect_tests(suites_dir: Path = SUITES_DIR) -> list[SuiteTest]:
    """Every test of the suites in `suites_dir` (collected by pytest, not run)."""
    collector = _Collector()
    args = [
        str(suites_dir), "-c", str(suites_dir / "pytest.ini"), "--rootdir", str(suites_dir),
        "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
    ]  # fmt: skip
    log = io.StringIO()
    with redirect_stdout(log):
        code = pytest.main(args, plugins=[collector])
    if code != pytest.ExitCode.OK:
        raise RuntimeError(f"the suites in {suites_dir} could not be collected:\n{log.getvalue()}")
    return collector.tests


def points_by_unit(tests: Iterable[SuiteTest]) -> dict[str, dict[str, dict[str, float]]]:
    """{unit: {"public": {"tests": n, "points": p}, "hidden": {...}}} for every unit."""
    table = {
        unit: {side: {"tests": 0, "points": 0.0} for side in (PUBLIC, HIDDEN)}
        for unit in UNIT_POINTS
    }
    for test in tests:
        entry = table[test.unit][test.visibility]
        entry["tests"] += 1
        entry["points"] += test.points
    for sides in table.values():
        for entry in sides.values():
            entry["points"] = round(entry["points"], 4)
    return table


def hidden_imports(files: Iterable[Path]) -> list[str]:
    """'file: module' for every import of hidden material (HIDDEN_MODULES) in `files`."""
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if any(name == m or name.startswith(m + ".") for m in HIDDEN_MODULES):
                    found.append(f"{path.name}: {name}")
    return found


def split_problems(suites_dir: Path = SUITES_DIR) -> list[str]:
    """What is wrong with the split: hidden imports in public tests, units under half public."""
    problems = hidden_imports(sorted((suites_dir / "public").glob("*.py")))
    problems = [f"public test imports hidden material: {p}" for p in problems]
    for unit, sides in points_by_unit(collect_tests(suites_dir)).items():
        public = sides[PUBLIC]["points"]
        if public < UNIT_POINTS[unit] / 2:
            problems.append(
                f"{unit}: public tests are worth {public:g} of {UNIT_POINTS[unit]} points "
                "(at least half must be public)"
            )
    return problems
