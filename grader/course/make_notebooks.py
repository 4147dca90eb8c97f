"""`grade notebooks`: one student notebook per unit, generated from the stubs with nbformat.

Each notebook has the unit's explanation, one markdown + code cell per function or class to
write (the stub, with its formula and hint), a cell that checks the unit with the grader's
public tests, and for activations and train a cell that plots what the student built.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.submissions.notebooks import source_segment
from grader.units import UNITS

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path("notebooks")

ACTIVATION_PLOT = """\
import matplotlib.pyplot as plt

x = np.linspace(-5, 5, 401)
fig, axes = plt.subplots(3, 4, figsize=(14, 9))
for ax, (name, (f, f_grad)) in zip(axes.flat, ACTIVATIONS.items()):
    ax.set_title(name)
    ax.grid(True)
    try:
        ax.plot(x, f(x), label="f(x)")
        ax.plot(x, f_grad(x), "--", label="f'(x)")
        ax.legend()
    except NotImplementedError:
        ax.text(0.5, 0.5, "not written yet", ha="center", transform=ax.transAxes)
plt.tight_layout()
plt.show()"""

TRAINING_PLOT = """\
import matplotlib.pyplot as plt
from grader.datasets import load_mnist
from {package}.mlp import MLP
from {package}.optim import Adam

(X_train, y_train), (X_test, y_test) = load_mnist()
model = MLP([784, 100, 10], activation="relu", weight_init="he", seed=0)
history = train(model, X_train, y_train, epochs=5, batch_size=100, optimizer=Adam(lr=0.001),
                X_val=X_test, y_val=y_test, seed=0)

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.plot(history["loss"], marker="o")
left.set(title="training loss", xlabel="epoch")
right.plot(history["train_acc"], marker="o", label="train")
right.plot(history["val_acc"], marker="o", label="test")
right.set(title="accuracy", xlabel="epoch")
right.legend()
plt.show()"""


def build(
    unit: str, package: str = "exercises", folder: Path | None = None
) -> nbformat.NotebookNode:
    """The notebook of `unit`, from `folder`/<unit>.py (default: the package's own folder)."""
    source = ((folder or REPO / package) / f"{unit}.py").read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    cells = [new_markdown_cell(_title(unit, ast.get_docstring(tree) or ""))]
    imports = [_import_line(node, package) for node in tree.body if _is_import(node)]
    cells.append(new_code_cell("\n".join(line for line in imports if line)))
    for node in tree.body:
        if _is_import(node) or _is_docstring(node):
            continue
        heading = _heading(node)
        if heading:
            cells.append(new_markdown_cell(heading))
        cells.append(new_code_cell(source_segment(node, lines)))
    cells.append(new_markdown_cell("## Check your work\n\nSave the notebook, then run:"))
    cells.append(new_code_cell(
        f'from grader.grading.notebook_check import check\n\ncheck("{unit}")'
    ))
    if unit == "activations":
        cells.append(new_markdown_cell("## Every activation and its derivative on [-5, 5]"))
        cells.append(new_code_cell(ACTIVATION_PLOT))
    if unit == "train":
        cells.append(new_markdown_cell("## Your training loop on MNIST: loss and accuracy"))
        cells.append(new_code_cell(TRAINING_PLOT.format(package=package)))
    for index, cell in enumerate(cells):
        cell["id"] = f"{unit}-{index:02d}"  # stable ids: regenerating changes nothing
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.validate(notebook)
    return notebook


def _title(unit: str, docstring: str) -> str:
    """The module docstring as the notebook's heading (its first sentence) and introduction."""
    first, _, rest = docstring.partition("\n\n")
    heading = " ".join(first.split())
    if not heading.lower().startswith("unit"):
        heading = f"Unit {UNITS.index(unit) + 1}: {heading}"
    return f"# {heading}\n\n{rest}".rstrip()


def _is_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.Import | ast.ImportFrom)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _import_line(node: ast.Import | ast.ImportFrom, package: str) -> str:
    """The module's import as a notebook can run it: `.x` becomes `<package>.x`."""
    if isinstance(node, ast.ImportFrom):
        if node.module == "__future__":
            return ""
        if node.level:
            module = f"{package}.{node.module}" if node.module else package
            return ast.unparse(ast.ImportFrom(module=module, names=node.names, level=0))
    return ast.unparse(node)


def _heading(node: ast.stmt) -> str:
    """A markdown heading with the first line of the docstring, for what students write."""
    if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name.startswith("_"):
        return ""
    summary = ((ast.get_docstring(node) or "").splitlines() or [""])[0]
    return f"### `{node.name}`\n\n{summary}"


def write_all(out: Path, package: str = "exercises", folder: Path | None = None) -> list[Path]:
    """Write every unit's notebook into `out`; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in UNITS:
        path = out / f"{unit}.ipynb"
        path.write_text(nbformat.writes(build(unit, package, folder)) + "\n")
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    """Entry point of `grade notebooks`."""
    parser = argparse.ArgumentParser(prog="grade notebooks", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder (default ./notebooks)"
    )
    parser.add_argument("--package", default="exercises", choices=["exercises", "solutions"],
                        help="build from the stubs (default) or the reference")  # fmt: skip
    args = parser.parse_args(argv)
    paths = write_all(args.out, args.package)
    print(f"wrote {len(paths)} notebooks to {args.out}/")
    return 0
