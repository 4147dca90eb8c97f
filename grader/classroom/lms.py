"""Gradebook exports in the grade-import formats of Canvas, Moodle and Blackboard.

Each writes the course total as one grade column, one physical line per student, cells made
safe for spreadsheets (see spreadsheet.cell). The student id (the submission's name in the class
folder) goes where each LMS matches its users:

- canvas: the columns of Canvas's own gradebook export, `Student, ID, SIS User ID, SIS Login ID,
  Section`, then the assignment; the second row is `Points Possible`. The id goes in
  `SIS Login ID` (Canvas matches a row by ID, SIS User ID or SIS Login ID); a column whose name
  is not an existing assignment creates one on import.
- moodle: Moodle's CSV grade import maps one column to a user field chosen at import ("Map from"
  / "Map to": username, email, ID number); here `Username`, then the grade, `Maximum grade`
  and `Feedback` (a grade column is matched to a grade item on the same page).
- blackboard: Blackboard's Grade Center upload matches students by `Username` (required); the
  grade column is named as Blackboard names its own on download, `<name> [Total Pts: <max>
  Score]`; every cell is quoted, as its comma-delimited upload requires.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from grader.classroom.spreadsheet import cell as _cell
from grader.classroom.spreadsheet import number as _number

ASSIGNMENT = "backprop-lab"


def _feedback(report: dict[str, Any]) -> str:
    reason = report.get("reason", "")
    return _cell(f"{report['status']}: {reason}" if reason else report["status"])


def _max_points(reports: list[dict[str, Any]]) -> float:
    return max((float(r["max_score"]) for r in reports), default=100.0)


def canvas(reports: list[dict[str, Any]]) -> list[list[str]]:
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]]
    rows.append(["Points Possible", "", "", "", "", _number(_max_points(reports))])
    for report in reports:
        student = _cell(report["student"])
        rows.append([student, "", "", student, "", _number(report["score"])])
    return rows


def moodle(reports: list[dict[str, Any]]) -> list[list[str]]:
    rows = [["Username", ASSIGNMENT, "Maximum grade", "Feedback"]]
    for report in reports:
        rows.append([_cell(report["student"]), _number(report["score"]),
                     _number(report["max_score"]), _feedback(report)])  # fmt: skip
    return rows


def blackboard(reports: list[dict[str, Any]]) -> list[list[str]]:
    column = f"{ASSIGNMENT} [Total Pts: {_number(_max_points(reports))} Score]"
    rows = [["Last Name", "First Name", "Username", "Student ID", column]]
    for report in reports:
        student = _cell(report["student"])
        rows.append(["", "", student, student, _number(report["score"])])
    return rows


FORMATS: dict[str, Callable[[list[dict[str, Any]]], list[list[str]]]] = {
    "canvas": canvas,
    "moodle": moodle,
    "blackboard": blackboard,
}


def export(name: str, reports: list[dict[str, Any]]) -> str:
    """The CSV text of `reports` in LMS `name`'s import format."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if name == "blackboard" else csv.QUOTE_MINIMAL
    csv.writer(buffer, lineterminator="\r\n", quoting=quoting).writerows(FORMATS[name](reports))
    return buffer.getvalue()
