"""Finding submissions in a class folder and unpacking them safely.

A submission is a folder holding the course modules (as .py files, notebooks or both), a
`.zip` of one, a notebook, or a single .py file. The student id is the entry's own name (a file
without its extension), Unicode kept and NFC-normalised; two entries whose ids would collide,
even only in case, stop the batch before anything is graded.

Inside a submission the graded folder is the one holding the most course modules changed from
the stubs (a zip of the whole course holds `exercises/` and the stub `notebooks/`); a student
folder holding nothing but one zip (as Moodle hands them out) is that zip.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import re
import stat
import unicodedata
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

from grader.submissions import UnusableSubmission
from grader.units import UNITS

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_BYTES = 50 * 2**20
MAX_DEPTH = 8  # how deep a course folder is looked for inside a submission
MAX_FOLDERS = 2000  # how many folders are looked at inside one submission
MAX_REPORT_NAME_BYTES = 200
KINDS = {".zip": "zip", ".ipynb": "notebook", ".py": "file"}
IGNORED_FOLDERS = {"__MACOSX", "__pycache__"}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One student's submission as found in the class folder."""

    student: str
    path: Path
    kind: str  # folder, zip, notebook or file


@dataclasses.dataclass(frozen=True)
class Graded:
    """What is graded of a submission: the folder (or file) and a note on how it was chosen."""

    path: Path
    note: str = ""


class IdCollision(ValueError):
    """Two or more class-folder entries would give the same student id."""


def student_id(path: Path) -> str:
    """The id an entry's name gives: a folder's name, a file's stem; NFC-normalised."""
    name = path.name if path.is_dir() else path.stem
    return unicodedata.normalize("NFC", name).strip()


def report_stem(student: str) -> str:
    """The file name (without .yaml) of a student's report: the id where it is a safe name.

    Ids unsafe as file names (a slash, a control character, a leading dot, too long) get a
    readable prefix and a hash of the id, so two ids never share a file.
    """
    unsafe = (
        not student
        or student.startswith(".")
        or re.search(r"[/\\\x00-\x1f\x7f]", student)
        or len(student.encode()) > MAX_REPORT_NAME_BYTES
    )
    if not unsafe:
        return student
    prefix = re.sub(r"[/\\\x00-\x1f\x7f.]", "_", student)[:40]
    return f"{prefix}~{hashlib.sha256(student.encode()).hexdigest()[:12]}"


def find_submissions(root: Path) -> list[Entry]:
    """Every submission directly under `root`, sorted by id; IdCollision names any clash."""
    entries: list[Entry] = []
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        kind = "folder" if path.is_dir() else KINDS.get(path.suffix.lower())
        if kind is None:
            continue
        entries.append(Entry(student_id(path), path, kind))
    check_unique(entries)
    return sorted(entries, key=lambda e: e.student)


