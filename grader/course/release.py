"""`grade release --out DIR`: the student edition and the autograder edition of the course.

DIR/student/ is what a student clones or installs: stubs at the chosen hint level, notebooks,
public tests, the training and validation data, a `grade` that runs the public tests and says
what the hidden ones are worth. It is built from an allow-list (STUDENT_FILES): a file is in it
only if listed, so nothing added to the repository later leaks by default.
DIR/autograder/ is everything that grades (all suites, the private data, `grade batch`), with
Gradescope's autograder zip in DIR/autograder/gradescope/autograder.zip. Neither has solutions/.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import sys
import time
import zipfile
from pathlib import Path

from grader.course import hints
from grader.course.split import collect_tests, points_by_unit
from grader.grading.scoring import HIDDEN, PUBLIC
from grader.units import UNIT_POINTS, UNITS

REPO = Path(__file__).resolve().parents[2]

#: The student edition, file by file (globs relative to the repository). Nothing else ships.
STUDENT_FILES = (
    "exercises/*.py",
    "grader/__init__.py", "grader/units.py", "grader/idx.py", "grader/datasets.py",
    "grader/cli.py",
    "grader/sandbox/*.py",
    "grader/submissions/*.py",
    "grader/grading/__init__.py", "grader/grading/runner.py", "grader/grading/plugin.py",
    "grader/grading/scoring.py", "grader/grading/report.py", "grader/grading/activation_plots.py",
    "grader/grading/learning_curve.py", "grader/grading/notebook_check.py",
    "grader/suites/__init__.py", "grader/suites/conftest.py", "grader/suites/checks.py",
    "grader/suites/probing.py", "grader/suites/pytest.ini", "grader/suites/public/*.py",
    "grader/data/mnist-subset/*",
)  # fmt: skip
#: Written, not copied: the edition marker, the pruned closed forms, the hidden summary, ...
STUDENT_PACKAGES = (
    "exercises", "grader", "grader.sandbox", "grader.submissions", "grader.grading",
    "grader.suites", "grader.suites.public",
)  # fmt: skip
#: The autograder edition: the whole grader (hidden suites and private data included), the
#: stubs (the contract), never the reference.
AUTOGRADER_FILES = ("exercises/*.py", "grader/**/*.py", "grader/suites/pytest.ini",
                    "grader/data/**/*", "grader/classroom/gradescope_files/*", "README.md",
                    "pyproject.toml")  # fmt: skip
AUTOGRADER_PACKAGES = (
    "exercises", "grader", "grader.sandbox", "grader.submissions", "grader.grading",
    "grader.course", "grader.classroom", "grader.suites", "grader.suites.public",
    "grader.suites.hidden",
)  # fmt: skip
TEMPLATES = Path(__file__).resolve().parents[1] / "classroom" / "gradescope_files"


def expand(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    """The files matching the allow-list, relative to root, sorted; caches never included."""
    found = set()
    for pattern in patterns:
        for path in root.glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(root))
    return sorted(found)


def build_student(root: Path, out: Path, level: str) -> None:
    """DIR/student: see the module docstring."""
    tests = collect_tests(root / "grader" / "suites")
    table = points_by_unit(tests)
    for rel in expand(root, STUDENT_FILES):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.parts[0] == "exercises" and rel.name != "__init__.py":
            reference = root / "solutions" / rel.name
            text = hints.stub_at_level(
                (root / rel).read_text(), level,
                reference.read_text() if reference.is_file() else None,
            )  # fmt: skip
            target.write_text(text)
        else:
            shutil.copyfile(root / rel, target)
    _write_edition(out, "student")
    shipped = [out / rel for rel in expand(out, ("**/*.py",))]
    (out / "grader/suites/closed_forms.py").write_text(
        prune_closed_forms((root / "grader/suites/closed_forms.py").read_text(), shipped)
    )
    withheld = {unit: sides[HIDDEN] for unit, sides in table.items()}
    (out / "grader/suites/hidden_summary.json").write_text(json.dumps(withheld, indent=2) + "\n")
    (out / "grader/data/README.md").write_text(_student_data_readme(root))
    _write_pyproject(root, out, STUDENT_PACKAGES, student=True)
    (out / "README.md").write_text(student_readme(table, level))
    (out / ".gitignore").write_text(
        "__pycache__/\n*.egg-info/\n.venv/\ngrade-report.yaml\ngrade-report-plots/\n"
        "submission.zip\n"
    )
    (out / "tests").mkdir(exist_ok=True)
    (out / "tests/test_student_edition.py").write_text(STUDENT_SELF_TEST)
    from grader.course.make_notebooks import write_all

    write_all(out / "notebooks", "exercises", out / "exercises")


def build_autograder(root: Path, out: Path) -> Path:
    """DIR/autograder and its Gradescope zip; returns the zip's path."""
    for rel in expand(root, AUTOGRADER_FILES):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, target)
    _write_edition(out, "autograder")
    _write_pyproject(root, out, AUTOGRADER_PACKAGES, student=False)
    zip_path = out / "gradescope" / "autograder.zip"
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
            archive.writestr(info, (TEMPLATES / name).read_text())
        for rel in expand(out, ("**/*",)):  # Gradescope unpacks the zip into /autograder/source
            if rel.parts[0] != "gradescope":
                archive.write(out / rel, rel.as_posix())
    return zip_path


