"""Signed reports: batch signs them, verify catches any edit, the worker cannot see the key."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

from grader import cli
from grader.grading import signing
from grader.submissions.sources import open_submission
from tests.samples import GATES

KEY = b"k" * 64


def report():
    return {"schema": "backprop-lab/report/1", "score": 42.5, "units": [{"name": "gates"}]}


def test_sign_and_verify():
    signed = signing.sign(report(), KEY)
    assert signing.verify(signed, KEY) == "ok"
    assert signing.verify(yaml.safe_load(yaml.safe_dump(signed)), KEY) == "ok"
    assert signing.verify(report(), KEY) == "unsigned"
    assert signing.verify(signed, b"x" * 64) == "other key"
    edited = {**signed, "score": 100.0}
    assert signing.verify(edited, KEY) == "tampered"
    nested = signing.sign(report(), KEY)
    nested["units"][0]["name"] = "activations"
    assert signing.verify(nested, KEY) == "tampered"


def test_key_is_created_private_and_must_be_long(tmp_path):
    path = tmp_path / "conf" / "signing.key"
    key = signing.load_key(path, create=True)
    assert len(key) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert signing.load_key(path) == key
    (tmp_path / "short").write_text("abc")
    with pytest.raises(ValueError, match="too short"):
        signing.load_key(tmp_path / "short")
    with pytest.raises(ValueError, match="cannot read"):
        signing.load_key(tmp_path / "missing")


@pytest.mark.slow
def test_batch_reports_are_signed_and_edits_are_caught(tmp_path, capsys):
    root = tmp_path / "class"
    for name in ("ann", "bob"):
        (root / name).mkdir(parents=True)
        (root / name / "gates.py").write_text(GATES)
    key = tmp_path / "key"
    out = tmp_path / "out"
    args = ["batch", str(root), "--out", str(out), "-j", "1", "--unit", "gates", "--key", str(key)]
    assert cli.main(args) == 0
    assert cli.main(["verify", str(out), "--key", str(key)]) == 0
    assert "2 of 2 reports signed and unchanged" in capsys.readouterr().out
    [bob] = [p for p in (out / "reports").glob("*.yaml") if p.stem == "bob"]
    bob.write_text(bob.read_text().replace("score: 10.0", "score: 11.0", 1))
    assert cli.main(["verify", str(out), "--key", str(key)]) == 1
    assert "bob.yaml: tampered" in capsys.readouterr().out


def test_only_a_sandbox_hides_the_key(isolation, monkeypatch):
    """Under bubblewrap or Landlock the key is unreadable; limits-only cannot hide it."""
    folder = Path(tempfile.mkdtemp(dir="/var/tmp"))
    try:
        key = folder / "signing.key"
        key.write_text("s" * 64)
        monkeypatch.setenv(signing.KEY_ENV, str(key))
        sub_dir = folder / "sub"
        sub_dir.mkdir()
        (sub_dir / "gates.py").write_text(
            f"def read():\n    try:\n        return open({str(key)!r}).read()\n"
            "    except OSError:\n        return ''\n"
        )
        with open_submission(sub_dir, isolation=isolation) as sub:
            seen = sub.gates.read()
        assert seen == ("s" * 64 if isolation == "limits-only" else "")
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("text", ["a\x85b", "line\u2028sep", "para\u2029sep", "\x85", "x\r\ny "])
def test_a_signed_report_with_line_break_characters_verifies(tmp_path, text):
    signed = signing.sign({**report(), "message": text, "units": [{"output": text}]}, KEY)
    path = tmp_path / "r.yaml"
    path.write_text(signing.dump_yaml(signed), encoding="utf-8")
    assert signing.verify(yaml.safe_load(path.read_text(encoding="utf-8")), KEY) == "ok"
    assert cli.main(["verify", str(path), "--key", str(_key_file(tmp_path))]) == 0


def _key_file(tmp_path):
    path = tmp_path / "key"
    path.write_bytes(KEY)
    return path


def test_key_creation_loses_no_race(tmp_path, monkeypatch):
    """Another batch creates the key between our look and our write: we read theirs."""
    path = tmp_path / "conf" / "signing.key"
    theirs = signing.load_key(path, create=True)
    monkeypatch.setattr(Path, "exists", lambda self: False)  # we looked before they wrote
    assert signing.load_key(path, create=True) == theirs


def test_eight_batches_creating_the_key_together_agree(tmp_path):
    import concurrent.futures

    path = tmp_path / "conf" / "signing.key"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: signing.load_key(path, create=True), range(8)))
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in path.parent.iterdir()] == ["signing.key"]
