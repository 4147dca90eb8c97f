"""`grade batch` on a class of correct, partial, broken and hostile submissions."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from grader import cli
from grader.classroom import batch
from grader.sandbox.process import Limits
from grader.submissions.find import find_submissions
from tests.samples import GATES, WRONG_XOR

HANG = GATES.replace("def XOR(x1, x2):", "def XOR(x1, x2):\n    while True:\n        pass")
CRASH = "import os\nos._exit(3)\n"
PATCH_NUMPY = (
    "import numpy\n"
    "numpy.allclose = lambda *a, **k: True\n"
    "numpy.array_equal = lambda *a, **k: True\n"
)
FLOOD = GATES.replace("def AND(x1, x2):", "def AND(x1, x2):\n    print('x' * 10**6)")
CORRECT = [f"correct{i:02d}" for i in range(8)]
UNITS = ["--unit", "gates"]


def write_folder(root: Path, name: str, modules: dict[str, str]) -> None:
    (root / name).mkdir()
    for module, source in modules.items():
        (root / name / f"{module}.py").write_text(source)


def write_zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, text in members.items():
            bundle.writestr(name, text)


def make_class(root: Path) -> dict[str, str]:
    """A class of 22 submissions; returns student -> what it is."""
    root.mkdir()
    kinds = {}
    for name in CORRECT:
        write_folder(root, name, {"gates": GATES})
        kinds[name] = "correct"
    for index in range(3):
        write_folder(root, f"partial{index}", {"gates": WRONG_XOR})
        kinds[f"partial{index}"] = "partial"
    write_folder(root, "syntax", {"gates": "def perceptron(x, w, b:\n"})
    write_folder(root, "missing", {"activations": "import numpy\n"})
    (root / "empty").mkdir()
    write_folder(root, "hang", {"gates": HANG})
    write_folder(root, "crash", {"gates": CRASH})
    write_folder(root, "liar", {"__init__": PATCH_NUMPY, "gates": WRONG_XOR})
    write_folder(root, "flood", {"gates": FLOOD})
    write_zip(root / "zipped.zip", {"work/gates.py": GATES})
    write_zip(root / "escape.zip", {"../../outside.py": GATES})
    (root / "unreadable.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    kinds.update(syntax="broken", missing="broken", empty="error", hang="hostile", crash="hostile",
                 liar="hostile", flood="correct", zipped="correct", escape="error",
                 unreadable="error")  # fmt: skip
    return kinds


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    kinds = make_class(root / "class")
    out = root / "out"
    key = ["--key", str(tmp_path_factory.getbasetemp() / "signing.key")]  # conftest's key
    code = cli.main(["batch", str(root / "class"), "--out", str(out), "-j", "2", "--timeout", "1",
                     "--format", "gradescope", *UNITS, *key])  # fmt: skip
    assert code == 0
    return root, kinds, out


def load(out: Path, student: str) -> dict:
    return yaml.safe_load((out / "reports" / f"{student}.yaml").read_text())


@pytest.mark.slow
def test_every_submission_gets_a_complete_report(graded_class):
    _, kinds, out = graded_class
    assert len(kinds) >= 20
    assert sorted(p.stem for p in (out / "reports").glob("*.yaml")) == sorted(kinds)
    for student in kinds:
        data = load(out, student)
        assert data["student"] == student
        assert data["status"] in ("graded", "error")
        assert data["max_score"] == 10


@pytest.mark.slow
def test_scores_are_honest(graded_class):
    _, kinds, out = graded_class
    for student, kind in kinds.items():
        score = load(out, student)["score"]
        if kind == "correct":
            assert score == 10, student
        elif kind in ("partial", "hostile", "broken", "error"):
            assert score < 10, student
    assert load(out, "liar")["score"] == load(out, "partial0")["score"]


@pytest.mark.slow
def test_flooded_output_is_capped_in_the_report(graded_class):
    _, _, out = graded_class
    outputs = [t["output"] for u in load(out, "flood")["units"] for t in u["tests"]]
    assert any("truncated" in text for text in outputs)
    assert max(len(text) for text in outputs) < 9000


@pytest.mark.slow
def test_unusable_submissions_say_why(graded_class):
    _, _, out = graded_class
    reasons = {s: load(out, s).get("reason", "") for s in ("empty", "escape", "unreadable")}
    assert "none of the course modules" in reasons["empty"]
    assert "escape" in reasons["escape"]
    assert "not a readable zip" in reasons["unreadable"]
    assert not (out.parent / "outside.py").exists()


@pytest.mark.slow
def test_faults_are_recorded_per_test(graded_class):
    _, _, out = graded_class
    statuses = {s: {t["status"] for u in load(out, s)["units"] for t in u["tests"]}
                for s in ("hang", "crash", "syntax", "missing")}  # fmt: skip
    assert "timeout" in statuses["hang"]
    assert statuses["crash"] == {"crashed"}
    assert statuses["syntax"] == {"error"} and statuses["missing"] == {"error"}
    assert any("SyntaxError" in p for p in load(out, "syntax")["problems"])


@pytest.mark.slow
def test_gradebook_summary_and_plots(graded_class):
    _, kinds, out = graded_class
    with open(out / "gradebook.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["student"] for r in rows] == sorted(kinds)
    assert {"student", "total", "gates", "status"} <= set(rows[0])
    summary = yaml.safe_load((out / "summary.yaml").read_text())
    assert summary["count"] == len(kinds)
    assert summary["errored"] == 3
    errored = {e["student"] for e in summary["errored_submissions"]}
    assert errored == {"empty", "escape", "unreadable"}
    assert sum(summary["distribution"].values()) == len(kinds)
    rates = list(summary["test_pass_rates"].values())
    assert rates == sorted(rates), "hardest tests first"
    for plot in ("score_histogram.png", "test_pass_rates.png"):
        assert (out / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_gradescope_results(graded_class):
    _, kinds, out = graded_class
    results = json.loads((out / "gradescope" / "correct00" / "results.json").read_text())
    assert results["score"] == 10
    assert {"name", "score", "max_score", "status"} <= set(results["tests"][0])
    assert len(list((out / "gradescope").glob("*/results.json"))) == len(kinds)


@pytest.mark.slow
def test_rerun_skips_current_reports(graded_class, capsys):
    root, kinds, out = graded_class
    before = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.yaml")}
    assert cli.main(["batch", str(root / "class"), "--out", str(out), "-j", "2", *UNITS]) == 0
    assert f"skipped {len(kinds)}" in capsys.readouterr().out
    assert before == {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.yaml")}


@pytest.mark.slow
def test_shards_merge_to_the_single_run_result(graded_class, tmp_path, capsys):
    root, _, out = graded_class
    shards = [tmp_path / f"shard{i}" for i in range(3)]
    for index, shard in enumerate(shards):
        args = ["batch", str(root / "class"), "--out", str(shard), "-j", "2", "--timeout", "1"]
        assert cli.main([*args, "--shard", f"{index}/3", *UNITS]) == 0
    merged = tmp_path / "merged"
    assert cli.main(["merge", str(shards[0]), str(shards[2]), "--out", str(merged)]) == 1
    assert "shards 1/3 are missing" in capsys.readouterr().err
    assert not merged.exists()
    assert cli.main(["merge", *map(str, shards), "--out", str(merged)]) == 0
    for name in ("gradebook.csv", "summary.yaml"):
        assert (merged / name).read_text() == (out / name).read_text()
    partial = tmp_path / "partial"
    args = ["merge", str(shards[0]), "--out", str(partial), "--allow-incomplete"]
    assert cli.main(args) == 0
    assert yaml.safe_load((partial / "summary.yaml").read_text())["complete"] is False


def test_merge_refuses_a_tampered_report(graded_class, tmp_path, capsys):
    _, _, out = graded_class
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    partial0 = copy / "reports" / "partial0.yaml"
    partial0.write_text(partial0.read_text().replace("\nscore: ", "\nscore: 9", 1))
    assert cli.main(["merge", str(copy), "--out", str(tmp_path / "merged")]) == 1
    assert "partial0.yaml: the old report did not verify (tampered)" in capsys.readouterr().err
    assert not (tmp_path / "merged" / "gradebook.csv").exists()


@pytest.mark.parametrize("spec", ["3/3", "x/2", "1"])
def test_a_bad_shard_is_refused(spec, tmp_path, capsys):
    (tmp_path / "class").mkdir()
    args = ["batch", str(tmp_path / "class"), "--out", str(tmp_path), "--shard", spec]
    assert cli.main(args) == 2


def test_shards_partition_the_class():
    entries = list(range(10))
    parts = [batch.shard(entries, f"{i}/3") for i in range(3)]
    assert sorted(entry for part in parts for entry in part) == entries


#: `grade ARGS` with Ctrl-C raising KeyboardInterrupt, as from a terminal, even where the tests
#: themselves run as a background job (which starts with SIGINT ignored, inherited by children)
AS_FROM_A_TERMINAL = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from grader.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.mark.slow
def test_an_interrupted_batch_keeps_what_finished_and_nothing_else(tmp_path):
    """Deterministic: SIGINT goes once the last student is being graded (its marker exists).

    The last student loops forever, so it is always under way when the signal arrives; the
    two before it were graded (-j 1: one at a time) and keep their reports.
    """
    root = tmp_path / "class"
    root.mkdir()
    for name in ("a0", "a1"):
        write_folder(root, name, {"gates": GATES})
    write_folder(root, "z_block", {"gates": HANG})
    out = tmp_path / "out"
    arguments = ["batch", str(root), "--out", str(out), "-j", "1", "--timeout", "600", *UNITS]
    process = subprocess.Popen(
        [sys.executable, "-c", AS_FROM_A_TERMINAL, *arguments],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    marker = out / batch.RUNNING / "z_block"
    try:
        while not marker.exists():  # waits for an event, not for a time
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stderr = process.communicate(timeout=300)[1].decode()
    finally:
        process.kill()
    assert process.returncode == batch.EXIT_INTERRUPTED, stderr
    assert "interrupted: 1 students not graded" in stderr
    assert sorted(p.stem for p in out.glob("reports/*.yaml")) == ["a0", "a1"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "temporary files left"
    with open(out / "gradebook.csv") as stream:
        assert [row["student"] for row in csv.DictReader(stream)] == ["a0", "a1"]
    summary = yaml.safe_load((out / "summary.yaml").read_text())
    assert summary["complete"] is False and summary["count"] == 2
    assert yaml.safe_load((out / "batch.yaml").read_text())["complete"] is False


def small_class(root: Path, names=("ann", "bob")) -> Path:
    root.mkdir()
    for name in names:
        write_folder(root, name, {"gates": GATES})
    return root


def run(root: Path, out: Path, *extra: str) -> int:
    return cli.main(["batch", str(root), "--out", str(out), "-j", "1", "--timeout", "5", *extra])


def test_a_nested_resubmission_is_regraded(tmp_path, capsys):
    root = tmp_path / "class"
    root.mkdir()
    (root / "nick" / "hw1").mkdir(parents=True)
    (root / "nick" / "hw1" / "gates.py").write_text(WRONG_XOR)
    assert run(root, tmp_path / "out", *UNITS) == 0
    first = load(tmp_path / "out", "nick")
    assert first["score"] < 10
    (root / "nick" / "hw1" / "gates.py").write_text(GATES)
    capsys.readouterr()
    assert run(root, tmp_path / "out", *UNITS) == 0
    assert "graded 1, skipped 0" in capsys.readouterr().out
    assert load(tmp_path / "out", "nick")["score"] == 10


def test_a_unit_regrade_merges_into_fuller_reports(tmp_path, capsys):
    root = small_class(tmp_path / "class")
    out = tmp_path / "out"
    assert run(root, out, "--unit", "gates", "--unit", "activations") == 0
    full = load(out, "ann")
    assert {u["name"] for u in full["units"]} == {"gates", "activations"}
    assert run(root, out, "--unit", "gates", "--force") == 0
    merged = load(out, "ann")
    assert [u["name"] for u in merged["units"]] == ["gates", "activations"]
    assert merged["score"] == full["score"] and merged["max_score"] == full["max_score"]
    assert cli.main(["verify", str(out)]) == 0
    (root / "bob" / "gates.py").write_text(WRONG_XOR)  # a new submission: one unit cannot replace
    before = (out / "reports" / "bob.yaml").read_bytes()
    capsys.readouterr()
    assert run(root, out, "--unit", "gates") == 0
    assert "bob: kept its report: it covers activations" in capsys.readouterr().err
    assert (out / "reports" / "bob.yaml").read_bytes() == before


def test_a_tampered_report_is_regraded_on_rerun(tmp_path, capsys):
    root = small_class(tmp_path / "class")
    out = tmp_path / "out"
    assert run(root, out, *UNITS) == 0
    path = out / "reports" / "bob.yaml"
    data = yaml.safe_load(path.read_text())
    data["score"] = 99.0
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    capsys.readouterr()
    assert run(root, out, *UNITS) == 0
    captured = capsys.readouterr()
    assert "graded 1, skipped 1" in captured.out
    assert "bob: the old report did not verify (tampered)" in captured.err
    assert load(out, "bob")["score"] == 10


def test_students_removed_from_the_class_leave_the_gradebook(tmp_path):
    root = small_class(tmp_path / "class")
    out = tmp_path / "out"
    assert run(root, out, *UNITS) == 0
    shutil.rmtree(root / "bob")
    assert run(root, out, *UNITS) == 0
    with open(out / "gradebook.csv") as stream:
        assert [row["student"] for row in csv.DictReader(stream)] == ["ann"]
    assert (out / "reports-removed" / "bob.yaml").is_file()


def test_colliding_ids_stop_the_batch_before_grading(tmp_path, capsys):
    root = small_class(tmp_path / "class", names=("carol", "Ann", "ann"))
    write_zip(root / "carol.zip", {"gates.py": GATES})
    assert run(root, tmp_path / "out", *UNITS) == 2
    err = capsys.readouterr().err
    assert "'carol' and 'carol.zip'" in err and "'Ann' and 'ann'" in err
    assert not (tmp_path / "out").exists()


def test_unicode_ids_each_keep_their_report(tmp_path):
    root = small_class(tmp_path / "class", names=("김민수", "이영희", "박지훈", "=1+1"))
    out = tmp_path / "out"
    assert run(root, out, *UNITS, "--lms", "canvas") == 0
    assert sorted(p.stem for p in (out / "reports").glob("*.yaml")) == sorted(
        ["김민수", "이영희", "박지훈", "=1+1"]
    )
    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        ids = [row["student"] for row in csv.DictReader(stream)]
    assert sorted(ids) == sorted(["김민수", "이영희", "박지훈", "'=1+1"])
    assert (out / "gradebook-canvas.csv").is_file()


def _die_for_killer(entry, out, options):
    """A grade function (run in a pool process) whose process dies for the student `killer`."""
    if entry.student == "killer":
        os._exit(9)
    return batch.grade_entry(entry, out, options)


def test_a_dead_pool_process_is_replaced_and_the_killer_gets_an_error_report(tmp_path):
    root = small_class(tmp_path / "class", names=("ann", "bob", "carl", "killer"))
    out = tmp_path / "out"
    options = batch.Options(units=("gates",), limits=Limits(call_timeout_s=5), isolation="auto",
                            budget_s=120, force=False, gradescope=False, key=b"k" * 64)  # fmt: skip
    entries = find_submissions(root)
    outcomes = batch.run_batch(entries, out, options, jobs=2, grade=_die_for_killer)
    statuses = {o.student: o.status for o in outcomes}
    assert statuses == {"ann": "graded", "bob": "graded", "carl": "graded", "killer": "error"}
    assert "killed the grading process 2 times" in load(out, "killer")["reason"]
    assert not (out / batch.RUNNING).exists()


def test_a_folder_that_loops_gets_an_error_report(tmp_path):
    root = small_class(tmp_path / "class", names=("ann",))
    looping = root / "loop"
    looping.mkdir()
    (looping / "__init__.py").write_text("")
    (looping / "gates.py").write_text(GATES)
    os.symlink(looping, looping / "again")
    os.symlink("nowhere", looping / "dangling.py")
    out = tmp_path / "out"
    assert run(root, out, *UNITS) == 0
    assert load(out, "ann")["score"] == 10
    assert load(out, "loop")["status"] in ("graded", "error")
    for name in ("gradebook.csv", "summary.yaml", "score_histogram.png"):
        assert (out / name).is_file()