def prune_closed_forms(source: str, users: list[Path]) -> str:
    """closed_forms.py with only the names the shipped modules use (`cf.NAME`) and what those
    names need in turn: closed forms only hidden tests use stay out of the student edition."""
    wanted = set()
    for path in users:
        wanted |= set(re.findall(r"\bcf\.([A-Za-z_]\w*)", path.read_text()))
    tree = ast.parse(source)
    defined = {}
    for node in tree.body:
        for name in _defined_names(node):
            defined[name] = node
    keep, todo = set(), [n for n in wanted if n in defined]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        used = {n.id for n in ast.walk(defined[name]) if isinstance(n, ast.Name)}
        todo += [n for n in used if n in defined and n not in keep]
    lines = source.splitlines(keepends=True)
    out = []
    for node in tree.body:
        names = _defined_names(node)
        if names and not names & keep:
            continue
        start = node.lineno - 1
        if getattr(node, "decorator_list", None):
            start = node.decorator_list[0].lineno - 1
        out.append("".join(lines[start : node.end_lineno]))
    return "\n\n".join(out) + "\n"


def _defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def _write_edition(out: Path, edition: str) -> None:
    path = out / "grader" / "edition.py"
    source = (REPO / "grader" / "edition.py").read_text()
    path.write_text(source.replace('EDITION = "course"', f'EDITION = "{edition}"'))


def _write_pyproject(root: Path, out: Path, packages: tuple[str, ...], student: bool) -> None:
    """The repository's pyproject.toml with this edition's package list and data."""
    text = (root / "pyproject.toml").read_text()
    listed = ", ".join(f'"{p}"' for p in packages)
    text = re.sub(r"packages = \[[^\]]*\]", f"packages = [{listed}]", text, count=1)
    data = (
        'grader = ["data/mnist-subset/*", "data/README.md"]\n'
        '"grader.suites" = ["pytest.ini", "hidden_summary.json"]\n'
        if student
        else 'grader = ["data/**/*"]\n"grader.suites" = ["pytest.ini"]\n'
        '"grader.classroom" = ["gradescope_files/*"]\n'
    )
    text = re.sub(
        r"(\[tool\.setuptools\.package-data\]\n)(.*?\n)(?=\n|\[)", r"\1" + data, text,
        count=1, flags=re.S,
    )  # fmt: skip
    if student:  # the student edition's own tests live in tests/; no mutant catalogs
        text = re.sub(r"\n\[tool\.ruff\.lint\.per-file-ignores\].*", "\n", text, flags=re.S)
    (out / "pyproject.toml").write_text(text)


def _student_data_readme(root: Path) -> str:
    text = (root / "grader/data/README.md").read_text()
    return text.split("## mnist-private/")[0].rstrip() + "\n"


