"""The class outputs: gradebook.csv, the LMS exports, summary figures, file modes."""

from __future__ import annotations

import csv
import io
import os

import pytest
import yaml

from grader.classroom import classbook, lms
from grader.classroom.spreadsheet import cell, number
from grader.units import UNIT_POINTS


def a_report(student, score, status="graded", reason=None):
    units = [{"name": n, "score": 0.0 if status == "error" else p * score / 100,
              "max_score": float(p), "tests": []} for n, p in UNIT_POINTS.items()]  # fmt: skip
    data = {"student": student, "score": score, "max_score": 100.0, "status": status,
            "units": units, "suite_digest": "d"}  # fmt: skip
    if reason is not None:
        data["reason"] = reason
    return data


REPORTS = [
    a_report("ann", 80.0),
    a_report('=HYPERLINK("http://x")', 50.0),
    a_report("김민수", 100.0),
    a_report("@bob", 0.0, "error", "SuiteError:\nKeyboardInterrupt\r\n-1 points\n=cmd"),
]


def test_cells_are_one_line_and_never_formulas():
    for start in "=+-@":
        assert cell(start + "x") == "'" + start + "x"
    assert cell("\tx") == "x" and cell("\r=x") == "'=x"  # leading blanks go first
    assert cell("a\nb\r\nc\x85d") == "a b c d"
    assert cell("김민수") == "김민수"
    assert number(-1.5) == "-1.5" and number(10.0) == "10"  # numbers stay numbers


def test_gradebook_rows_are_single_lines_with_max_points():
    text = classbook.gradebook_csv(REPORTS)
    lines = text.splitlines()
    assert len(lines) == 1 + len(REPORTS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() >= {"student", "total", "max_points", "status", "reason"}
    assert {r["max_points"] for r in rows} == {"100"}
    assert [r["student"][0] for r in rows] == ["a", "'", "김", "'"]
    assert rows[3]["reason"] == "SuiteError: KeyboardInterrupt -1 points =cmd"


def test_canvas_export_has_its_columns_and_points_possible():
    rows = list(csv.reader(io.StringIO(lms.export("canvas", REPORTS))))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "100"
    assert [r[3] for r in rows[2:]] == ["ann", '\'=HYPERLINK("http://x")', "김민수", "'@bob"]
    assert [r[5] for r in rows[2:]] == ["80", "50", "100", "0"]


def test_moodle_export_has_an_identifier_column_and_feedback():
    text = lms.export("moodle", REPORTS)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Username", lms.ASSIGNMENT, "Maximum grade", "Feedback"]
    assert len(text.splitlines()) == 1 + len(REPORTS)
    assert rows[4][3].startswith("error: SuiteError: KeyboardInterrupt")


def test_blackboard_export_quotes_every_cell_and_names_points():
    text = lms.export("blackboard", REPORTS)
    header = text.splitlines()[0]
    assert header.startswith('"Last Name","First Name","Username","Student ID",')
    assert "[Total Pts: 100 Score]" in header
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())


def test_errored_reports_count_as_zero_everywhere(tmp_path):
    data = classbook.summary(REPORTS)
    assert data["mean"] == pytest.approx((80 + 50 + 100 + 0) / 4, abs=0.01)
    total_of_unit_means = sum(data["unit_means"].values())
    assert total_of_unit_means == pytest.approx(data["mean"], abs=0.1)


def test_class_outputs_are_readable_files(tmp_path):
    (tmp_path / "reports").mkdir()
    for index, report in enumerate(REPORTS):
        (tmp_path / "reports" / f"s{index}.yaml").write_text(yaml.safe_dump(report))
    old = os.umask(0o022)
    try:
        classbook.write_class_outputs(tmp_path, lms=["canvas", "moodle", "blackboard"])
    finally:
        os.umask(old)
    for name in (
        "gradebook.csv",
        "summary.yaml",
        "score_histogram.png",
        "gradebook-canvas.csv",
        "gradebook-moodle.csv",
        "gradebook-blackboard.csv",
    ):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644, name
