"""`grade make-notebooks`: one student notebook per unit, generated from the stubs with nbformat.

Each notebook has the unit's explanation (with the lecture notes' worked examples), one
markdown + code cell per function or class to write (the stub, with its formula and hint), a
cell that checks the unit with the grader's public tests, and for activations and train a cell
that plots what the student built. The stubs are read as text, never imported; a stub a student
has filled in is refused, and a notebook that differs from what would be generated (a student's
work) is never overwritten without --force.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.submissions.notebooks import source_segment
from grader.units import UNITS

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


CHAIN_RULE = """\
## The chain rule, on the notes' example

Backpropagation passes local derivatives from right to left and multiplies them. Take
z = t² with t = x + y. Each node knows only its own derivative: ∂z/∂t = 2t and ∂t/∂x = 1. The
chain rule multiplies them: ∂z/∂x = ∂z/∂t · ∂t/∂x = 2t · 1 = 2(x + y). For x = 1, y = 2 that is
6: nudge x by 0.001 and z = 9 moves by about 0.006. An add node passes the gradient through
unchanged (the `· 1`); a multiply node z = x·y sends each input the upstream gradient times the
*other* input. These are `AddLayer` and `MulLayer` below.

## Splitting the error among the inputs

The notes' perceptron picture: the output is off by 0.6 and two weights fed it, say 3.0 and 2.0.
Each input is blamed in proportion to its weight: 0.6 · 3/5 = 0.36 goes back to input 1 and
0.6 · 2/5 = 0.24 to input 2, and each updates its own weight. Backpropagation does the same
without the division: input i receives error · wᵢ (that is `dx = dout @ W.T` in `Affine`), and
in an MLP it repeats the step layer by layer, from the output back to the input."""

CHAIN_RULE_CHECK = """\
x, y = 1.0, 2.0
z = lambda x, y: (x + y) ** 2
by_the_chain_rule = 2 * (x + y)
numerically = (z(x + 1e-6, y) - z(x - 1e-6, y)) / 2e-6
print(f"chain rule {by_the_chain_rule}, central difference {numerically:.6f}")"""

LOSS_PAIRING = """\
## Which output activation goes with which loss

