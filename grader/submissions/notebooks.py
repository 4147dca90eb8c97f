"""Notebooks in, modules out: the grader keeps only a notebook's top-level definitions.

From every code cell it takes imports, function and class definitions and constant
assignments (UPPER_CASE names, or names of the contract), and nothing else: no training or
plotting cell runs, and cell order, extra cells, markdown and outputs do not matter. Imports of
`exercises.X` or `solutions.X` become imports of the sibling module `.X`. A cell that does not
parse makes the module raise a SyntaxError naming the notebook and the cell.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
from pathlib import Path

from grader.submissions import UnusableSubmission
from grader.units import UNITS

COURSE_PACKAGES = ("exercises", "solutions")
#: Imports a notebook needs for its own cells, never for graded code: the check cell (grader)
#: and plotting. The worker offers numpy and the standard library only.
NOT_GRADED_IMPORTS = ("__future__", "grader", "matplotlib", "IPython", "seaborn")


@dataclasses.dataclass(frozen=True)
class Cell:
    """One code cell: where it came from and its source."""

    origin: str
    number: int
    source: str


@dataclasses.dataclass(frozen=True)
class Definition:
    """One top-level statement worth keeping, with the names it defines."""

    names: tuple[str, ...]
    order: int  # 0 imports, 1 literal constants, 2 functions and classes, 3 other assignments
    code: str


def read_cells(path: Path) -> list[Cell]:
    """The code cells of a notebook; UnusableSubmission if it is not a valid notebook."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UnusableSubmission(f"{path.name}: not a notebook (not valid JSON)") from None
    return cells_of(path.name, text)


def cells_of(name: str, text: str) -> list[Cell]:
    """The code cells of the notebook `name` whose JSON is `text`."""
    import nbformat  # here, not at the top: `grade` on .py files never pays for its import

    try:
        notebook = nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError):
        raise UnusableSubmission(f"{name}: not a notebook (not valid JSON)") from None
    except Exception as exc:  # nbformat raises several kinds for a JSON that is not a notebook
        raise UnusableSubmission(f"{name}: not a Jupyter notebook ({exc})") from None
    cells = [c for c in notebook.get("cells", []) if c.get("cell_type") == "code"]
    return [Cell(name, i, str(c.get("source", ""))) for i, c in enumerate(cells, start=1)]


def module_source(cells: list[Cell], owners: dict[str, str] | None = None, unit: str = "") -> str:
    """A module from the cells' definitions: all of them, or (splitting a file across units)
    those `owners` gives to `unit`, importing what they use from the other units."""
    definitions, problems = _definitions(cells)
    chosen = definitions
    if owners is not None:
        chosen = [d for d in definitions if d.order and owners.get(d.names[0]) == unit]
        chosen += _imports_for(chosen, definitions, owners, unit)
    origins = sorted({cell.origin for cell in cells})
    lines = [f'"""Assembled by backprop-lab from {", ".join(origins)}."""']
    lines += [f"raise SyntaxError({problem!r})" for problem in problems]
    lines += [d.code for d in sorted(chosen, key=lambda d: d.order)]
    return "\n\n".join(lines) + "\n"


def _definitions(cells: list[Cell]) -> tuple[list[Definition], list[str]]:
    """Every cell's definitions (a name defined twice: the later cell wins), and parse errors."""
    latest: dict[tuple[bool, tuple[str, ...]], Definition] = {}
    problems = []
    for cell in cells:
        try:
            for definition in extract(cell.source):
                key = (definition.order == 0, definition.names)  # an import never hides a def
                latest.pop(key, None)
                latest[key] = definition
        except SyntaxError as exc:
            problems.append(f"{cell.origin}, cell {cell.number}, line {exc.lineno}: {exc.msg}")
        except (RecursionError, MemoryError):  # e.g. `X = 1+1+...` with 300,000 terms
            problems.append(
                f"{cell.origin}, cell {cell.number}: nested too deeply for Python to read "
                "(a very long expression?); split it into shorter statements"
            )
    return list(latest.values()), problems


def _used_names(definitions: list[Definition]) -> set[str]:
    return {
        node.id
        for d in definitions
        for node in ast.walk(ast.parse(d.code))
        if isinstance(node, ast.Name)
    }


def _imports_for(
    chosen: list[Definition], everything: list[Definition], owners: dict[str, str], unit: str
) -> list[Definition]:
    """The imports a split module needs: outside ones as written, course names from their unit."""
    used = _used_names(chosen)
    own = {name for d in chosen for name in d.names}
    lines: list[Definition] = []
    for d in everything:
        if d.order:
            continue
        node = ast.parse(d.code).body[0]
        relative = isinstance(node, ast.ImportFrom) and node.level
        if not relative:
            lines.append(d)
            continue
        for alias in node.names:  # type: ignore[union-attr]
            name, local = alias.name, alias.asname or alias.name
            if local not in used or local in own:
                continue
            where = owners.get(name)
            if where is None:
                lines.append(Definition((local,), 0, ast.unparse(
                    ast.ImportFrom(module=node.module, names=[alias], level=1))))  # fmt: skip
            elif where != unit:
                lines.append(Definition((local,), 0, f"from .{where} import {name} as {local}"))
            elif local != name:
                lines.append(Definition((local,), 3, f"{local} = {name}"))
    taken = {name for d in lines for name in d.names}
    for name in sorted(used - own - taken):
        if name in owners and owners[name] != unit:
            lines.append(Definition((name,), 0, f"from .{owners[name]} import {name}"))
    return lines


