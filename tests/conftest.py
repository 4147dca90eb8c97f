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


def isolation_levels() -> list[str]:
    """Both levels where bubblewrap works; CI sets BACKPROP_LAB_REQUIRE_BWRAP=1 so it must."""
    if sandbox.bubblewrap_problem() is None or os.environ.get("BACKPROP_LAB_REQUIRE_BWRAP"):
        return [sandbox.BUBBLEWRAP, sandbox.LIMITS_ONLY]
    return [sandbox.LIMITS_ONLY]


@pytest.fixture(params=isolation_levels())
def isolation(request: pytest.FixtureRequest) -> str:
    """Each isolation level this machine offers (CI: both)."""
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
