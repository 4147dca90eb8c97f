"""Notebooks: generated from the stubs, run top to bottom, and graded from their definitions."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from grader import cli
from grader.course import make_notebooks
from grader.grading.runner import run_suites
from grader.submissions.notebooks import extract
from grader.units import UNITS
from tests.grading import REPO, score_of


def test_committed_notebooks_are_up_to_date(tmp_path):
    make_notebooks.write_all(tmp_path)
    for unit in UNITS:
        committed = REPO / "notebooks" / f"{unit}.ipynb"
        assert committed.read_text() == (tmp_path / f"{unit}.ipynb").read_text(), (
            f"notebooks/{unit}.ipynb is stale: run `grade make-notebooks --force`"
        )


def test_a_notebook_teaches_and_checks():
    notebook = nbformat.read(REPO / "notebooks" / "activations.ipynb", as_version=4)
    nbformat.validate(notebook)
    sources = [cell.source for cell in notebook.cells]
    assert sources[0].startswith("# Unit 2: activation functions")
    assert any("### `sigmoid`" in s and "1 / (1 + e^-x)" in s for s in sources)
    assert any('check("activations")' in s for s in sources)
    assert any("np.linspace(-5, 5" in s and "f_grad(x)" in s for s in sources)
    training = nbformat.read(REPO / "notebooks" / "train.ipynb", as_version=4)
    assert any('history["val_acc"]' in cell.source for cell in training.cells)


def _text(unit: str) -> str:
    notebook = nbformat.read(REPO / "notebooks" / f"{unit}.ipynb", as_version=4)
    return "\n".join(cell.source for cell in notebook.cells)


def test_notebooks_teach_what_the_lecture_notes_teach():
    layers, losses, train = _text("layers"), _text("losses"), _text("train")
    assert "z = t² with t = x + y" in layers and "2(x + y)" in layers  # the chain rule example
    assert "0.36" in layers and "0.24" in layers and "0.6" in layers  # the error split
    for problem, activation, loss in [("regression", "identity", "mse"),
                                      ("binary", "sigmoid", "binary_cross_entropy"),
                                      ("multi-class", "softmax", "softmax_cross_entropy")]:
        row = next(line for line in losses.splitlines() if line.startswith(f"| {problem}"))
        assert activation in row and loss in row
    assert "Underfitting" in train and "Overfitting" in train


def test_the_train_notebook_starts_from_the_notes_network():
    notebook = nbformat.read(REPO / "notebooks" / "train.ipynb", as_version=4)
    sources = [cell.source for cell in notebook.cells]
    notes = next(i for i, s in enumerate(sources) if "lecture notes' MNIST network" in s)
    first_stub = next(i for i, s in enumerate(sources) if "def iterate_minibatches" in s)
    assert notes < first_stub, "the notebook starts from the notes' network"
    code = sources[notes + 1]
    assert "size=(784, 1000)" in code and "size=(1000, 10)" in code and "1e-6" in code
    assert "averaged" in code and "softmax" in code and "plt.plot" in code


@pytest.fixture(scope="module")
def reference_notebooks(tmp_path_factory):
    """The notebooks with the reference filled in (built from solutions/)."""
    folder = tmp_path_factory.mktemp("reference-notebooks")
    make_notebooks.write_all(folder, package="solutions")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_notebook_runs_top_to_bottom_with_the_reference(reference_notebooks, unit, tmp_path):
    path = tmp_path / f"{unit}.ipynb"
    shutil.copy(reference_notebooks / f"{unit}.ipynb", path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    client.execute()
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )
    scored = re.search(rf"{unit}: ([\d.]+)/([\d.]+) points", printed)
    assert scored and float(scored.group(1)) == float(scored.group(2)), printed[-2000:]


def copy_notebooks(source: Path, target: Path, change=None) -> Path:
    target.mkdir()
    for unit in UNITS:
        notebook = nbformat.read(source / f"{unit}.ipynb", as_version=4)
        if change:
            change(notebook)
        nbformat.write(notebook, target / f"{unit}.ipynb")
    return target


def shuffle_cells(notebook):
    random.Random(len(notebook.cells)).shuffle(notebook.cells)


def add_cells(notebook):
    junk = [
        "model = None\nfor epoch in range(10**9):\n    pass",  # a training cell: never runs
        "print('hello')\n1 / 0",
        "%matplotlib inline\n!ls",
        "x = 3  # a working variable",
    ]
    for index, source in enumerate(junk):
        cell = nbformat.v4.new_code_cell(source)
        cell["id"] = f"extra-{index}"
        notebook.cells.insert(1 + 2 * index, cell)
    notebook.cells = [c for c in notebook.cells if c.cell_type == "code"]  # markdown deleted


@pytest.mark.slow
@pytest.mark.parametrize(
    "change", [None, shuffle_cells, add_cells], ids=["filled", "shuffled", "extra-cells"]
)
def test_notebook_submissions_earn_the_reference_score(reference_notebooks, tmp_path, change):
    folder = copy_notebooks(reference_notebooks, tmp_path / "submission", change)
    run = run_suites(folder)
    assert score_of(run.results) == pytest.approx(100)


@pytest.mark.slow
def test_one_notebook_with_every_unit_is_split_by_the_contract(reference_notebooks, tmp_path):
    merged = nbformat.v4.new_notebook()
    for unit in UNITS:
        cells = nbformat.read(reference_notebooks / f"{unit}.ipynb", as_version=4).cells
        merged.cells += [c for c in cells if c.cell_type == "code"]
    for index, cell in enumerate(merged.cells):
        cell["id"] = f"cell-{index}"
    nbformat.write(merged, tmp_path / "everything.ipynb")
    run = run_suites(tmp_path / "everything.ipynb", units=["gates", "layers", "optim"])
    assert score_of(run.results) == pytest.approx(35)


@pytest.mark.slow
def test_single_files_and_mixes(reference_notebooks, tmp_path):
    single = tmp_path / "gates.py"
    shutil.copy(REPO / "solutions" / "gates.py", single)
    run = run_suites(single, units=["gates"])
    assert score_of(run.results) == pytest.approx(10)
    mix = tmp_path / "mix"
    mix.mkdir()
    shutil.copy(REPO / "solutions" / "gates.py", mix / "gates.py")
    shutil.copy(reference_notebooks / "activations.ipynb", mix / "activations.ipynb")
    run = run_suites(mix, units=["gates", "activations"])
    assert score_of(run.results) == pytest.approx(30)


@pytest.mark.slow
def test_a_cell_that_does_not_parse_is_named(reference_notebooks, tmp_path):
    notebook = nbformat.read(reference_notebooks / "gates.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("def broken(:\n    pass"))
    notebook.cells[-1]["id"] = "broken"
    nbformat.write(notebook, tmp_path / "gates.ipynb")
    run = run_suites(tmp_path / "gates.ipynb", units=["gates"])
    assert score_of(run.results) == 0
    assert "gates.ipynb, cell" in run.results[0].message and "SyntaxError" in run.results[0].message


def test_only_definitions_are_kept():
    source = "import numpy as np\nfrom exercises.layers import Affine\nLIMIT = 3\nmodel = 5\n"
    source += "def f(x):\n    return x\nprint(f(2))\nclass A:\n    pass\n"
    kept = [d.code for d in extract(source)]
    assert kept == ["import numpy as np", "from .layers import Affine", "LIMIT = 3",
                    "def f(x):\n    return x", "class A:\n    pass"]  # fmt: skip


@pytest.mark.parametrize(("content", "why"), [
    ("{not json", "not valid JSON"), (json.dumps({"cells": 3}), "not a Jupyter notebook"),
])  # fmt: skip
def test_a_broken_notebook_gets_a_clear_error_and_a_report(tmp_path, capsys, content, why):
    path = tmp_path / "activations.ipynb"
    path.write_text(content)
    report = tmp_path / "report.yaml"
    assert cli.main([str(path), "--report", str(report)]) == 2
    assert why in capsys.readouterr().err
    data = yaml.safe_load(report.read_text())
    assert data["status"] == "error" and why in data["reason"] and data["score"] == 0


def test_grade_make_notebooks_writes_every_unit(tmp_path, capsys):
    assert cli.main(["make-notebooks", "--out", str(tmp_path / "nb")]) == 0
    assert sorted(p.stem for p in (tmp_path / "nb").glob("*.ipynb")) == sorted(UNITS)


@pytest.mark.slow
def test_batch_grades_notebooks_single_files_and_broken_notebooks(reference_notebooks, tmp_path):
    import csv

    root = tmp_path / "class"
    (root / "bob").mkdir(parents=True)
    shutil.copy(reference_notebooks / "gates.ipynb", root / "ann.ipynb")
    shutil.copy(reference_notebooks / "gates.ipynb", root / "bob" / "gates.ipynb")
    shutil.copy(REPO / "solutions" / "gates.py", root / "carl.py")
    (root / "dan.ipynb").write_text("{oops")
    out = tmp_path / "out"
    assert cli.main(["batch", str(root), "--out", str(out), "-j", "1", "--unit", "gates"]) == 0
    with open(out / "gradebook.csv") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert {s: rows[s]["total"] for s in rows} == {
        "ann": "10",
        "bob": "10",
        "carl": "10",
        "dan": "0",
    }
    assert rows["dan"]["status"] == "error" and "not valid JSON" in rows["dan"]["reason"]
