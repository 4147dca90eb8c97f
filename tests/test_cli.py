"""The `grade` command as a student uses it: exit codes, the table, the report."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from grader import cli
from tests.samples import GATES, WRONG_XOR

REPORT_KEYS = {
    "schema", "submission", "grader_version", "suite_digest", "started_at", "duration_s",
    "environment", "score", "max_score", "units", "metrics",
}  # fmt: skip


@pytest.fixture
def gates_only(make_submission):
    return make_submission({"gates": GATES})


@pytest.fixture
def wrong_xor(make_submission):
    return make_submission({"gates": WRONG_XOR}, name="wrong_xor")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--report", "--fail-under", "--unit", "--mode", "--isolation", "--timeout",
                   "--memory", "--quiet", "exit status"):  # fmt: skip
        assert option in text


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "missing", "no such file or folder"),
        (lambda tmp: tmp, "not a submission"),
        (lambda tmp: (tmp / "a.txt").write_text("x") and tmp / "a.txt", "not a .py file"),
    ],
)
def test_unusable_input_exits_2_with_a_one_line_reason(capsys, tmp_path, make, reason):
    code, _, err = run(capsys, str(make(tmp_path)))
    assert code == cli.EXIT_UNUSABLE
    assert reason in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_grading_prints_a_table_and_writes_the_report(capsys, wrong_xor, tmp_path):
    report_path = tmp_path / "out" / "report.yaml"
    code, out, _ = run(capsys, str(wrong_xor), "--unit", "gates", "--report", str(report_path))
    assert code == cli.EXIT_GRADED
    assert "gates" in out and "total" in out and "tests passed" in out
    assert "XOR" in out, "the failing test is named"
    data = yaml.safe_load(report_path.read_text())
    assert REPORT_KEYS <= set(data)
    assert data["max_score"] == 10 and 0 < data["score"] < 10
    assert {"python", "numpy", "platform", "isolation"} <= set(data["environment"])
    test = data["units"][0]["tests"][0]
    assert {"id", "points", "max_points", "status", "visibility", "message", "duration_s"} <= set(
        test
    )
    assert len(data["submission"]["sha256"]) == 64


@pytest.mark.slow
def test_fail_under_turns_a_low_score_into_exit_1(capsys, wrong_xor, tmp_path):
    args = [str(wrong_xor), "--unit", "gates", "--report", str(tmp_path / "r.yaml"), "-q"]
    assert run(capsys, *args, "--fail-under", "9.9")[0] == cli.EXIT_BELOW
    assert run(capsys, *args, "--fail-under", "5")[0] == cli.EXIT_GRADED


@pytest.mark.slow
def test_student_mode_hides_hidden_messages_and_instructor_mode_shows_them(
    capsys, make_submission, tmp_path
):
    unseeded = "w, b = np.random.default_rng().normal(size=X.shape[1]), 0.0"
    broken = GATES.replace("w, b = np.zeros(X.shape[1]), 0.0", unseeded)
    folder = make_submission({"gates": broken})
    for mode in ("student", "instructor"):
        path = tmp_path / f"{mode}.yaml"
        run(capsys, str(folder), "--unit", "gates", "--mode", mode, "--report", str(path))
        tests = yaml.safe_load(path.read_text())["units"][0]["tests"]
        hidden_failed = [
            t for t in tests if t["visibility"] == "hidden" and t["status"] != "passed"
        ]
        assert hidden_failed
        assert all((t["message"] == "") == (mode == "student") for t in hidden_failed)


@pytest.mark.slow
def test_default_path_is_exercises_when_present(capsys, gates_only, tmp_path, monkeypatch):
    shutil.copytree(gates_only, tmp_path / "project" / "exercises")
    monkeypatch.chdir(tmp_path / "project")
    code, out, _ = run(capsys, "--unit", "gates", "-q")
    assert code == 0 and out.strip() == "10/10"
    assert (tmp_path / "project" / "grade-report.yaml").exists()


def test_the_console_script_is_installed():
    grade = shutil.which("grade") or str(
        __import__("pathlib").Path(sys.executable).parent / "grade"
    )
    result = subprocess.run([grade, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip()
