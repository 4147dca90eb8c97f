"""The stubs at the level of help the instructor chooses (`grade release --hints`).

- `none`: what to implement: each docstring's first paragraph (the name, the shapes and the
  conventions the contract fixes), and a NotImplementedError that names the function.
- `formula` (default; the repository's exercises/ as written): the maths and a hint in words.
- `code`: `formula`, plus the numpy functions the reference uses, by name only.

No level ships Python code for the answer; `code_like` finds text that looks like it.
"""

from __future__ import annotations

import ast
import re

HINT_LEVELS = ("none", "formula", "code")
DEFAULT_LEVEL = "formula"

#: Python that answers the exercise rather than describing it: numpy calls, attribute calls,
#: subscripts, assignments, `return`, comprehensions, the matrix product operator.
CODE_PATTERNS = {
    "a numpy call": re.compile(r"\bnp\.\w+(\.\w+)*\s*\("),
    "a method call": re.compile(r"\b\w+\.\w+\s*\("),
    "an attribute of self": re.compile(r"\bself\.\w+"),
    "a return statement": re.compile(r"\breturn\s+\S"),
    "an in-place assignment": re.compile(r"[-+*/@]=\s"),
    "an assignment": re.compile(r"^\s*\w+(\[[^\]]*\])?\s*=\s*\S"),
    "a subscript": re.compile(r"\b\w+\[[^\]]*[\w:][^\]]*\]"),
    "a loop in code": re.compile(r"\bfor\s+\w+\s+in\s+\w+\s*[:(]"),
    "the @ operator": re.compile(r"\w\s+@\s+\w"),
}


def code_like(text: str) -> str | None:
    """The kind of Python code `text` contains (e.g. "a numpy call"), or None."""
    for kind, pattern in CODE_PATTERNS.items():
        if pattern.search(text):
            return kind
    return None


def not_implemented_messages(source: str) -> list[tuple[str, str]]:
    """(function, message) of every `raise NotImplementedError("...")` in a stub."""
    found = []
    for function in _functions(ast.parse(source)):
        for node in ast.walk(function):
            message = _not_implemented_message(node)
            if message is not None:
                found.append((function.name, message.value))
    return found


def stub_at_level(source: str, level: str, reference: str | None = None) -> str:
    """A stub module's source at hint `level`; `code` needs the reference module's source."""
    if level not in HINT_LEVELS:
        raise ValueError(f"hint level must be one of {', '.join(HINT_LEVELS)}, not {level!r}")
    if level == "formula":
        return source
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    used = _numpy_names(reference) if level == "code" and reference else {}
    edits: list[tuple[int, int, int, int, str]] = []  # (line, col, end_line, end_col, text)
    for qualname, function in _qualified_functions(tree):
        doc = _docstring_node(function)
        if doc is not None:
            text = ast.get_docstring(function) or ""
            if level == "none":
                text = text.split("\n\n")[0]
            elif used.get(qualname):
                text += "\n\nNumpy functions that help here: " + ", ".join(used[qualname]) + "."
            indent = " " * doc.col_offset
            edits.append((*_span(doc), _render_docstring(text, indent)))
        if level == "none":
            for node in ast.walk(function):
                message = _not_implemented_message(node)
                if message is not None:
                    edits.append((*_span(message), f"\"{function.name}: not written yet\""))
    for line, col, end_line, end_col, text in sorted(edits, reverse=True):
        # ast's columns count UTF-8 bytes (the stubs use σ, ∂, ...), so slice the bytes
        head = lines[line - 1].encode()[:col].decode()
        tail = lines[end_line - 1].encode()[end_col:].decode()
        lines[line - 1 : end_line] = [head + text + tail]
    return "".join(lines)


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _qualified_functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node.name, node))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.append((f"{node.name}.{item.name}", item))
    return found


def _docstring_node(function: ast.FunctionDef) -> ast.Constant | None:
    first = function.body[0] if function.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return first.value if isinstance(first.value.value, str) else None
    return None


def _not_implemented_message(node: ast.AST) -> ast.Constant | None:
    if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
        return None
    call = node.exc
    if not (isinstance(call.func, ast.Name) and call.func.id == "NotImplementedError"):
        return None
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0]
    return None


def _span(node: ast.expr) -> tuple[int, int, int, int]:
    return node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0


def _render_docstring(text: str, indent: str) -> str:
    lines = text.splitlines() or [""]
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    body = "\n".join(indent + line if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{indent}"""'


def _numpy_names(reference: str) -> dict[str, list[str]]:
    """qualified function name -> the np.* functions its reference body uses, sorted."""
    used = {}
    for qualname, function in _qualified_functions(ast.parse(reference)):
        names = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                dotted = _dotted(node.func)
                if dotted and dotted.startswith("np."):
                    names.add(dotted)
        used[qualname] = sorted(names)
    return used


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None
