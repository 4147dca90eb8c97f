"""`grade release`: the student edition holds nothing that grades; the autograder edition does.

The fast tests build the release into a temporary folder and walk every shipped file; the slow
one installs the student edition into a fresh virtualenv with the two documented commands and
grades the stubs (0) and the reference copied over them (every public point) there.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from grader import datasets
from grader.course import hints
from grader.course.release import main as release_main
from grader.course.release import prune_closed_forms
from grader.course.split import collect_tests, points_by_unit
from grader.grading.scoring import HIDDEN, PUBLIC
from grader.idx import read_idx
from grader.units import UNIT_POINTS

REPO = Path(__file__).resolve().parents[1]
SUITES = REPO / "grader" / "suites"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "out"
    assert release_main(["--out", str(out)]) == 0
    return out


def shipped_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def texts(folder: Path) -> dict[Path, str]:
    """Every shipped file as text (gzip and zip members unpacked; binary files as latin-1)."""
    found = {}
    for path in shipped_files(folder):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        found[path] = data.decode("latin-1")
    return found


def hidden_test_names() -> set[str]:
    """The function names of the hidden tests (a test id is unit::name)."""
    return {t.id.split("::")[1].split("[")[0] for t in collect_tests() if t.visibility == HIDDEN}


def solution_lines() -> set[str]:
    """Lines of solutions/ that are the answer: not blank or trivial, and not text the stubs
    already give (signatures, imports, conventions like `rng = np.random.default_rng(seed)`)."""
    stubs = "\n".join(path.read_text() for path in (REPO / "exercises").glob("*.py"))
    lines = set()
    for path in (REPO / "solutions").glob("*.py"):
        for line in path.read_text().splitlines():
            line = line.strip()
            trivial = line.startswith(("#", '"""', "import ", "from "))  # imports are no answer
            if len(line) >= 25 and line not in stubs and not trivial:
                lines.add(line)
    return lines


def test_the_student_edition_is_exactly_the_allow_list(release):
    student = release / "student"
    names = {p.relative_to(student).as_posix() for p in shipped_files(student)}
    assert "grader/suites/hidden_summary.json" in names
    assert not any(n.startswith(("solutions/", "grader/suites/hidden/")) for n in names)
    assert not any(n.startswith(("grader/course/", "grader/classroom/")) for n in names)
    assert not any("mnist-private" in n for n in names)
    assert "tests/test_student_edition.py" in names and "README.md" in names
    assert 'EDITION = "student"' in (student / "grader/edition.py").read_text()


def test_no_hidden_test_id_and_no_line_of_the_reference_is_shipped(release):
    shipped = texts(release / "student")
    hidden = hidden_test_names()
    answers = solution_lines()
    assert hidden and answers
    for path, text in shipped.items():
        for name in hidden:
            assert name not in text, f"{path} names the hidden test {name}"
        lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(lines & answers)
        assert not leaked, f"{path} holds lines of solutions/: {leaked[:3]}"


def test_no_private_image_or_label_is_shipped(release):
    x_private, y_private = datasets.load_private_test(normalize=False)
    private_images = {hashlib.sha256(image.tobytes()).hexdigest() for image in x_private}
    private_files = {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in datasets.PRIVATE.iterdir()
    } | {hashlib.sha256(gzip.decompress(p.read_bytes())).hexdigest()
         for p in datasets.PRIVATE.iterdir()}  # fmt: skip
    student = release / "student"
    for path in shipped_files(student):
        raw = path.read_bytes()
        digests = {hashlib.sha256(raw).hexdigest()}
        if path.suffix == ".gz":
            digests.add(hashlib.sha256(gzip.decompress(raw)).hexdigest())
        assert not digests & private_files, f"{path} is a private data file"
    for path in student.rglob("*images-idx3-ubyte.gz"):
        images = read_idx(path).reshape(-1, 784)
        shared = {hashlib.sha256(image.tobytes()).hexdigest() for image in images}
        assert not shared & private_images, f"{path} holds private test images"
    labels = [read_idx(p) for p in student.rglob("*labels-idx1-ubyte.gz")]
    assert not any(np.array_equal(label, y_private) for label in labels)


