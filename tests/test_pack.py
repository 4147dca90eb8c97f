"""`grade pack`: the upload file holds the course files and a manifest of their digests."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from grader.cli import main
from grader.submissions import UnusableSubmission
from grader.submissions.pack import MANIFEST, pack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def work(tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(ROOT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_untouched_stubs_are_refused_with_the_reason(work, tmp_path, capsys):
    with pytest.raises(UnusableSubmission, match=r"nothing in .* differs from the stubs"):
        pack(work, tmp_path / "up.zip")
    assert main(["pack", str(work), "--out", str(tmp_path / "up.zip")]) == 2
    assert "would score 0" in capsys.readouterr().err
    assert not (tmp_path / "up.zip").exists()


def test_a_docstring_edit_alone_does_not_count_as_work(work, tmp_path):
    text = (work / "gates.py").read_text().replace('"""', '"""My notes. ', 1)
    (work / "gates.py").write_text(text)
    with pytest.raises(UnusableSubmission):
        pack(work, tmp_path / "up.zip")


def test_the_zip_holds_the_course_files_and_their_digests_only(work, tmp_path):
    shutil.copy(ROOT / "solutions" / "losses.py", work / "losses.py")
    (work / "notes.txt").write_text("not a course file")
    (work / "scratch.py").write_text("x = 1\n")
    out = tmp_path / "up.zip"
    manifest = pack(work, out)
    assert manifest["changed_units"] == ["losses"]
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        stored = json.loads(archive.read(MANIFEST))
        digests = {n: hashlib.sha256(archive.read(n)).hexdigest() for n in names if n != MANIFEST}
    assert "notes.txt" not in names and "scratch.py" not in names and "__init__.py" not in names
    assert sorted(stored["files"]) == sorted(n for n in names if n != MANIFEST)
    assert stored["files"] == digests
    assert "losses.py" in digests


def test_a_folder_without_course_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(UnusableSubmission, match="no Python files or notebooks"):
        pack(tmp_path, tmp_path / "up.zip")
    (tmp_path / "helper.py").write_text("x = 1\n")
    with pytest.raises(UnusableSubmission, match="none of the course's files"):
        pack(tmp_path, tmp_path / "up.zip")
