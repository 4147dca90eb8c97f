"""A class's results from its reports: gradebook.csv, summary.yaml, two plots, LMS exports.

Everything here is computed from the per-student reports alone, so a merged set of shard
outputs gives exactly what a single-machine run gives. A report with status `error` is a
score of 0 in every figure: the mean, the median, the distribution and the unit means (its
units are all 0); only the per-test pass rates leave it out, since it ran no tests.

Every CSV row is one physical line (line breaks in a reason become spaces), and a text cell
that a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage
return) is prefixed with a single quote, as OWASP advises against CSV injection; numbers are
written as numbers.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
from pathlib import Path
from typing import Any

from grader.classroom import lms as lms_formats
from grader.classroom.spreadsheet import cell, number
from grader.grading import signing
from grader.grading.report import write_atomic
from grader.units import UNITS

LMS_FORMATS = tuple(lms_formats.FORMATS)

REPORTS = "reports"
HISTOGRAM_BINS = 10


def load_reports(out: Path) -> list[dict[str, Any]]:
    """Every student's report in out/reports, sorted by student id."""
    reports = []
    for path in sorted((out / REPORTS).glob("*.yaml")):
        data = signing.load_yaml(path.read_text())
        if isinstance(data, dict) and "score" in data:
            reports.append(data)
    return sorted(reports, key=lambda r: str(r.get("student")))


def gradebook_csv(reports: list[dict[str, Any]]) -> str:
    """One row per student: id, total, max, one column per unit, status, reason."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "total", "max_points", *UNITS, "status", "reason"])
    for report in reports:
        scores = {unit["name"]: unit["score"] for unit in report["units"]}
        row = [cell(report["student"]), number(report["score"]), number(report["max_score"])]
        row += [number(scores[unit]) if unit in scores else "" for unit in UNITS]
        writer.writerow([*row, cell(report["status"]), cell(report.get("reason", ""))])
    return buffer.getvalue()


def summary(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Count, mean, median, distribution, per-test pass rates, and what errored and why."""
    scores = [float(r["score"]) for r in reports]
    graded = [r for r in reports if r["status"] == "graded"]
    return {
        "complete": True,
        "count": len(reports),
        "graded": len(graded),
        "errored": len(reports) - len(graded),
        "mean": round(statistics.fmean(scores), 2) if scores else None,
        "median": round(statistics.median(scores), 2) if scores else None,
        "stdev": round(statistics.pstdev(scores), 2) if scores else None,
        "min": min(scores, default=None),
        "max": max(scores, default=None),
        "distribution": distribution(scores),
        "unit_means": unit_means(reports),
        "test_pass_rates": pass_rates(graded),
        "errored_submissions": [
            {"student": r["student"], "reason": r.get("reason", "")}
            for r in reports
            if r["status"] != "graded"
        ],
        "problems": [
            {"student": r["student"], "problems": r["problems"]}
            for r in graded
            if r.get("problems")
        ],
        "suite_digests": sorted({r["suite_digest"] for r in reports}),
    }


def distribution(scores: list[float]) -> dict[str, int]:
    """How many scores fall in each tenth of 0..100 (the last bin includes 100)."""
    width = 100 // HISTOGRAM_BINS
    bins = {f"{low}-{low + width}": 0 for low in range(0, 100, width)}
    for score in scores:
        low = min(int(score // width) * width, 100 - width)
        bins[f"{low}-{low + width}"] += 1
    return bins


def unit_means(reports: list[dict[str, Any]]) -> dict[str, float]:
    """Mean score per unit over every report (an errored one counts 0, as in the mean)."""
    totals: dict[str, list[float]] = {}
    for report in reports:
        for unit in report["units"]:
            totals.setdefault(unit["name"], []).append(float(unit["score"]))
    return {name: round(statistics.fmean(values), 2) for name, values in totals.items()}


def pass_rates(reports: list[dict[str, Any]]) -> dict[str, float]:
    """Share of graded submissions passing each test, hardest first."""
    counts: dict[str, list[int]] = {}
    for report in reports:
        for unit in report["units"]:
            for test in unit["tests"]:
                tally = counts.setdefault(test["id"], [0, 0])
                tally[0] += test["status"] == "passed"
                tally[1] += 1
    rates = {test: round(passed / total, 4) for test, (passed, total) in counts.items()}
    return dict(sorted(rates.items(), key=lambda item: (item[1], item[0])))


def write_class_outputs(
    out: Path, *, complete: bool = True, lms: list[str] | tuple[str, ...] = ()
) -> dict[str, Any]:
    """gradebook.csv, summary.yaml, the plots and the LMS exports in `out`; returns the summary.

    `complete` False (an interrupted run) marks the summary incomplete.
    """
    reports = load_reports(out)
    write_public(out / "gradebook.csv", gradebook_csv(reports).encode())
    for name in lms:
        write_public(out / f"gradebook-{name}.csv", lms_formats.export(name, reports).encode())
    data = summary(reports)
    data["complete"] = complete
    text = signing.dump_yaml(data)
    write_public(out / "summary.yaml", text.encode())
    plot_histogram(data, out / "score_histogram.png")
    plot_pass_rates(data, out / "test_pass_rates.png")
    return data


def write_public(path: Path, content: bytes) -> None:
    """Write atomically, readable as a normal file is (mode 0666 less the umask, not 0600)."""
    write_atomic(path, content)
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def plot_histogram(data: dict[str, Any], path: Path) -> None:
    """Bar chart of the score distribution."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4))
    labels = list(data["distribution"])
    axes.bar(labels, list(data["distribution"].values()), color="#4c72b0")
    axes.set(xlabel="score", ylabel="submissions", title=f"Scores ({data['count']} submissions)")
    axes.tick_params(axis="x", labelrotation=45)
    _save(figure, path)


def plot_pass_rates(data: dict[str, Any], path: Path, most: int = 40) -> None:
    """Horizontal bars: the share of students passing each test, hardest first."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = list(data["test_pass_rates"].items())[:most]
    figure, axes = plt.subplots(figsize=(8, max(2.0, 0.25 * len(rates) + 1)))
    axes.barh([name for name, _ in rates][::-1], [rate for _, rate in rates][::-1], color="#dd8452")
    axes.set(xlim=(0, 1), xlabel="share of graded submissions passing", title="Hardest tests")
    axes.tick_params(axis="y", labelsize=7)
    _save(figure, path)


def _save(figure: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(figure)
    write_public(path, buffer.getvalue())
