"""Every known mistake loses points in its unit; every correct variant keeps full marks."""

from __future__ import annotations

import pytest

from grader.submissions.patches import load_patch
from grader.units import UNIT_POINTS
from tests.grading import MUTANTS, SOLUTIONS, VARIANTS, failures, grade_patched, score_of


def test_the_catalogs_cover_every_unit():
    units_with_mutants = {path.parent.name for path in MUTANTS}
    assert units_with_mutants == set(UNIT_POINTS), "every unit needs mutants"
    for unit in UNIT_POINTS:
        assert sum(p.parent.name == unit for p in MUTANTS) >= 3, f"{unit}: fewer than 3 mutants"


@pytest.mark.slow
@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_mutant_loses_points_in_its_unit(path, tmp_path):
    unit = path.parent.name
    run = grade_patched(SOLUTIONS, path, tmp_path, units=[unit])
    assert score_of(run.results) < UNIT_POINTS[unit] - 1e-9, (
        f"not caught: {load_patch(path).description}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variant_keeps_full_marks(path, tmp_path):
    unit = path.parent.name
    run = grade_patched(SOLUTIONS, path, tmp_path, units=[unit])
    assert score_of(run.results) == pytest.approx(UNIT_POINTS[unit]), failures(run.results)
