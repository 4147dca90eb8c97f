"""Finding submissions in a class folder and unpacking them safely.

A submission is a folder holding the course modules (as .py files, notebooks or both), a
`.zip` of one, a notebook, or a single .py file. The student id is the folder or file name
without its extension.
"""

from __future__ import annotations

import dataclasses
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from grader.submissions import UnusableSubmission
from grader.units import UNITS

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_BYTES = 50 * 2**20
KINDS = {".zip": "zip", ".ipynb": "notebook", ".py": "file"}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One student's submission as found in the class folder."""

    student: str
    path: Path
    kind: str  # folder, zip, notebook or file


def student_id(path: Path) -> str:
    """The id a file or folder name gives: its stem, with unsafe characters replaced."""
    stem = path.name if path.is_dir() else path.stem
    return re.sub(r"[^A-Za-z0-9._@+-]", "_", stem).strip(".") or "unnamed"


def find_submissions(root: Path) -> list[Entry]:
    """Every submission directly under `root`, sorted by student id (ids made unique)."""
    entries: list[Entry] = []
    taken: set[str] = set()
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        kind = "folder" if path.is_dir() else KINDS.get(path.suffix.lower())
        if kind is None:
            continue
        student = student_id(path)
        if student in taken:
            student = f"{student}-{kind}"
        taken.add(student)
        entries.append(Entry(student, path, kind))
    return sorted(entries, key=lambda e: e.student)


def unpack(entry: Entry, scratch: Path) -> Path:
    """The folder to grade for `entry` (a zip is extracted into `scratch`)."""
    if entry.kind == "folder":
        return course_folder(entry.path)
    if entry.kind == "zip":
        return course_folder(extract_zip(entry.path, scratch / "unzipped"))
    return entry.path  # a notebook or a single .py file: grader.submissions.sources reads it


def extract_zip(archive: Path, target: Path) -> Path:
    """Extract `archive` into `target`, refusing paths that escape it, links and zip bombs."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            _check_members(archive, members)
            target.mkdir(parents=True)
            for member in members:
                bundle.extract(member, target)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnusableSubmission(f"{archive.name}: not a readable zip file ({exc})") from None
    return target


def _check_members(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_ENTRIES:
        raise UnusableSubmission(f"{archive.name}: more than {MAX_ZIP_ENTRIES} files in the zip")
    if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
        raise UnusableSubmission(f"{archive.name}: unpacks to more than 50 MB")
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or re.match(r"^[A-Za-z]:", member.filename):
            raise UnusableSubmission(
                f"{archive.name}: the path {member.filename!r} would escape the submission folder"
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise UnusableSubmission(f"{archive.name}: {member.filename!r} is a symbolic link")


def course_folder(folder: Path) -> Path:
    """The folder holding the course modules: `folder`, or its only sub-folder that does."""
    if _has_course_module(folder):
        return folder
    candidates = [p for p in sorted(folder.rglob("*")) if p.is_dir() and _has_course_module(p)]
    candidates = [p for p in candidates if "__MACOSX" not in p.parts]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        expected = ", ".join(f"{unit}.py" for unit in UNITS)
        raise UnusableSubmission(f"{folder.name}: none of the course modules ({expected}) is there")
    raise UnusableSubmission(f"{folder.name}: several folders hold course modules; submit one")


def _has_course_module(folder: Path) -> bool:
    """A unit's module, or a notebook (grader.submissions.sources decides what it holds)."""
    return any((folder / f"{unit}.py").is_file() for unit in UNITS) or any(folder.glob("*.ipynb"))
