"""Shared fixtures for the project's own tests."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from grader.sandbox import process as sandbox

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"


def bubblewrap_missing() -> str | None:
    """Why bubblewrap tests cannot run here, or None: they run (and fail where bubblewrap is
    missing) when BACKPROP_LAB_REQUIRE_BWRAP=1, as CI sets it."""
    if os.environ.get("BACKPROP_LAB_REQUIRE_BWRAP") == "1":
        return None
    return sandbox.bubblewrap_problem()


#: Marks a test that needs bubblewrap: skipped, with the reason, where it cannot run.
needs_bubblewrap = [
    pytest.mark.bubblewrap,
    pytest.mark.skipif(
        bubblewrap_missing() is not None,
        reason=f"needs bubblewrap: {bubblewrap_missing()} (BACKPROP_LAB_REQUIRE_BWRAP=1 to fail)",
    ),
]


needs_landlock = pytest.mark.skipif(
    sandbox.landlock_problem() is not None, reason=f"needs Landlock: {sandbox.landlock_problem()}"
)


def isolation_levels() -> list:
    """Every level; bubblewrap and Landlock skip with the reason where they cannot run."""
    return [
        pytest.param(sandbox.BUBBLEWRAP, marks=needs_bubblewrap),
        pytest.param(sandbox.LANDLOCK, marks=needs_landlock),
        sandbox.LIMITS_ONLY,
    ]


@pytest.fixture(params=isolation_levels())
def isolation(request: pytest.FixtureRequest) -> str:
    """Each isolation level (the bubblewrap one skipped where it cannot run)."""
    return request.param


@pytest.fixture
def make_submission(tmp_path: Path):
    """Write a submission folder from {module name: source} and return its path."""

    def make(modules: dict[str, str], name: str = "submission") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for module, source in modules.items():
            (folder / f"{module}.py").write_text(textwrap.dedent(source))
        return folder

    return make


@pytest.fixture(autouse=True)
def _signing_key_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """`grade batch` signs reports; tests keep its key out of the user's home."""
    monkeypatch.setenv("BACKPROP_LAB_KEY", str(tmp_path_factory.getbasetemp() / "signing.key"))