def test_closed_forms_only_hidden_tests_use_stay_out():
    source = (
        "import numpy as np\n\n"
        "SCALE = 2.0\n\n"
        "def helper(x):\n    return SCALE * x\n\n"
        "def public_form(x):\n    return helper(x) + 1\n\n"
        "def hidden_only_form(x):\n    return np.exp(x)\n"
    )
    users = Path(__file__).with_name("_users.py")
    try:
        users.write_text("from grader.suites import closed_forms as cf\ncf.public_form(1)\n")
        pruned = prune_closed_forms(source, [users])
    finally:
        users.unlink()
    names = {n.name for n in ast.parse(pruned).body if isinstance(n, ast.FunctionDef)}
    assert names == {"helper", "public_form"} and "SCALE = 2.0" in pruned


def test_the_shipped_closed_forms_hold_no_hidden_only_name(release):
    def used(paths):
        return {m for p in paths for m in re.findall(r"\bcf\.(\w+)", p.read_text())}

    shipped = release / "student" / "grader/suites/closed_forms.py"
    defined = {
        name
        for node in ast.parse(shipped.read_text()).body
        for name in ([node.name] if hasattr(node, "name") else
                     [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)])
    }  # fmt: skip
    student_users = used(p for p in (release / "student").rglob("*.py") if p != shipped)
    tree = ast.parse(shipped.read_text())
    needed_inside = {  # names another shipped definition uses: ACTIVATIONS (the plots) -> elu
        node.id
        for definition in tree.body
        for node in ast.walk(definition)
        if isinstance(node, ast.Name) and node.id != getattr(definition, "name", None)
    }
    hidden_only = used((SUITES / "hidden").glob("*.py")) - student_users - needed_inside
    assert not defined & hidden_only


def test_hidden_summary_counts_and_points_come_from_the_suites(release):
    summary = json.loads((release / "student/grader/suites/hidden_summary.json").read_text())
    table = points_by_unit(collect_tests())
    assert summary == {unit: sides[HIDDEN] for unit, sides in table.items()}
    for unit, sides in table.items():
        assert sides[PUBLIC]["points"] + sides[HIDDEN]["points"] == pytest.approx(
            UNIT_POINTS[unit]
        )
    readme = (release / "student/README.md").read_text()
    public_total = sum(sides[PUBLIC]["points"] for sides in table.values())
    assert f"worth {public_total:g} of the 100 points" in readme