def extract(source: str) -> list[Definition]:
    """The top-level definitions in one cell's source (IPython magics and ! lines dropped)."""
    text = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    tree = ast.parse(text)
    lines = text.splitlines()
    found = []
    for node in tree.body:
        definition = _definition(node, lines)
        if definition is not None:
            found.append(definition)
    return found


def _definition(node: ast.stmt, lines: list[str]) -> Definition | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
        if module and module.split(".")[0] in NOT_GRADED_IMPORTS:
            return None  # the check cell, or plotting: the worker has numpy and the stdlib only
        rewritten = _rewrite_import(node)
        names = tuple(alias.asname or alias.name for alias in rewritten.names)
        return Definition(names, 0, ast.unparse(rewritten))
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return Definition((node.name,), 2, source_segment(node, lines))
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not all(isinstance(t, ast.Name) for t in targets) or node.value is None:
            return None
        names = tuple(t.id for t in targets)  # type: ignore[attr-defined]
        if not all(_is_constant_name(name) for name in names):
            return None  # a working variable of a training or plotting cell
        code = source_segment(node, lines)
        return Definition(names, 1 if _is_literal(node.value) else 3, code)
    return None


def source_segment(node: ast.stmt, lines: list[str]) -> str:
    """The statement's source lines, decorators included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1 : node.end_lineno])


def _is_constant_name(name: str) -> bool:
    """UPPER_CASE constants and the contract's own names (ACTIVATIONS) are definitions."""
    return name.lstrip("_").isupper() or name in contract_units()


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _rewrite_import(node: ast.Import | ast.ImportFrom) -> ast.Import | ast.ImportFrom:
    """`exercises.X` / `solutions.X` become the sibling module `.X`."""
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        head, _, rest = node.module.partition(".")
        if head in COURSE_PACKAGES:
            return ast.ImportFrom(module=rest or None, names=node.names, level=1)
    if isinstance(node, ast.Import):
        for alias in node.names:
            head, _, rest = alias.name.partition(".")
            if head in COURSE_PACKAGES and rest and len(node.names) == 1:
                return ast.ImportFrom(
                    module=None, names=[ast.alias(rest, alias.asname or rest)], level=1
                )
    return node


# The names each unit's stub defines (exercises/<unit>.py as shipped). A static table, not an
# import of `exercises`: that package is the student's own editable code, which never runs in
# the grader's process. tests/test_notebooks.py keeps it equal to the stubs (read by AST).
CONTRACT_NAMES: dict[str, tuple[str, ...]] = {
    "gates": ("perceptron", "AND", "NAND", "OR", "XOR", "train_perceptron"),
    "activations": (
        "SELU_LAMBDA", "SELU_ALPHA", "step", "step_grad", "sign", "sign_grad", "identity",
        "identity_grad", "piecewise_linear", "piecewise_linear_grad", "sigmoid", "sigmoid_grad",
        "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "prelu",
        "prelu_grad", "prelu_alpha_grad", "elu", "elu_grad", "selu", "selu_grad", "swish",
        "swish_grad", "softplus", "softplus_grad", "softmax", "softmax_jacobian", "maxout",
        "maxout_grad", "ACTIVATIONS",
    ),
    "losses": (
        "EPS", "mse", "mse_grad", "binary_cross_entropy", "binary_cross_entropy_grad",
        "cross_entropy", "softmax_cross_entropy", "softmax_cross_entropy_grad",
    ),
    "layers": (
        "MulLayer", "AddLayer", "Affine", "Activation", "Relu", "Sigmoid", "Tanh", "LeakyRelu",
        "SoftmaxWithLoss",
    ),
    "gradcheck": ("numerical_gradient", "relative_error"),
    "mlp": ("INIT_METHODS", "init_weights", "MLP"),
    "optim": ("SGD", "Momentum", "Adam"),
    "train": ("iterate_minibatches", "train", "fit_mnist"),
}  # fmt: skip


@functools.cache
def contract_units() -> dict[str, str]:
    """Public name -> the unit that defines it (from CONTRACT_NAMES, never by importing)."""
    return {name: unit for unit in UNITS for name in CONTRACT_NAMES[unit]}


def split_by_contract(loose: list[tuple[str, list[Cell]]]) -> dict[str, str]:
    """Module sources for files not named after a unit: each definition goes to its unit.

    A name of the contract goes to the unit that defines it; any other definition (a helper)
    goes to the lowest unit, in course order, whose definitions use it, so imports between the
    assembled modules point one way only.
    """
    cells = [cell for _, file_cells in loose for cell in file_cells]
    definitions, _ = _definitions(cells)
    contract = contract_units()
    owners = {n: contract[n] for d in definitions if d.order for n in d.names if n in contract}
    helpers = [d for d in definitions if d.order and not set(d.names) & set(owners)]
    uses = {d.names: _used_names([d]) for d in definitions if d.order}
    changed = True
    while changed:
        changed = False
        for helper in [h for h in helpers if h.names[0] not in owners]:
            users = {
                owners[names[0]]
                for names, used in uses.items()
                if names[0] in owners and set(helper.names) & used
            }
            if users:
                for name in helper.names:
                    owners[name] = min(users, key=UNITS.index)
                changed = True
    units = sorted(set(owners.values()), key=UNITS.index)
    for helper in helpers:  # used by nothing graded: keep it with the first unit
        for name in helper.names:
            owners.setdefault(name, units[0] if units else UNITS[0])
    return {unit: module_source(cells, owners, unit) for unit in units}
