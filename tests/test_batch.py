"""`grade batch` on a class of correct, partial, broken and hostile submissions."""

from __future__ import annotations

import csv
import json
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
    code = cli.main(["batch", str(root / "class"), "--out", str(out), "-j", "2", "--timeout", "1",
                     "--format", "gradescope", *UNITS])  # fmt: skip
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
def test_shards_merge_to_the_single_run_result(graded_class, tmp_path):
    root, _, out = graded_class
    shards = [tmp_path / f"shard{i}" for i in range(3)]
    for index, shard in enumerate(shards):
        args = ["batch", str(root / "class"), "--out", str(shard), "-j", "2", "--timeout", "1"]
        assert cli.main([*args, "--shard", f"{index}/3", *UNITS]) == 0
    assert cli.main(["merge", *map(str, shards), "--out", str(tmp_path / "merged")]) == 0
    for name in ("gradebook.csv", "summary.yaml"):
        assert (tmp_path / "merged" / name).read_text() == (out / name).read_text()


@pytest.mark.parametrize("spec", ["3/3", "x/2", "1"])
def test_a_bad_shard_is_refused(spec, tmp_path, capsys):
    (tmp_path / "class").mkdir()
    args = ["batch", str(tmp_path / "class"), "--out", str(tmp_path), "--shard", spec]
    assert cli.main(args) == 2


def test_shards_partition_the_class():
    entries = list(range(10))
    parts = [batch.shard(entries, f"{i}/3") for i in range(3)]
    assert sorted(entry for part in parts for entry in part) == entries


@pytest.mark.slow
def test_an_interrupted_batch_leaves_no_partial_file(tmp_path):
    make_class(tmp_path / "class")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader.cli", "batch", str(tmp_path / "class"),
               "--out", str(out), "-j", "2", "--timeout", "1", *UNITS]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("reports/*.yaml"))) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) != 0
    written = list(out.rglob("*"))
    assert not [p for p in written if p.name.endswith(".tmp")], "temporary files left behind"
    for path in out.glob("reports/*.yaml"):
        assert yaml.safe_load(path.read_text())["student"] == path.stem
    assert not (out / "gradebook.csv").exists()
