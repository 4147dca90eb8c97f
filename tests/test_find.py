"""Finding a class's submissions: ids, collisions, and the folder that is graded."""

from __future__ import annotations

import os
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest

from grader.submissions import UnusableSubmission, find
from grader.submissions.find import Entry, IdCollision, find_submissions, report_stem, unpack
from tests.samples import GATES

REPO = Path(__file__).resolve().parent.parent


def folder(root: Path, name: str, modules: dict[str, str] | None = None) -> Path:
    path = root / name
    path.mkdir(parents=True)
    for module, source in (modules or {"gates": GATES}).items():
        (path / f"{module}.py").write_text(source)
    return path


def test_ids_are_the_entries_own_names_unicode_kept(tmp_path):
    for name in ("김민수", "이영희", "박지훈", "o'brien", "=cmd", "ann lee"):
        folder(tmp_path, name)
    decomposed = unicodedata.normalize("NFD", "최수진")
    folder(tmp_path, decomposed)
    with zipfile.ZipFile(tmp_path / "정다은.zip", "w") as bundle:
        bundle.writestr("gates.py", GATES)
    ids = [entry.student for entry in find_submissions(tmp_path)]
    assert sorted(ids) == sorted(
        ["김민수", "이영희", "박지훈", "o'brien", "=cmd", "ann lee", "최수진", "정다은"]
    )
    assert unicodedata.normalize("NFC", "최수진") in ids


@pytest.mark.parametrize(
    "names",
    [("carol", "carol.zip", "carol-zip"), ("ALICE", "alice"), ("bob.py", "Bob.ipynb")],
)
def test_entries_that_would_collide_stop_the_batch_naming_them(tmp_path, names):
    for name in names:
        if name.endswith(".zip"):
            with zipfile.ZipFile(tmp_path / name, "w") as bundle:
                bundle.writestr("gates.py", GATES)
        elif "." in name:
            (tmp_path / name).write_text(GATES)
        else:
            folder(tmp_path, name)
    with pytest.raises(IdCollision) as caught:
        find_submissions(tmp_path)
    clashing = [n for n in names if n != "carol-zip"]
    for name in clashing:
        assert repr(name) in str(caught.value)
    assert "carol-zip" not in str(caught.value).replace("'carol.zip'", "")


def test_report_names_never_collide():
    ids = ["a/b", "a_b", ".hidden", "x" * 300, "x" * 301, "김민수"]
    stems = [report_stem(i) for i in ids]
    assert len(set(stems)) == len(ids)
    assert report_stem("김민수") == "김민수"
    assert all("/" not in s and not s.startswith(".") and len(s.encode()) <= 200 for s in stems)


def course_zip(path: Path, changed: dict[str, str], prefix: str = "backprop-lab/") -> None:
    """A zip of the whole course folder: the stubs, some changed, plus the stub notebooks."""
    with zipfile.ZipFile(path, "w") as bundle:
        for stub in sorted((REPO / "exercises").glob("*.py")):
            text = changed.get(stub.stem, stub.read_text())
            bundle.writestr(f"{prefix}exercises/{stub.name}", text)
        for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
            bundle.writestr(f"{prefix}notebooks/{notebook.name}", notebook.read_text())
        bundle.writestr(f"__MACOSX/{prefix}exercises/._gates.py", "junk")


def test_a_zip_of_the_whole_course_grades_the_changed_modules(tmp_path):
    course_zip(tmp_path / "nick.zip", {"gates": GATES})
    graded = unpack(Entry("nick", tmp_path / "nick.zip", "zip"), tmp_path / "scratch")
    assert graded.path.name == "exercises"
    assert (graded.path / "gates.py").read_text() == GATES
    assert "graded backprop-lab/exercises" in graded.note
    assert "backprop-lab/notebooks" in graded.note


def test_a_moodle_folder_holding_the_students_zip_is_unwrapped(tmp_path):
    student = tmp_path / "class" / "Kim Minsu_12345_assignsubmission_file"
    student.mkdir(parents=True)
    course_zip(student / "hw1.zip", {"gates": GATES}, prefix="")
    (student / "onlinetext.html").write_text("<p>see zip</p>")
    [entry] = find_submissions(tmp_path / "class")
    graded = unpack(entry, tmp_path / "scratch")
    assert (graded.path / "gates.py").read_text() == GATES
    assert "unpacked hw1.zip" in graded.note


def test_equally_good_folders_are_named(tmp_path):
    root = tmp_path / "sub"
    folder(root, "try1")
    folder(root, "try2")
    with pytest.raises(UnusableSubmission, match="try1, try2"):
        unpack(Entry("sub", root, "folder"), tmp_path / "scratch")


def test_a_symlink_loop_is_not_followed(tmp_path):
    root = folder(tmp_path, "loop")
    os.symlink(root, root / "again")
    graded = unpack(Entry("loop", root, "folder"), tmp_path / "scratch")
    assert graded.path == root


def test_stub_digests_are_read_without_importing(monkeypatch):
    find.stub_digests.cache_clear()
    import sys

    monkeypatch.delitem(sys.modules, "exercises", raising=False)
    monkeypatch.delitem(sys.modules, "exercises.gates", raising=False)
    digests = find.stub_digests()
    assert set(digests) >= {"gates", "layers", "train"}
    assert "exercises.gates" not in sys.modules
    find.stub_digests.cache_clear()


def test_nested_folder_digest_covers_the_graded_files(tmp_path):
    from grader.classroom.batch import submission_digest

    root = tmp_path / "nick"
    folder(root, "hw1")
    entry = Entry("nick", root, "folder")
    before = submission_digest(entry)
    (root / "hw1" / "gates.py").write_text(GATES + "\n# changed\n")
    assert submission_digest(entry) != before
    shutil.rmtree(root / "hw1")
    folder(root, "hw1")
    assert submission_digest(entry) == before