def test_the_gradescope_zip_has_its_scripts_at_the_root(release):
    with zipfile.ZipFile(release / "autograder/gradescope/autograder.zip") as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
    assert {"setup.sh", "run_autograder"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert "grader/data/mnist-private/test-labels-idx1-ubyte.gz" in names
    assert "grader/suites/hidden/test_gates.py" in names
    assert not any(n.startswith("solutions/") for n in names)


def test_release_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert release_main(["--out", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err


# ---- hint levels ------------------------------------------------------------------------------


@pytest.mark.parametrize("level", hints.HINT_LEVELS)
def test_no_stub_at_any_level_ships_code_for_the_answer(level):
    """NotImplementedError messages: no code at all; docstring hints: no numpy call, no
    in-place assignment (the maths is fine; the line to type is not)."""
    for stub in sorted((REPO / "exercises").glob("*.py")):
        reference = REPO / "solutions" / stub.name
        source = hints.stub_at_level(stub.read_text(), level, reference.read_text())
        ast.parse(source)
        for function, message in hints.not_implemented_messages(source):
            kind = hints.code_like(message)
            assert kind is None, f"{stub.name} {function} at {level}: {kind} in {message!r}"
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                doc = ast.get_docstring(node) or ""
                for paragraph in doc.split("\n\n"):
                    if paragraph.startswith("Hint:"):
                        for kind in ("a numpy call", "an in-place assignment"):
                            found = hints.CODE_PATTERNS[kind].search(paragraph)
                            assert not found, f"{stub.name} {node.name} at {level}: {kind}"


def test_the_detector_finds_the_code_that_used_to_ship():
    for text in ("np.diag(s) - np.outer(s, s)", "params[key] -= self.lr * grads[key]",
                 "return dout * y, dout * x", "x = layer.forward(x) for each layer"):  # fmt: skip
        assert hints.code_like(text), text
    assert hints.code_like("prediction minus one-hot target, times dout, over batch size N") is None


def test_the_levels_differ_as_documented():
    stub = (REPO / "exercises/activations.py").read_text()
    reference = (REPO / "solutions/activations.py").read_text()
    none = hints.stub_at_level(stub, "none", reference)
    code = hints.stub_at_level(stub, "code", reference)
    assert hints.stub_at_level(stub, "formula", reference) == stub
    assert "Hint:" in stub and "Hint:" not in none
    assert "sigmoid: not written yet" in none
    assert "Numpy functions that help here:" in code and "Numpy functions" not in stub
    assert len(none) < len(stub) < len(code)


# ---- the student edition installed in a fresh virtualenv ---------------------------------------


def run(command, cwd):
    """Run a command that must succeed; its output is the failure message if it does not."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False,
                            timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_the_student_edition_installs_and_grades_public_points_only(release, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(release / "student", student)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", "-e", ".[test]"], student)
    run([python, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"], student)
    for module in ("solutions", "grader.suites.hidden", "grader.course.release",
                   "grader.classroom.batch"):  # fmt: skip
        absent = subprocess.run([python, "-c", f"import {module}"], cwd=tmp_path,
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert "ModuleNotFoundError" in absent.stderr, module
    refused = subprocess.run([python, "-m", "grader.cli", "--mode", "instructor"], cwd=student,
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert refused.returncode == 2 and "invalid choice" in refused.stderr

    grade = [str(venv / "bin" / "grade"), "exercises", "--report", "r.yaml"]
    out = run(grade, student).stdout
    stubs = yaml.safe_load((student / "r.yaml").read_text())
    assert stubs["score"] == 0
    assert "hidden tests run when you submit" in out
    for path in (REPO / "solutions").glob("*.py"):
        if path.name != "__init__.py":
            shutil.copy(path, student / "exercises" / path.name)
    run(grade, student)
    reference = yaml.safe_load((student / "r.yaml").read_text())
    table = points_by_unit(collect_tests())
    public = sum(sides[PUBLIC]["points"] for sides in table.values())
    assert reference["score"] == pytest.approx(public, abs=0.01)
    assert all(t["status"] == "passed" for u in reference["units"] for t in u["tests"])
    assert all(t["visibility"] == PUBLIC for u in reference["units"] for t in u["tests"])
    assert "mnist_validation_accuracy" in reference["metrics"]
    assert "mnist_test_accuracy" not in reference["metrics"]


def test_grade_help_lists_every_subcommand(capsys):
    from grader import cli

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert cli.SUBCOMMANDS and all(f"grade {name} " in text for name in cli.SUBCOMMANDS)


def test_the_split_check_finds_hidden_imports_and_units_under_half_public(tmp_path, monkeypatch):
    from grader.course import split

    public = tmp_path / "public"
    public.mkdir()
    (public / "test_gates.py").write_text(
        "from grader.suites.hidden.test_gates import helper\nimport solutions.gates\n"
    )
    assert split.hidden_imports([public / "test_gates.py"]) == [
        "test_gates.py: grader.suites.hidden.test_gates",
        "test_gates.py: grader.suites.hidden.test_gates.helper",
        "test_gates.py: solutions.gates",
    ]
    lopsided = [split.SuiteTest("gates::a", "gates", PUBLIC, 4.0),
                split.SuiteTest("gates::b", "gates", HIDDEN, 6.0)]  # fmt: skip
    monkeypatch.setattr(split, "collect_tests", lambda suites_dir: lopsided)
    problems = split.split_problems(tmp_path)
    assert any("public test imports hidden material" in p for p in problems)
    assert "gates: public tests are worth 4 of 10 points (at least half must be public)" in problems
