"""What a submission is made of: a folder of modules, single files, notebooks, or a mix.

Every accepted form becomes the same thing before grading: a mapping from module file name
(`activations.py`) to Python source, which the grader copies into the worker's scratch.
- a folder: its `.py` modules and packages, and its `.ipynb` notebooks;
- a single `.py` file or `.ipynb` notebook;
- a file named after a unit (`layers.py`, `layers.ipynb`) is that unit's module; any other
  file is split by the contract: each top-level definition goes to the unit that names it.
"""

from __future__ import annotations

from pathlib import Path

from grader.sandbox.process import Limits
from grader.sandbox.proxy import Submission
from grader.submissions import UnusableSubmission, notebooks
from grader.units import UNITS

SUFFIXES = (".py", ".ipynb")
MAX_FILES = 500
MAX_SOURCE_BYTES = 20 * 2**20


def python_sources(folder: Path) -> list[Path]:
    """The folder's modules and, recursively, its packages (sub-folders with __init__.py)."""
    files = sorted(p for p in folder.glob("*.py") if p.is_file())
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if (sub / "__init__.py").is_file():
            files += python_sources(sub)
    return files


def submission_files(folder: Path) -> list[Path]:
    """What a submission folder is made of: its Python sources, then its notebooks."""
    return python_sources(folder) + sorted(p for p in folder.glob("*.ipynb") if p.is_file())


def source_files(path: Path) -> list[Path]:
    """The files a submission consists of (for grading and for its digest)."""
    if path.is_file():
        if path.suffix not in SUFFIXES:
            raise UnusableSubmission(f"{path.name}: not a .py file, a notebook or a folder")
        return [path]
    if not path.is_dir():
        raise UnusableSubmission(f"{path}: no such file or folder")
    files = submission_files(path)
    if not files:
        raise UnusableSubmission(f"{path}: no Python files or notebooks in this folder")
    if len(files) > MAX_FILES or sum(p.stat().st_size for p in files) > MAX_SOURCE_BYTES:
        raise UnusableSubmission(f"{path}: more than {MAX_FILES} files or 20 MB of source")
    return files


def gather_modules(path: Path) -> dict[str, str]:
    """Relative module path -> source, for every accepted form (see the module docstring)."""
    root = path if path.is_dir() else path.parent
    modules: dict[str, str] = {}
    loose: list[tuple[str, list[notebooks.Cell]]] = []
    for file in source_files(path):
        relative = file.relative_to(root).as_posix()
        if file.suffix == ".py" and (file.stem in UNITS or "/" in relative or path.is_dir()):
            modules[relative] = _read_text(file)
        elif file.suffix == ".py":
            loose.append((file.name, [notebooks.Cell(file.name, 1, _read_text(file))]))
        elif file.stem in UNITS:
            modules[f"{file.stem}.py"] = notebooks.module_source(notebooks.read_cells(file))
        else:
            loose.append((file.name, notebooks.read_cells(file)))
    for unit, source in notebooks.split_by_contract(loose).items():
        modules.setdefault(f"{unit}.py", source)
    return modules


def require_course_modules(path: Path) -> dict[str, str]:
    """gather_modules, refusing a submission that holds none of the course's units."""
    modules = gather_modules(path)
    if not any(Path(name).stem in UNITS for name in modules):
        expected = ", ".join(f"{unit}.py" for unit in UNITS)
        raise UnusableSubmission(f"{path.name}: none of the course modules ({expected}) is there")
    return modules


def _read_text(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise UnusableSubmission(f"{file.name}: cannot be read ({exc.strerror})") from None


def open_submission(
    path: Path | str, limits: Limits | None = None, isolation: str = "auto"
) -> Submission:
    """The submission at `path` (any accepted form), ready to be called in a worker."""
    return Submission(gather_modules(Path(path)), limits, isolation)
