"""A student's day (issue 15): no lost work, no traceback, feedback and plots that point at the
mistake. `grade` runs in a subprocess where what is tested is what the student sees."""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

from grader import cli
from grader.course import make_notebooks
from grader.grading import activation_plots, learning_curve
from grader.grading.plugin import classify
from grader.grading.runner import run_suites
from grader.grading.scoring import TestResult as Result
from grader.sandbox.process import Limits
from grader.sandbox.proxy import StudentError
from grader.submissions.notebooks import CONTRACT_NAMES
from tests.grading import EXERCISES, REPO, SOLUTIONS

SUBPROCESS_LIMIT_S = 600  # a hang would otherwise stall the suite; generous for a loaded machine


def grade(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m grader.cli ARGS` in `cwd`, as a student would run `grade` there."""
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
        timeout=SUBPROCESS_LIMIT_S, check=False, env=env,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A student's folder: a copy of the stubs in exercises/ (python -m puts it on sys.path)."""
    shutil.copytree(EXERCISES, tmp_path / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text() + "\n" + textwrap.dedent(code))


# 1. generating notebooks cannot be mistaken for grading them, and never loses work


def test_grade_notebooks_grades_the_folder_and_never_generates(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["notebooks"]) == cli.EXIT_UNUSABLE
    assert "no such file or folder" in capsys.readouterr().err
    assert not (tmp_path / "notebooks").exists()


def test_make_notebooks_never_overwrites_a_students_notebook(tmp_path, capsys):
    out = tmp_path / "notebooks"
    assert cli.main(["make-notebooks", "--out", str(out)]) == 0
    mine = out / "activations.ipynb"
    mine.write_text(mine.read_text().replace("raise NotImplementedError", "return x  # mine", 1))
    before = {p.name: p.read_text() for p in out.iterdir()}
    assert cli.main(["make-notebooks", "--out", str(out)]) == cli.EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "activations.ipynb" in err and "--force" in err and "nothing written" in err
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    assert cli.main(["make-notebooks", "--out", str(out), "--force"]) == 0
    assert "# mine" not in mine.read_text()


def test_make_notebooks_refuses_a_filled_in_stub(project, tmp_path, capsys):
    stubs = project / "exercises"
    source = (stubs / "activations.py").read_text()
    filled = source.replace(
        'raise NotImplementedError("1 where x > 0, else 0")', "return (x > 0) * 1.0", 1
    )
    assert filled != source
    (stubs / "activations.py").write_text(filled)
    out = tmp_path / "nb"
    code = cli.main(["make-notebooks", "--from", str(stubs), "--out", str(out)])
    assert code == cli.EXIT_UNUSABLE
    assert "step is not a stub" in capsys.readouterr().err
    assert not out.exists()


# 2. student code never runs in the grader's process


def test_contract_table_is_the_stubs_public_names():
    for unit, names in CONTRACT_NAMES.items():
        tree = ast.parse((EXERCISES / f"{unit}.py").read_text())
        defined = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                defined.append(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined += [t.id for t in targets if isinstance(t, ast.Name)]
        assert tuple(n for n in defined if not n.startswith("_")) == names, unit


def test_a_syntax_error_is_a_report_with_file_line_and_caret(project):
    append(project / "exercises" / "activations.py", "def broken(:\n    pass\n")
    result = grade(project, "--unit", "activations", "--unit", "gates")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    assert 'File "activations.py", line' in out and "def broken(:" in out
    assert "^" in out.split("def broken(:", 1)[1].splitlines()[1]
    data = yaml.safe_load((project / "grade-report.yaml").read_text())
    assert any("def broken(:" in p and "^" in p for p in data["problems"])


def test_a_module_level_print_does_not_reach_the_graders_output(project):
    append(project / "exercises" / "activations.py", 'print("HELLO-FROM-THE-MODULE")\n')
    result = grade(project, "--unit", "activations")
    assert result.returncode == 0, result.stderr
    assert "HELLO-FROM-THE-MODULE" not in result.stdout + result.stderr


def test_a_module_level_loop_does_not_hang_grade(project):
    append(project / "exercises" / "activations.py", "while True:\n    pass\n")
    result = grade(project, "--unit", "activations", "--timeout", "2")
    assert result.returncode == 0, result.stderr
    assert "activations: no test could run" in result.stdout


@pytest.mark.slow
def test_the_notebook_check_locates_the_package_without_importing_it(tmp_path, monkeypatch):
    from grader.grading import notebook_check

    package = tmp_path / "lib" / "exercises"
    shutil.copytree(EXERCISES, package, ignore=shutil.ignore_patterns("__pycache__"))
    marker = "BACKPROP_LAB_TEST_EXERCISES_RAN"
    (package / "__init__.py").write_text(f"import os\nos.environ[{marker!r}] = '1'\n")
    monkeypatch.delenv(marker, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    for name in [m for m in sys.modules if m == "exercises" or m.startswith("exercises.")]:
        monkeypatch.delitem(sys.modules, name)
    notebook = tmp_path / "gates.ipynb"
    notebook.write_text(nbformat.writes(make_notebooks.build("gates", "solutions", SOLUTIONS)))
    monkeypatch.setattr(
        notebook_check, "run_suites", lambda folder, units: run_suites(
            folder, units=units, limits=Limits(call_timeout_s=10)
        ),
    )  # fmt: skip
    assert notebook_check.check("gates", notebook) == pytest.approx(10)
    assert marker not in os.environ and "exercises" not in sys.modules


# 3. a closed pipe


def test_a_closed_pipe_ends_quietly(project):
    command = f"{sys.executable} -m grader.cli --unit gates | true"
    result = subprocess.run(
        ["bash", "-c", command], cwd=project, capture_output=True, text=True,
        timeout=SUBPROCESS_LIMIT_S, check=False,
    )  # fmt: skip
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert (project / "grade-report.yaml").exists()


# 4. one unit


def test_a_notebook_named_after_a_unit_grades_that_unit_only(tmp_path):
    notebook = tmp_path / "activations.ipynb"
    notebook.write_text(
        nbformat.writes(make_notebooks.build("activations", "solutions", SOLUTIONS))
    )
    result = grade(tmp_path, "activations.ipynb")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "activations       20.0/20" in out
    assert "not submitted: gates, losses, layers, gradcheck, mlp, optim, train" in out
    assert "gates.py is not in the submission" not in out and "gates::" not in out
    data = yaml.safe_load((tmp_path / "grade-report.yaml").read_text())
    assert [u["name"] for u in data["units"]] == ["activations"]
    assert data["score"] == pytest.approx(20) and data["max_score"] == pytest.approx(20)
    assert data["not_submitted"] == ["gates", "losses", "layers", "gradcheck", "mlp", "optim",
                                     "train"]  # fmt: skip


# 5. plots only where they show something


def _failing_activation() -> list[Result]:
    """A failing grid test for every activation (what the stubs get)."""
    return [
        Result(id=f"activations::test_value_on_a_grid[{name}]", unit="activations",
               max_points=1, status="error", message="NotImplementedError")
        for name in activation_plots.cf.ACTIVATIONS
    ]  # fmt: skip


def test_no_plots_for_untouched_stubs(tmp_path):
    out = tmp_path / "plots"
    written = activation_plots.write_plots(
        EXERCISES, _failing_activation(), out, "auto", Limits(call_timeout_s=10)
    )
    assert written == [] and not out.exists()


def test_plots_mark_a_single_wrong_point_and_name_an_overflow(tmp_path):
    source = (SOLUTIONS / "activations.py").read_text()
    source += textwrap.dedent("""

        def relu_grad(x):
            x = _as_float(x)
            return (x >= 0).astype(x.dtype)


        def sigmoid(x):
            x = _as_float(x)
            return 1 / (1 + np.exp(-x))
        """)
    (tmp_path / "activations.py").write_text(source)
    limits = Limits(call_timeout_s=10)
    with activation_plots.open_submission(tmp_path / "activations.py", limits) as sub:
        relu_grad = activation_plots.student_curve(sub, "relu_grad", lambda x: (x > 0) * 1.0)
        sig = activation_plots.student_curve(sub, "sigmoid", lambda x: 0.5 * (1 + __import__(
            "numpy").tanh(0.5 * x)))  # fmt: skip
    assert list(activation_plots.X[relu_grad.wrong]) == [0.0]
    assert not sig.wrong.any() and any("overflow" in w for w in sig.warnings)
    written = activation_plots.write_plots(
        tmp_path / "activations.py", _failing_activation(), tmp_path / "plots", "auto", limits
    )
    # swish and softplus_grad call this sigmoid, so they overflow too; nothing else is drawn
    assert sorted(p.name for p in written) == ["relu.png", "sigmoid.png", "softplus.png",
                                               "swish.png"]  # fmt: skip


# 6. the plots folder is cleaned, ignored by git, and documented


def test_stale_plots_are_removed_and_nothing_else(tmp_path):
    plots = tmp_path / "grade-report-plots"
    plots.mkdir()
    (plots / "sigmoid.png").write_bytes(b"yesterday")
    (plots / "notes.txt").write_text("mine")
    activation_plots.clean(plots)
    assert sorted(p.name for p in plots.iterdir()) == ["notes.txt"]
    (plots / "notes.txt").unlink()
    (plots / "learning-curve.png").write_bytes(b"yesterday")
    activation_plots.clean(plots)
    assert not plots.exists()


def test_report_and_plots_are_ignored_by_git_and_documented():
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert "grade-report.yaml" in ignored and "grade-report-plots/" in ignored
    readme = (REPO / "README.md").read_text()
    assert "grade-report-plots/" in readme and "grade make-notebooks" in readme


# 7. the learning curve


@pytest.mark.slow
def test_the_train_suite_records_the_history_and_it_is_drawn(tmp_path):
    folder = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    append(folder / "train.py", "def fit_mnist(X_train, y_train, time_budget_s=60):\n"
                                "    raise NotImplementedError\n")  # fmt: skip
    run = run_suites(folder, units=["train"], limits=Limits(call_timeout_s=30))
    history = run.metrics[learning_curve.HISTORY_METRIC]
    assert len(history["loss"]) == 5 and len(history["val_acc"]) == 5
    written = learning_curve.write_plot(run.metrics, tmp_path / "plots")
    assert [p.name for p in written] == ["learning-curve.png"] and written[0].stat().st_size
    assert learning_curve.write_plot({}, tmp_path / "none") == []
    # drawn by `grade` only where it helps: here fit_mnist failed, so the unit lost points
    assert learning_curve.wanted(run.results)
    assert not learning_curve.wanted([dataclasses.replace(r, status="passed") for r in run.results])


# 8. ids and messages as the student wrote them


def test_ids_print_as_themselves(tmp_path):
    """The suites' pytest.ini keeps non-ASCII parametrize ids as written (σ, ·), not escaped."""
    suite = tmp_path / "test_ids.py"
    suite.write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('name', ['σ', 'x·W'])\n"
        "def test_named(name):\n    pass\n"
    )
    names: list[str] = []

    class Collect:
        def pytest_collection_modifyitems(self, items):
            names.extend(item.name for item in items)

    ini = REPO / "grader" / "suites" / "pytest.ini"
    pytest.main([str(suite), "-c", str(ini), "--rootdir", str(tmp_path), "-q",
                 "-p", "no:cacheprovider", "--collect-only"], plugins=[Collect()])  # fmt: skip
    assert names == ["test_named[σ]", "test_named[x·W]"]


def test_messages_cite_the_students_file_not_the_scratch_copy():
    frame = '  File "/tmp/backprop-lab-k6vw8y56/submission/gates.py", line 12, in perceptron\n'
    error = StudentError("ValueError", "oops", frame + "    raise ValueError('oops')\n")
    status, message = classify(error)
    assert status == "error" and "(gates.py, line 12, in perceptron)" in message
    assert "/tmp/" not in message


def test_a_suite_bug_names_the_suites_line_without_a_traceback():
    """The grading session prints no tracebacks (--tb=no): a check that breaks says where."""
    where = os.path.join(os.sep, "any", "grader", "suites", "hidden", "test_fake.py")
    namespace: dict = {}
    exec(compile("def check():\n    raise TypeError('bad operand')\n", where, "exec"), namespace)
    try:
        namespace["check"]()
    except TypeError as error:
        status, message = classify(error)
    assert status == "error"
    assert message.endswith("TypeError: bad operand (at test_fake.py, line 2)")


def test_limits_only_messages_cite_the_students_file(project):
    append(project / "exercises" / "gates.py", "def perceptron(x, w, b):\n"
                                               "    raise ValueError('oops')\n")  # fmt: skip
    result = grade(project, "--unit", "gates", "--isolation", "limits-only")
    assert "gates.py, line" in result.stdout
    assert "backprop-lab-" not in result.stdout + (project / "grade-report.yaml").read_text()


# 9. platforms


def test_a_platform_without_fcntl_fails_with_one_line(project):
    code = "import sys; sys.modules['fcntl'] = None; from grader.cli import main; sys.exit(main())"
    result = subprocess.run(
        [sys.executable, "-c", code, "--unit", "gates"], cwd=project, capture_output=True,
        text=True, timeout=SUBPROCESS_LIMIT_S, check=False,
    )  # fmt: skip
    assert result.returncode == cli.EXIT_UNUSABLE
    assert len(result.stderr.strip().splitlines()) == 1 and "WSL" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_bubblewrap_students_get_limits_only_without_a_traceback(project):
    """No bwrap: `grade` falls back (to Landlock where the kernel has it, else limits only)."""
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no bwrap on this PATH
    assert shutil.which("bwrap", path=env["PATH"]) is None
    result = grade(project, "--unit", "gates", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert re.search(r"isolation: (landlock|limits-only)\)", result.stdout), result.stdout


# 12. (issue 12.8) a cell too deep to parse


def test_a_cell_too_deep_to_parse_is_a_problem_line(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import numpy as np\n"),
        nbformat.v4.new_code_cell("X = " + "+".join(["1"] * 300_000)),
    ]
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"c{index}"
    nbformat.write(notebook, tmp_path / "activations.ipynb")
    result = grade(tmp_path, "activations.ipynb")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "activations.ipynb, cell 2: nested too deeply" in result.stdout
    assert (tmp_path / "grade-report.yaml").exists()


def test_a_platform_that_refuses_a_limit_still_starts_the_worker(monkeypatch):
    """macOS refuses to lower RLIMIT_AS: that limit is left as it is, the others still apply."""
    import resource

    from grader.sandbox import worker

    applied = []

    def setrlimit(limit, values):
        if limit == resource.RLIMIT_AS:
            raise ValueError("current limit exceeds maximum limit")
        applied.append(limit)

    monkeypatch.setattr(worker.resource, "setrlimit", setrlimit)
    worker.apply_limits(4 * 2**30, 600, 64 * 2**20, 100)
    assert applied == [resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC,
                       resource.RLIMIT_CORE]  # fmt: skip
