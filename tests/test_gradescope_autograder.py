"""The autograder edition's run_autograder in a temporary /autograder-shaped tree.

As Gradescope does: the zip unpacked into ROOT/source, run_autograder at ROOT, the submission in
ROOT/submission; results.json is checked against the keys and values of Gradescope's autograder
specification (gradescope-autograders.readthedocs.io/en/latest/specs/).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.classroom import gradescope
from grader.course.release import main as release_main
from grader.course.split import collect_tests
from grader.grading.scoring import HIDDEN
from grader.sandbox.process import bubblewrap_problem

REPO = Path(__file__).resolve().parents[1]
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
            "leaderboard"}  # fmt: skip
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
             "output_format", "tags", "visibility", "extra_data"}  # fmt: skip
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "out"
    assert release_main(["--out", str(out)]) == 0
    return out / "autograder" / "gradescope" / "autograder.zip"


def autograder_tree(zip_path: Path, root: Path, submission: Path) -> Path:
    """ROOT/source (the zip), ROOT/run_autograder, ROOT/submission, ROOT/results."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    shutil.copytree(submission, root / "submission",
                    ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))  # fmt: skip
    (root / "results").mkdir()
    return root


def run_autograder(root: Path, path: str | None = None) -> subprocess.CompletedProcess:
    env = {
        "AUTOGRADER_ROOT": str(root),
        "PYTHON": sys.executable,
        "PYTHONPATH": str(root / "source"),  # the grading side is the edition's own code
        "PATH": path or os.environ["PATH"],
        "HOME": str(root),
    }
    if bubblewrap_problem() is not None and os.environ.get("BACKPROP_LAB_REQUIRE_BWRAP") != "1":
        env[gradescope.ALLOW_ENV] = "1"  # no bubblewrap here: grade with limits, as allowed
    return subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                          text=True, check=False, timeout=900)  # fmt: skip


def validate(results: dict) -> None:
    """results.json as Gradescope's specification documents it."""
    assert set(results) <= TOP_KEYS, set(results) - TOP_KEYS
    assert isinstance(results["score"], int | float)
    assert isinstance(results["execution_time"], int) and results["execution_time"] >= 0
    assert results["stdout_visibility"] in VISIBILITIES
    for test in results["tests"]:
        assert set(test) <= TEST_KEYS, set(test) - TEST_KEYS
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"] + 1e-9
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
    if results["tests"]:
        total = sum(t["score"] for t in results["tests"])  # per-test points are rounded
        assert results["score"] == pytest.approx(total, abs=0.01)
    for entry in results.get("leaderboard", []):
        assert set(entry) <= {"name", "value", "order"} and entry["order"] in ("asc", "desc")


def read_results(root: Path) -> dict:
    results = json.loads((root / "results" / "results.json").read_text())
    validate(results)
    return results


@pytest.mark.slow
def test_the_reference_earns_every_point_hidden_tests_after_published(autograder_zip, tmp_path):
    root = autograder_tree(autograder_zip, tmp_path / "autograder", REPO / "solutions")
    done = run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = read_results(root)
    assert results["score"] == pytest.approx(100)
    hidden_ids = {t.id for t in collect_tests() if t.visibility == HIDDEN}
    by_name = {t["name"]: t for t in results["tests"]}
    assert hidden_ids and hidden_ids <= set(by_name)
    for name, test in by_name.items():
        assert test["visibility"] == ("after_published" if name in hidden_ids else "visible")
    board = {entry["name"]: entry["value"] for entry in results["leaderboard"]}
    assert board["MNIST test accuracy"] >= 0.92


@pytest.mark.slow
def test_the_stubs_score_0_and_a_broken_submission_says_why(autograder_zip, tmp_path):
    stubs = autograder_tree(autograder_zip, tmp_path / "stubs", REPO / "exercises")
    assert run_autograder(stubs).returncode == 0
    results = read_results(stubs)
    assert results["score"] == 0 and results["tests"]
    assert all(t["status"] == "failed" for t in results["tests"])

    broken_source = tmp_path / "broken-src"
    broken_source.mkdir()
    (broken_source / "gates.py").write_text("def perceptron(x, w, b)\n    return 1\n")
    broken = autograder_tree(autograder_zip, tmp_path / "broken", broken_source)
    assert run_autograder(broken).returncode == 0
    results = read_results(broken)
    assert results["score"] == 0
    assert "gates" in results["output"] and "syntax" in results["output"].lower()


def test_without_a_sandbox_it_refuses_and_says_why(autograder_zip, tmp_path):
    root = autograder_tree(autograder_zip, tmp_path / "autograder", REPO / "solutions")
    only_bash = tmp_path / "bin"  # a PATH where bwrap cannot be found
    only_bash.mkdir()
    (only_bash / "bash").symlink_to(shutil.which("bash"))
    env = {"AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable, "PATH": str(only_bash),
           "PYTHONPATH": str(root / "source"), "HOME": str(root)}  # fmt: skip
    done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                          text=True, check=False, timeout=300)  # fmt: skip
    assert done.returncode == 1
    results = read_results(root)
    assert results["score"] == 0 and results["tests"] == []
    assert "bwrap" in results["output"] and gradescope.ALLOW_ENV in results["output"]


def test_a_packed_zip_is_what_gets_graded(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "submission.zip").write_bytes(b"")
    assert gradescope.submission_entry(folder).kind == "zip"
    (folder / "gates.py").write_text("")
    assert gradescope.submission_entry(folder).kind == "folder"