| problem | output activation | loss |
|---|---|---|
| regression (predict a number) | none (identity) | mean squared error, `mse` |
| binary classification (yes/no) | sigmoid | binary cross-entropy, `binary_cross_entropy` |
| multi-class (MNIST's ten digits) | softmax | cross-entropy, `softmax_cross_entropy` |

Each pair is chosen so the gradient at the output is simply prediction − target. That is why
`SoftmaxWithLoss` computes softmax and cross-entropy together (and why PyTorch's
`nn.CrossEntropyLoss` already contains the softmax: do not apply it twice)."""

NOTES_NETWORK = """\
## Where we start: the lecture notes' MNIST network

The notes train a 784-1000-10 network: sigmoid in the hidden and output layers, no biases,
the whole training set in every step, the gradients *summed* over the images, and a learning
rate of 1e-6 (tuned for 60,000 images with pixels 0-255). The cell below runs it on 2,000 of
the bundled images, and then changes one thing at a time:

1. **averaged gradients** (divide the sum by N): the step no longer grows with the size of the
   data set or the scale of the pixels, so one learning rate works everywhere;
2. **ReLU in the hidden layer**: sigmoid's slope is at most 0.25 and near 0 at both ends, so the
   error shrinks on its way back (vanishing gradients); ReLU passes it through where x > 0;
3. **softmax with cross-entropy at the output**: ten probabilities that add up to 1, paired
   with the loss whose gradient is prediction − target.

This is the network your `train` and `fit_mnist` build, with minibatches and Adam on top."""

NOTES_NETWORK_CODE = """\
import matplotlib.pyplot as plt
import numpy as np
from grader.datasets import load_mnist

(X_all, y_all), (X_test, y_test) = load_mnist()
X_notes, y_notes = X_all[:2000].astype(np.float64), y_all[:2000]
y_notes_hot = np.eye(10)[y_notes]


def notes_network(hidden, output, averaged, learning_rate, epochs=15, seed=0):
    \"\"\"The notes' 784-1000-10 network without biases, full batch: test accuracy per epoch.\"\"\"
    rng = np.random.default_rng(seed)
    w1 = rng.uniform(-0.058, 0.058, size=(784, 1000))
    w2 = rng.uniform(-0.077, 0.077, size=(1000, 10))
    scale = 1 / len(X_notes) if averaged else 1.0
    accuracy = []
    for _ in range(epochs):
        z1 = X_notes @ w1
        a1 = 1 / (1 + np.exp(-z1)) if hidden == "sigmoid" else np.maximum(z1, 0)
        z2 = a1 @ w2
        if output == "sigmoid":
            a2 = 1 / (1 + np.exp(-z2))
        else:
            e = np.exp(z2 - z2.max(axis=1, keepdims=True))
            a2 = e / e.sum(axis=1, keepdims=True)
        d2 = a2 - y_notes_hot  # prediction - target, for both pairings
        d1 = (d2 @ w2.T) * (a1 * (1 - a1) if hidden == "sigmoid" else (z1 > 0))
        w2 = w2 - learning_rate * scale * (a1.T @ d2)
        w1 = w1 - learning_rate * scale * (X_notes.T @ d1)
        h = X_test @ w1
        h = 1 / (1 + np.exp(-h)) if hidden == "sigmoid" else np.maximum(h, 0)
        accuracy.append(np.mean(np.argmax(h @ w2, axis=1) == y_test))
    return accuracy


runs = {
    "the notes: sigmoid, summed, lr 1e-6": notes_network("sigmoid", "sigmoid", False, 1e-6),
    "sigmoid, averaged gradients, lr 0.5": notes_network("sigmoid", "sigmoid", True, 0.5),
    "ReLU + softmax/cross-entropy, averaged, lr 0.5": notes_network("relu", "softmax", True, 0.5),
}
for label, accuracy in runs.items():
    plt.plot(range(1, len(accuracy) + 1), accuracy, marker="o", label=label)
plt.axhline(0.1, color="0.7", ls=":", label="guessing")
plt.xlabel("epoch (one full-batch step)")
plt.ylabel("test accuracy")
plt.legend()
plt.show()"""

FITTING = """\
## Underfitting and overfitting: read the two curves

- **Underfitting**: training and test accuracy are both low and close. The model is too small,
  trained too briefly, or the learning rate is off: train longer, widen the layers, tune lr.
- **Overfitting**: training accuracy keeps rising while test accuracy stalls or falls. The model
  learns the training images by heart: stop earlier, use more data, or a smaller model.
- In between (**generalisation**): both rise together and end close. Aim for that.

The grader scores `fit_mnist` on 1,000 test images it never shows you, so it is the test curve
that counts."""

UNIT_NOTES: dict[str, list[tuple[str, str]]] = {  # unit -> (markdown, code or "") after imports
    "losses": [(LOSS_PAIRING, "")],
    "layers": [(CHAIN_RULE, CHAIN_RULE_CHECK)],
    "train": [(NOTES_NETWORK, NOTES_NETWORK_CODE)],
}


def build(
    unit: str, package: str = "exercises", folder: Path | None = None
) -> nbformat.NotebookNode:
    """The notebook of `unit`, from `folder`/<unit>.py (default: the package's own folder)."""
    source = ((folder or package_folder(package)) / f"{unit}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    cells = [new_markdown_cell(_title(unit, ast.get_docstring(tree) or ""))]
    imports = [_import_line(node, package) for node in tree.body if _is_import(node)]
    cells.append(new_code_cell("\n".join(line for line in imports if line)))
    for markdown, code in UNIT_NOTES.get(unit, []):
        cells.append(new_markdown_cell(markdown))
        if code:
            cells.append(new_code_cell(code))
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
        cells.append(new_markdown_cell(FITTING))
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


def package_folder(package: str) -> Path:
    """Where the course package `package` lives, found without importing (running) it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise NotAStub(f"the `{package}` package is not installed here")
    return Path(next(iter(spec.submodule_search_locations)))


class NotAStub(ValueError):
    """The source a notebook would be generated from is not the course's stub."""


def require_stub(path: Path) -> None:
    """Refuse a stub a student has filled in: every public function and method (other than
    __init__) must still raise NotImplementedError, as shipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    written = []
    for node in tree.body:
        functions = [node] if isinstance(node, ast.FunctionDef) else []
        if isinstance(node, ast.ClassDef):
            functions = [m for m in node.body if isinstance(m, ast.FunctionDef)]
        for function in functions:
            if function.name.startswith("_") and function.name != "__call__":
                continue
            if not any(_raises_not_implemented(n) for n in ast.walk(function)):
                written.append(function.name)
    if written:
        raise NotAStub(
            f"{path}: {', '.join(written[:5])} {'is' if len(written) == 1 else 'are'} not a stub "
            "any more (your code?); notebooks are generated from the stubs as shipped"
        )


def _raises_not_implemented(node: ast.AST) -> bool:
    return isinstance(node, ast.Raise) and "NotImplementedError" in ast.unparse(node)


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


def write_all(
    out: Path, package: str = "exercises", folder: Path | None = None, force: bool = False
) -> list[Path]:
    """Write every unit's notebook into `out`; returns the paths.

    From the stubs (package "exercises") only if they are still stubs (NotAStub otherwise). A
    notebook already in `out` that differs from what would be written is a student's work: then
    nothing is written (FileExistsError naming them) unless `force`.
    """
    source = folder or package_folder(package)
    if package == "exercises":
        for unit in UNITS:
            require_stub(source / f"{unit}.py")
    texts = {unit: nbformat.writes(build(unit, package, source)) + "\n" for unit in UNITS}
    changed = [
        out / f"{unit}.ipynb"
        for unit, text in texts.items()
        if (out / f"{unit}.ipynb").exists()
        and (out / f"{unit}.ipynb").read_text(encoding="utf-8", errors="replace") != text
    ]
    if changed and not force:
        raise FileExistsError(", ".join(str(p) for p in changed))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit, text in texts.items():
        path = out / f"{unit}.ipynb"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    """Entry point of `grade make-notebooks` (an instructor's step)."""
    parser = argparse.ArgumentParser(
        prog="grade make-notebooks", description=__doc__.splitlines()[0].split(": ", 1)[1]
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder (default ./notebooks)"
    )
    parser.add_argument("--package", default="exercises", choices=["exercises", "solutions"],
                        help="build from the stubs (default) or the reference")  # fmt: skip
    parser.add_argument(
        "--from", dest="folder", type=Path, metavar="FOLDER",
        help="read the stubs from FOLDER instead of the installed package",
    )  # fmt: skip
    parser.add_argument(
        "--force", action="store_true",
        help="overwrite notebooks that differ from what would be generated",
    )  # fmt: skip
    args = parser.parse_args(argv)
    try:
        paths = write_all(args.out, args.package, args.folder, force=args.force)
    except NotAStub as exc:
        print(f"grade make-notebooks: {exc}; nothing written", file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(
            f"grade make-notebooks: {exc} differ from what would be generated (your work?); "
            "nothing written. Move them away, or pass --force to overwrite them.",
            file=sys.stderr,
        )
        return 2
    print(f"wrote {len(paths)} notebooks to {args.out}/")
    return 0