def check_unique(entries: list[Entry]) -> None:
    """IdCollision naming every group of entries whose ids (or file names) match, case aside."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.student.casefold(), []).append(entry)
        stem = report_stem(entry.student).casefold()
        if stem != entry.student.casefold():
            groups.setdefault(stem, []).append(entry)
    clashes = [group for group in groups.values() if len(group) > 1]
    if clashes:
        named = "; ".join(" and ".join(repr(e.path.name) for e in group) for group in clashes)
        raise IdCollision(
            f"these entries would share a student id (ids ignore case and the extension): "
            f"{named}; rename or remove one of each before grading"
        )


def unpack(entry: Entry, scratch: Path) -> Graded:
    """What to grade for `entry` (zips are extracted into `scratch`)."""
    if entry.kind == "folder":
        lone = lone_zip(entry.path)
        if lone is not None:
            graded = course_folder(extract_zip(lone, scratch / "unzipped"))
            return Graded(graded.path, _join(f"unpacked {lone.name}", graded.note))
        return course_folder(entry.path)
    if entry.kind == "zip":
        return course_folder(extract_zip(entry.path, scratch / "unzipped"))
    return Graded(entry.path)  # a notebook or a .py file: grader.submissions.sources reads it


def graded_source(entry: Entry) -> Path:
    """The folder or file whose contents decide the grade, found without extracting anything."""
    if entry.kind == "folder":
        return lone_zip(entry.path) or course_folder(entry.path).path
    return entry.path


def lone_zip(folder: Path) -> Path | None:
    """The one .zip in `folder` when the folder holds no course module of its own."""
    try:
        zips = [p for p in folder.iterdir() if p.suffix.lower() == ".zip" and p.is_file()]
        if len(zips) != 1 or any(_has_course_module(f) for f in _folders(folder)):
            return None
    except OSError as exc:
        raise UnusableSubmission(f"{folder.name}: cannot read the folder ({exc})") from None
    return zips[0]


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


def course_folder(folder: Path) -> Graded:
    """The folder holding the most course modules changed from the stubs (see the docstring)."""
    try:
        candidates = [f for f in _folders(folder) if _has_course_module(f)]
    except OSError as exc:
        raise UnusableSubmission(f"{folder.name}: cannot read the folder ({exc})") from None
    if not candidates:
        expected = ", ".join(f"{unit}.py" for unit in UNITS)
        raise UnusableSubmission(f"{folder.name}: none of the course modules ({expected}) is there")
    if len(candidates) == 1:
        return Graded(candidates[0])
    claim = {f: (_changed(f), -len(f.parts)) for f in candidates}  # ties: the shallower
    ranked = sorted(candidates, key=claim.__getitem__, reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if claim[best] == claim[runner_up]:
        named = ", ".join(_relative(f, folder) for f in ranked if claim[f] == claim[best])
        raise UnusableSubmission(
            f"{folder.name}: several folders hold equally many changed course modules ({named});"
            " submit one"
        )
    others = ", ".join(_relative(f, folder) for f in ranked[1:])
    return Graded(
        best,
        f"graded {_relative(best, folder)} (the folder with the most changed course modules;"
        f" also found: {others})",
    )


def _changed(folder: Path) -> tuple[int, int]:
    """(course modules differing from the stubs, notebooks): a folder's claim to be the work."""
    stubs = stub_digests()
    changed = 0
    for unit in UNITS:
        module = folder / f"{unit}.py"
        if module.is_file() and not module.is_symlink():
            changed += _text_digest(module.read_bytes()) != stubs.get(unit)
    notebooks = sum(1 for p in folder.glob("*.ipynb") if p.is_file())
    return changed, notebooks


@lru_cache(maxsize=1)
def stub_digests() -> dict[str, str]:
    """unit -> digest of the installed `exercises` stub, read as text (never imported)."""
    spec = importlib.util.find_spec("exercises")
    if spec is None or not spec.submodule_search_locations:
        return {}
    stubs = Path(next(iter(spec.submodule_search_locations)))
    return {
        unit: _text_digest((stubs / f"{unit}.py").read_bytes())
        for unit in UNITS
        if (stubs / f"{unit}.py").is_file()
    }


def _text_digest(content: bytes) -> str:
    """SHA-256 of a source with line endings and trailing blanks made uniform."""
    text = content.decode("utf-8", errors="replace").replace("\r\n", "\n").rstrip()
    return hashlib.sha256(text.encode()).hexdigest()


def _folders(root: Path) -> list[Path]:
    """`root` and the folders under it, links and __MACOSX left out, MAX_DEPTH deep at most."""
    found, queue = [], [(root, 0)]
    while queue:
        folder, depth = queue.pop(0)
        found.append(folder)
        if len(found) > MAX_FOLDERS:
            raise UnusableSubmission(f"{root.name}: more than {MAX_FOLDERS} folders")
        if depth >= MAX_DEPTH:
            continue
        with os.scandir(folder) as listing:
            subs = sorted(
                Path(item.path)
                for item in listing
                if item.is_dir(follow_symlinks=False)
                and item.name not in IGNORED_FOLDERS
                and not item.name.startswith(".")
            )
        queue += [(sub, depth + 1) for sub in subs]
    return found


def _has_course_module(folder: Path) -> bool:
    """A unit's module, or a notebook (grader.submissions.sources decides what it holds)."""
    return any((folder / f"{unit}.py").is_file() for unit in UNITS) or any(folder.glob("*.ipynb"))


def _relative(folder: Path, root: Path) -> str:
    return str(folder.relative_to(root)) if folder != root else "."


def _join(*notes: str) -> str:
    return "; ".join(note for note in notes if note)