def student_readme(table: dict, level: str) -> str:
    """The student edition's README: install, work, grade, submit; the hidden tests by number."""
    rows = "\n".join(
        f"| {unit} | {UNIT_POINTS[unit]} | {sides[PUBLIC]['tests']} tests, "
        f"{sides[PUBLIC]['points']:g} points | {sides[HIDDEN]['tests']} tests, "
        f"{sides[HIDDEN]['points']:g} points |"
        for unit, sides in table.items()
    )
    public = sum(sides[PUBLIC]["points"] for sides in table.values())
    return STUDENT_README.format(rows=rows, public=f"{public:g}", hidden=f"{100 - public:g}",
                                 level=level, units=", ".join(UNITS))  # fmt: skip


STUDENT_README = """\
# backprop-lab (student edition)

Build deep learning from scratch in numpy, and get graded as you go.

## Install and check

With Python 3.10 or newer, from this folder:

```bash
python -m pip install -e ".[test]"
python -m pytest
```

## Work

Fill in the stubs in `exercises/` (or the notebooks in `notebooks/`), unit by unit: {units}.
Each function's docstring says what to compute (hint level: {level}).

## Grade yourself

```bash
grade                      # the public tests on ./exercises, a table per unit
grade --unit activations   # one unit
```

`grade` runs the **public tests** only: they are worth {public} of the 100 points. The
**hidden tests** ({hidden} points) run when you submit; you see their number and points here,
never their content:

| unit | points | public tests | hidden tests |
|---|---|---|---|
{rows}

The MNIST test: `grade` calls your `fit_mnist(X_train, y_train, time_budget_s=60)` (60 seconds
of CPU time: check `time.process_time()`) and measures the accuracy on `load_mnist()`'s
**validation split**: a local estimate. Your grade uses 1,000 private MNIST test images that are
not in this edition.

```python
from grader.datasets import load_mnist
(X_train, y_train), (X_val, y_val) = load_mnist()   # 4,000 training, 1,000 validation images
```

## Submit

```bash
grade pack                 # writes submission.zip: your course files and their SHA-256
```

Upload `submission.zip` where your instructor says (e.g. Gradescope). `grade pack` refuses a
folder where nothing differs from the stubs.
"""

STUDENT_SELF_TEST = '''\
"""The student edition works: the data loads, the public tests run, the stubs score 0."""

import subprocess
import sys
from pathlib import Path

from grader.datasets import has_private_test, load_mnist
from grader.grading.runner import run_suites, withheld_tests

ROOT = Path(__file__).resolve().parents[1]


def test_training_and_validation_data_load():
    (x_train, y_train), (x_val, y_val) = load_mnist()
    assert x_train.shape == (4000, 784) and x_val.shape == (1000, 784)
    assert not has_private_test()


def test_the_stubs_score_nothing_on_the_public_tests():
    run = run_suites(ROOT / "exercises", units=["gates"])
    assert run.results and all(r.status != "passed" for r in run.results)
    assert all(r.visibility == "public" for r in run.results)


def test_grade_names_the_hidden_tests_by_number_only(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "grader.cli", str(ROOT / "exercises"), "--unit", "gates",
         "--report", str(tmp_path / "r.yaml")],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "hidden tests run when you submit" in out.stdout
    assert set(withheld_tests()) >= {"gates"}
'''


def main(argv: list[str]) -> int:
    """Entry point of `grade release`."""
    parser = argparse.ArgumentParser(prog="grade release", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the two editions")
    parser.add_argument(
        "--hints", choices=hints.HINT_LEVELS, default=hints.DEFAULT_LEVEL,
        help="help in the stubs: none (what to implement), formula (the maths; default), "
        "code (also the numpy functions to use, by name)",
    )  # fmt: skip
    parser.add_argument("--root", type=Path, default=REPO, help="the course repository")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"grade release: {args.out} is not empty; choose a new folder", file=sys.stderr)
        return 2
    start = time.monotonic()
    build_student(args.root, args.out / "student", args.hints)
    zip_path = build_autograder(args.root, args.out / "autograder")
    print(
        f"wrote {args.out / 'student'} (hints: {args.hints}) and {args.out / 'autograder'}; "
        f"Gradescope: {zip_path} ({time.monotonic() - start:.1f} s)"
    )
    return 0
