"""`grade pack`: the file a student uploads — the course files that count, with their digests.

The zip holds each unit's module (`gates.py`, ...) or notebook found in the folder, and
`MANIFEST.json` with the SHA-256 of every file in it. A folder where no function differs from the
stubs is refused, with the reason: uploading it would score 0.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

from grader.submissions import UnusableSubmission
from grader.submissions.sources import gather_modules, source_files
from grader.units import UNITS

MANIFEST = "MANIFEST.json"
SCHEMA = "backprop-lab/pack/1"


def course_files(folder: Path) -> list[Path]:
    """The files that count: each unit's module, and notebooks (their definitions are graded)."""
    return [f for f in source_files(folder) if f.suffix == ".ipynb" or f.stem in UNITS]


def definitions(source: str) -> dict[str, str]:
    """qualified name -> the definition's code without its docstring (ast.dump), nested too."""
    found: dict[str, str] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = node.body
                if inner and isinstance(inner[0], ast.Expr) and isinstance(
                    getattr(inner[0], "value", None), ast.Constant
                ):
                    inner = inner[1:]
                name = prefix + node.name
                found[name] = "\n".join(ast.dump(statement) for statement in inner)
                if isinstance(node, ast.ClassDef):
                    visit(node.body, name + ".")

    visit(ast.parse(source).body, "")
    return found


def stub_sources() -> dict[str, str]:
    """The installed stubs: module file name -> source."""
    spec = importlib.util.find_spec("exercises")
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations)))
    return {f"{unit}.py": (folder / f"{unit}.py").read_text() for unit in UNITS}


def changed_units(folder: Path) -> list[str]:
    """The units where some definition differs from the stub's."""
    stubs = {name: definitions(source) for name, source in stub_sources().items()}
    changed = []
    for name, source in gather_modules(folder).items():
        try:
            mine = definitions(source)
        except SyntaxError:
            changed.append(Path(name).stem)  # edited, if badly: the grader will say so
            continue
        stub = stubs.get(Path(name).name, {})
        if any(stub.get(key) != code for key, code in mine.items()):
            changed.append(Path(name).stem)
    return sorted(set(changed))


def pack(folder: Path, out: Path) -> dict:
    """Write the upload zip `out` from `folder`; returns its manifest. UnusableSubmission if the
    folder holds no course file or nothing in it differs from the stubs."""
    files = course_files(folder)
    if not files:
        raise UnusableSubmission(
            f"{folder} holds none of the course's files ({', '.join(u + '.py' for u in UNITS)} "
            "or notebooks): run grade pack in your exercises folder or name it"
        )
    changed = changed_units(folder)
    if not changed:
        raise UnusableSubmission(
            f"nothing in {folder} differs from the stubs: every function is still the one you "
            "were given, so this upload would score 0. Write your code first (grade shows what "
            "is left), then pack again"
        )
    manifest = {
        "schema": SCHEMA,
        "files": {f.relative_to(folder).as_posix(): _sha256(f) for f in files},
        "changed_units": changed,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.write(f, f.relative_to(folder).as_posix())
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str]) -> int:
    """Entry point of `grade pack`."""
    parser = argparse.ArgumentParser(prog="grade pack", description=__doc__.splitlines()[0])
    parser.add_argument(
        "path", nargs="?", type=Path,
        help="your work: default ./exercises if it exists, else the current folder",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, default=Path("submission.zip"),
        help="the file to upload (default: submission.zip)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    folder = args.path or (Path("exercises") if Path("exercises").is_dir() else Path("."))
    if not folder.is_dir():
        print(f"grade pack: {folder}: no such folder", file=sys.stderr)
        return 2
    try:
        manifest = pack(folder, args.out)
    except UnusableSubmission as exc:
        print(f"grade pack: {exc}", file=sys.stderr)
        return 2
    names = ", ".join(manifest["files"])
    print(f"wrote {args.out}: {names} and {MANIFEST} (SHA-256 of each); upload this file")
    return 0
