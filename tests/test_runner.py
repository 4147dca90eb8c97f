"""The grading session fails closed and is its own: only a passing call earns points, and no
pytest plugin but the grader's runs inside it. Reports are atomic; only a batch's are fsync'd."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from grader import cli
from grader.grading import plugin, report, runner
from grader.grading.plugin import GradingPlugin
from grader.grading.scoring import NOT_RUN, STATUSES
from grader.grading.scoring import TestResult as Result
from tests.grading import SOLUTIONS, grade, score_of

PLUGIN = "backprop_lab_planted_plugin"


def test_a_test_that_never_ran_earns_nothing_even_with_credit():
    result = Result(id="gates::x", unit="gates", max_points=2.0, status=NOT_RUN, credit=1.0)
    assert NOT_RUN in STATUSES
    assert result.points == 0.0


@pytest.mark.slow
def test_a_hook_that_swallows_every_test_hands_out_no_points(monkeypatch):
    """A plugin fault that keeps tests from running (here: a protocol hook that claims every
    test without running it) leaves them "not run", worth 0, and says so; it is not 100."""

    class SwallowingPlugin(GradingPlugin):
        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool:
            return True  # "handled": no setup, no call, no report

    monkeypatch.setattr(plugin, "GradingPlugin", SwallowingPlugin)
    run = grade(SOLUTIONS, ["gates"])
    assert run.results, "the gates suite was collected"
    assert {r.status for r in run.results} == {NOT_RUN}
    assert score_of(run.results) == 0
    assert all("never ran" in r.message for r in run.results)
    assert any("never ran" in problem for problem in run.problems)


@pytest.mark.slow
def test_a_crashing_grading_hook_is_a_suite_error_not_a_grade(monkeypatch):
    class CrashingPlugin(GradingPlugin):
        def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
            raise RuntimeError("injected fault in a grading hook")

    monkeypatch.setattr(plugin, "GradingPlugin", CrashingPlugin)
    with pytest.raises(runner.SuiteError, match="did not run"):
        grade(SOLUTIONS, ["gates"])


@pytest.fixture
def planted_plugin(tmp_path, monkeypatch):
    """A pytest plugin installed through a `pytest11` entry point, as `pip install` would: a
    distribution on sys.path whose module, once imported, sits in sys.modules."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{PLUGIN}.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.hookimpl(hookwrapper=True)
            def pytest_runtest_makereport(item, call):
                outcome = yield
                outcome.get_result().outcome = "passed"  # what a hostile plugin could do
            """
        )
    )
    dist_info = site / f"{PLUGIN}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PLUGIN}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[pytest11]\nplanted = {PLUGIN}\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delitem(sys.modules, PLUGIN, raising=False)
    yield
    sys.modules.pop(PLUGIN, None)


def test_the_planted_plugin_is_loaded_by_an_ordinary_pytest_session(planted_plugin, tmp_path):
    """The control: without the grader's settings, pytest loads the planted plugin."""
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    code = pytest.main([str(tmp_path / "test_nothing.py"), "-q", "-p", "no:cacheprovider"])
    assert code == pytest.ExitCode.OK
    assert PLUGIN in sys.modules


@pytest.mark.slow
def test_the_grading_session_loads_no_installed_plugin(planted_plugin, monkeypatch):
    """Neither an entry-point plugin nor PYTEST_PLUGINS/PYTEST_ADDOPTS reach the grading
    session, and the environment is given back as it was."""
    monkeypatch.setenv("PYTEST_PLUGINS", PLUGIN)
    monkeypatch.setenv("PYTEST_ADDOPTS", f"-p {PLUGIN}")
    run = grade(SOLUTIONS, ["gates"])
    assert PLUGIN not in sys.modules
    assert score_of(run.results) == pytest.approx(10.0)
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ
    assert os.environ["PYTEST_PLUGINS"] == PLUGIN


def count_fsyncs(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    return calls


def test_reports_are_atomic_and_fsynced_only_when_durable(tmp_path, monkeypatch):
    fsyncs = count_fsyncs(monkeypatch)
    target = tmp_path / "out" / "report.yaml"
    report.write_yaml({"score": 1.0}, target)
    assert target.read_text() == "score: 1.0\n" and fsyncs == []
    report.write_yaml({"score": 2.0}, target, durable=True)
    assert target.read_text() == "score: 2.0\n" and len(fsyncs) == 1
    assert [p.name for p in target.parent.iterdir()] == ["report.yaml"]  # no temporary left


@pytest.mark.slow
def test_grade_writes_its_local_report_without_fsync(tmp_path, monkeypatch, capsys):
    fsyncs = count_fsyncs(monkeypatch)
    out = tmp_path / "grade-report.yaml"
    assert cli.main([str(SOLUTIONS), "--unit", "gates", "--report", str(out), "-q"]) == 0
    assert out.is_file() and fsyncs == []


def test_the_grading_session_starts_the_worker_before_collection(monkeypatch):
    """The worker boots while pytest is imported and collects: launched, not waited for."""
    seen = []

    class Recorder(GradingPlugin):
        def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
            seen.append((self.submission.worker_launched, self.submission._worker is None))
            items.clear()  # grade nothing: only the start-up is under test

    monkeypatch.setattr(plugin, "GradingPlugin", Recorder)
    with pytest.raises(runner.SuiteError):  # no test ran, which run_suites refuses
        runner.run_suites(Path(SOLUTIONS), units=["gates"])
    assert seen == [(True, True)]  # launched, and nobody waited for its "ready" yet


def test_only_the_named_units_suites_are_collected_and_never_the_current_folder(tmp_path):
    files = runner.suite_files(["gates"])
    assert {f.parent.name for f in files} == {"public", "hidden"}
    assert all(f.name == "test_gates.py" for f in files)
    assert runner.suite_files(None) == [runner.SUITES_DIR]
    with pytest.raises(runner.SuiteError, match="no suite"):
        runner.suite_files(["no_such_unit"])
