"""`check(unit)` in a notebook: grade the notebook's unit as `grade` would and print what to fix."""

from __future__ import annotations

import importlib.util
import re
import shutil
import tempfile
from pathlib import Path

from grader.grading.runner import run_suites
from grader.grading.scoring import HIDDEN
from grader.submissions.notebooks import COURSE_PACKAGES, Cell, module_source, read_cells

STUB_FRAME = re.compile(r", in ([\w.]+)\)$")  # "... (activations.py, line 34, in step)"


def _imported_package(cells: list[Cell]) -> str:
    """Which course package the notebook imports its earlier units from (default: exercises)."""
    for cell in cells:
        for package in COURSE_PACKAGES:
            if f"from {package}." in cell.source or f"import {package}." in cell.source:
                return package
    return "exercises"


def check(unit: str, notebook: str | Path | None = None) -> float:
    """Grade this notebook's unit as `grade` would and print what to fix; returns the score.

    The other units come from the package the notebook imports them from (your exercises/).
    """
    path = Path(notebook or f"{unit}.ipynb")
    cells = read_cells(path)
    package = _imported_package(cells)
    spec = importlib.util.find_spec(package)  # located, never imported: it is student code
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"no `{package}` package to take the other units from")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "submission"
        folder.mkdir()
        for module in package_dir.glob("*.py"):
            shutil.copy(module, folder / module.name)
        (folder / f"{unit}.py").write_text(module_source(cells))
        run = run_suites(folder, units=[unit])
    score = sum(r.points for r in run.results)
    maximum = sum(r.max_points for r in run.results)
    failed = [r for r in run.results if r.status != "passed"]
    stubbed = [r for r in failed if "raised NotImplementedError" in r.message]
    for result in failed:
        if result not in stubbed:
            message = "" if result.visibility == HIDDEN else f": {result.message}"
            print(f"FAIL  {result.id.split('::', 1)[1]}{message}")
    if stubbed:
        names = [m.group(1) for r in stubbed for m in [STUB_FRAME.search(r.message)] if m]
        print(f"TODO  {len(stubbed)} tests reach functions not written yet: "
              f"{', '.join(dict.fromkeys(names))}")  # fmt: skip
    passed = len(run.results) - len(failed)
    print(f"{unit}: {score:.1f}/{maximum:g} points, {passed} of {len(run.results)} tests passed")
    return score
