"""What a submission is made of: a folder of modules, single files, notebooks, or a mix.

Every accepted form becomes the same thing before grading: a mapping from module file name
(`activations.py`) to Python source, which the grader copies into the worker's scratch. The
folder is read without following links (symbolic links, devices and FIFOs are refused and
named in the report's `problems`), with caps on entries, file size and depth.
- a folder: its `.py` modules and packages, and its `.ipynb` notebooks;
- a single `.py` file or `.ipynb` notebook;
- a file named after a unit (`layers.py`, `layers.ipynb`) is that unit's module; any other
  file is split by the contract: each top-level definition goes to the unit that names it.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
import sys
from pathlib import Path

from grader.sandbox.process import Limits
from grader.sandbox.proxy import Submission
from grader.submissions import UnusableSubmission, notebooks
from grader.units import UNITS

SUFFIXES = (".py", ".ipynb")
MAX_FILES = 500  # entries looked at in all (files, folders, links)
MAX_FILE_BYTES = 4 * 2**20
MAX_SOURCE_BYTES = 20 * 2**20
MAX_DEPTH = 8


@dataclasses.dataclass
class SourceTree:
    """A submission read safely: relative path -> bytes, and what was refused (and why)."""

    files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    refused: list[str] = dataclasses.field(default_factory=list)
    seen: int = 0


def read_tree(path: Path) -> SourceTree:
    """Read a submission's sources without following links: symbolic links, devices, FIFOs
    and sockets are refused (and named), with caps on entries, file size, total and depth.
    `path` itself (given by whoever runs the grader) may be a link."""
    tree = SourceTree()
    if path.is_file():
        if path.suffix not in SUFFIXES:
            raise UnusableSubmission(f"{path.name}: not a .py file, a notebook or a folder")
        data = _read_regular(path, path.name, tree)
        if data is None:
            raise UnusableSubmission(f"{path.name}: cannot be read: {'; '.join(tree.refused)}")
        tree.files[path.name] = data
        return tree
    if not path.is_dir():
        raise UnusableSubmission(f"{path}: no such file or folder")
    _walk(path, "", 0, tree)
    if not tree.files:
        raise UnusableSubmission(f"{path}: no Python files or notebooks in this folder")
    return tree


def _walk(folder: Path, prefix: str, depth: int, tree: SourceTree) -> None:
    """Top level: .py and .ipynb files; below: packages (folders with __init__.py), .py only."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        tree.refused.append(f"{prefix or '.'}: cannot be listed ({exc.strerror})")
        return
    suffixes = SUFFIXES if depth == 0 else (".py",)
    for entry in entries:
        tree.seen += 1
        relative = f"{prefix}{entry.name}"
        if tree.seen > MAX_FILES:
            raise UnusableSubmission(f"{folder.name}: more than {MAX_FILES} files and folders")
        if entry.is_symlink():
            if entry.name.endswith(SUFFIXES) or _is_package(entry):
                tree.refused.append(f"{relative}: a symbolic link, not followed")
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name.startswith(".") or not _is_package(entry):
                continue
            if depth + 1 >= MAX_DEPTH:
                tree.refused.append(f"{relative}: nested deeper than {MAX_DEPTH} folders")
                continue
            _walk(Path(entry.path), f"{relative}/", depth + 1, tree)
        elif entry.name.endswith(suffixes):
            data = _read_regular(Path(entry.path), relative, tree)
            if data is not None:
                tree.files[relative] = data
                if sum(len(d) for d in tree.files.values()) > MAX_SOURCE_BYTES:
                    raise UnusableSubmission(f"{folder.name}: more than 20 MB of source")


def _is_package(entry: os.DirEntry) -> bool:
    init = os.path.join(entry.path, "__init__.py")
    try:
        return stat.S_ISREG(os.lstat(init).st_mode) and not entry.is_symlink()
    except OSError:
        return False


def _read_regular(path: Path, relative: str, tree: SourceTree) -> bytes | None:
    """The bytes of a regular file, opened without following a link and without blocking on
    a FIFO; None (and a note in tree.refused) for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        why = "a symbolic link, not followed" if exc.errno == errno.ELOOP else exc.strerror
        tree.refused.append(f"{relative}: {why}")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            tree.refused.append(f"{relative}: not a regular file (a device, FIFO or socket)")
            return None
        if info.st_size > MAX_FILE_BYTES:
            tree.refused.append(f"{relative}: larger than {MAX_FILE_BYTES // 2**20} MiB")
            return None
        with os.fdopen(os.dup(fd), "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            tree.refused.append(f"{relative}: larger than {MAX_FILE_BYTES // 2**20} MiB")
            return None
        return data
    except OSError as exc:
        tree.refused.append(f"{relative}: cannot be read ({exc.strerror})")
        return None
    finally:
        os.close(fd)


def submission_files(folder: Path) -> list[Path]:
    """The regular files a submission folder is made of (its digest covers these), read
    with the same rules as grading: links and special files are left out."""
    tree = SourceTree()
    _walk(folder, "", 0, tree)
    return [folder / name for name in sorted(tree.files, key=_sources_first)]


def _sources_first(name: str) -> tuple[bool, str]:
    return (name.endswith(".ipynb"), name)


def source_files(path: Path) -> list[Path]:
    """The files a submission consists of (for grading and for its digest)."""
    tree = read_tree(path)
    if path.is_file():
        return [path]
    return [path / name for name in sorted(tree.files, key=_sources_first)]


def gather_modules(path: Path, refused: list[str] | None = None) -> dict[str, str]:
    """Relative module path -> source, for every accepted form (see the module docstring);
    what was refused while reading is added to `refused`."""
    tree = read_tree(path)
    if refused is not None:
        refused += tree.refused
    modules: dict[str, str] = {}
    loose: list[tuple[str, list[notebooks.Cell]]] = []
    for relative in sorted(tree.files, key=_sources_first):
        text = tree.files[relative].decode("utf-8", errors="replace")
        file = Path(relative)
        if file.suffix == ".py" and (file.stem in UNITS or "/" in relative or path.is_dir()):
            modules[relative] = text
        elif file.suffix == ".py":
            loose.append((file.name, [notebooks.Cell(file.name, 1, text)]))
        elif file.stem in UNITS:
            modules[f"{file.stem}.py"] = notebooks.module_source(
                notebooks.cells_of(file.name, text)
            )
        else:
            loose.append((file.name, notebooks.cells_of(file.name, text)))
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


_noticed: set[str] = set()


def _notice_once(message: str) -> None:
    """Tell the user once per process that grading runs without a sandbox."""
    if message not in _noticed:
        _noticed.add(message)
        print(f"grade: {message}", file=sys.stderr)


def open_submission(
    path: Path | str, limits: Limits | None = None, isolation: str = "auto"
) -> Submission:
    """The submission at `path` (any accepted form), ready to be called in a worker; files
    refused while reading it are in its `problems`."""
    refused: list[str] = []
    modules = gather_modules(Path(path), refused)
    submission = Submission(modules, limits, isolation, notice=_notice_once)
    submission.problems += [f"not graded: {why}" for why in refused]
    return submission
