"""The `grade` command: grade a submission and write its YAML report."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from grader.grading import report
from grader.grading.runner import GRADE_BUDGET_S, RunResult, SuiteError, run_suites
from grader.grading.scoring import HIDDEN, group_by_unit, total
from grader.sandbox.process import (
    ISOLATION_CHOICES,
    Limits,
    SandboxUnavailable,
    blas_threads_per_worker,
)
from grader.submissions import UnusableSubmission
from grader.units import UNITS

EXIT_GRADED, EXIT_BELOW, EXIT_UNUSABLE, EXIT_GRADER_BUG = 0, 1, 2, 3
MAX_PROBLEMS_SHOWN = 12

DESCRIPTION = """\
Grade a submission of the backprop-lab course: the hidden test suites run against your code
in a sandboxed worker process, and the score goes to a YAML report.

other commands:
  grade batch     grade a folder of submissions in parallel (grade batch --help)
  grade merge     combine the outputs of `grade batch --shard` runs
  grade check     prove the course sound: reference 100, stubs 0, mutants caught, no flaky test
                  (grade check --help)

exit status: 0 graded (whatever the score); 1 graded, but below --fail-under;
2 unusable input (missing path, not a submission); 3 the grader itself failed."""


def _check_main():
    from grader.course.check import main as check_main

    return check_main


def _batch_main():
    from grader.classroom.batch import main as batch_main

    return batch_main


def _merge_main():
    from grader.classroom.batch import merge_main

    return merge_main


def _verify_main():
    from grader.grading.signing import main as verify_main

    return verify_main


def _notebooks_main():
    from grader.course.make_notebooks import main as notebooks_main

    return notebooks_main


SUBCOMMANDS = {
    "notebooks": _notebooks_main,
    "check": _check_main,
    "batch": _batch_main,
    "merge": _merge_main,
    "verify": _verify_main,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `grade [PATH]`."""
    parser = argparse.ArgumentParser(
        prog="grade", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "path", nargs="?", type=Path,
        help="folder holding the course modules (gates.py, activations.py, ...); "
        "default: ./exercises if it exists, else the current folder",
    )  # fmt: skip
    parser.add_argument(
        "--report", type=Path, default=Path("grade-report.yaml"), metavar="FILE",
        help="where to write the YAML report (default: grade-report.yaml)",
    )  # fmt: skip
    parser.add_argument(
        "--fail-under", type=float, metavar="SCORE",
        help="exit with status 1 if the total score is below SCORE (out of 100)",
    )  # fmt: skip
    parser.add_argument(
        "--unit", action="append", choices=UNITS, metavar="UNIT",
        help=f"grade only this unit (repeatable); one of: {', '.join(UNITS)}",
    )  # fmt: skip
    parser.add_argument(
        "--mode", choices=(report.STUDENT, report.INSTRUCTOR), default=report.STUDENT,
        help="student (default): hidden tests show name and pass/fail only; "
        "instructor: every message is shown and reported",
    )  # fmt: skip
    parser.add_argument(
        "--isolation", choices=ISOLATION_CHOICES, default="auto",
        help="auto (default): bubblewrap if it works here, else limits only; "
        "bubblewrap: fail if it is not available; limits-only: resource limits, no sandbox",
    )  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=Limits.call_timeout_s, metavar="SECONDS",
        help=f"time limit of one call into the submission (default {Limits.call_timeout_s:g})",
    )  # fmt: skip
    parser.add_argument(
        "--memory", type=int, default=Limits.memory_bytes // 2**20, metavar="MB",
        help=f"address-space limit of the worker (default {Limits.memory_bytes // 2**20})",
    )  # fmt: skip
    parser.add_argument(
        "--budget", type=float, default=GRADE_BUDGET_S, metavar="SECONDS",
        help=f"time limit of the whole submission (default {GRADE_BUDGET_S:g})",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the total")
    parser.add_argument("--version", action="version", version=report.grader_version())
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `grade` console script."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]]()(argv[1:])
    args = build_parser().parse_args(argv)
    path = args.path or (Path("exercises") if Path("exercises").is_dir() else Path("."))
    problem = unusable_reason(path)
    if problem:
        print(f"grade: {problem}", file=sys.stderr)
        if path.exists():  # e.g. a broken notebook: the report says so, with 0 points
            data = report.error_report(
                student=None, submission=path, reason=problem, started_at=report.now_utc(),
                duration_s=0.0, units=tuple(args.unit) if args.unit else None,
            )  # fmt: skip
            report.write_yaml(data, args.report)
        return EXIT_UNUSABLE
    limits = Limits(  # one submission at a time: its worker may use every core for BLAS
        call_timeout_s=args.timeout,
        memory_bytes=args.memory * 2**20,
        blas_threads=blas_threads_per_worker(1),
    )
    started_at, start = report.now_utc(), time.monotonic()
    try:
        run = run_suites(
            path, units=args.unit, limits=limits, isolation=args.isolation, budget_s=args.budget
        )
    except (UnusableSubmission, SandboxUnavailable) as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except SuiteError as exc:
        print(f"grade: the grader's own suites failed; please report this.\n{exc}", file=sys.stderr)
        return EXIT_GRADER_BUG
    data = report.build_report(
        run, submission=path, started_at=started_at,
        duration_s=time.monotonic() - start, mode=args.mode,
    )  # fmt: skip
    report.write_yaml(data, args.report)
    print_summary(run, path, args, data["duration_s"])
    plots = write_activation_plots(path, run, args, limits)
    if plots and not args.quiet:
        print(f"Plots of your failing activations: {plots[0].parent}/")
    if args.fail_under is not None and data["score"] < args.fail_under:
        return EXIT_BELOW
    return EXIT_GRADED


def write_activation_plots(path: Path, run: RunResult, args, limits: Limits) -> list[Path]:
    """PNGs beside the report for failed activations; a plotting problem never fails grading."""
    from grader.grading.activation_plots import write_plots

    out_dir = args.report.with_name(args.report.stem + "-plots")
    try:
        return write_plots(path, run.results, out_dir, run.isolation, limits)
    except Exception as exc:  # the grade is already written; a plot is a bonus
        print(f"grade: could not draw the activation plots ({exc})", file=sys.stderr)
        return []


def unusable_reason(path: Path) -> str | None:
    """Why `path` cannot be graded, or None."""
    from grader.submissions import UnusableSubmission
    from grader.submissions.sources import require_course_modules

    if not path.exists():
        return f"{path}: no such file or folder"
    try:
        require_course_modules(path)
    except UnusableSubmission as exc:
        return f"not a submission: {exc}"
    return None


def print_summary(run: RunResult, path: Path, args: argparse.Namespace, seconds: float) -> None:
    """The table per unit, what to fix, and the total."""
    units = group_by_unit(run.results)
    score, max_score = total(units)
    if args.quiet:
        print(f"{score:g}/{max_score:g}")
        return
    print(f"backprop-lab grader {report.grader_version()}: {path} (isolation: {run.isolation})\n")
    print(f"  {'unit':<12} {'score':>12}  tests passed")
    for unit in units:
        score_text = f"{unit.score:.1f}/{unit.max_score:g}"
        print(f"  {unit.name:<12} {score_text:>12}  {unit.passed}/{len(unit.tests)}")
    print(f"  {'total':<12} {f'{score:.1f}/{max_score:g}':>12}\n")
    problems = [line for unit in units for line in unit_problems(unit, args.mode)]
    if problems:
        print("What to look at:")
        for line in problems[:MAX_PROBLEMS_SHOWN]:
            print(f"  {line}")
        if len(problems) > MAX_PROBLEMS_SHOWN:
            print(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more in {args.report}")
        print()
    print(f"Report: {args.report}   ({seconds:.1f} s)")


def unit_problems(unit, mode: str) -> list[str]:
    """One line per failing test, or one line for a unit not started yet."""
    failing = [t for t in unit.tests if t.status != "passed"]
    if failing and all("NotImplementedError" in t.message for t in unit.tests):
        return [f"{unit.name}: not started yet (every test hit a NotImplementedError stub)"]
    lines = []
    for test in failing:
        if mode == report.STUDENT and test.visibility == HIDDEN:
            lines.append(f"{test.id}: {test.status} (hidden test)")
        else:
            lines.append(
                f"{test.id}: {test.status}: {test.message.splitlines()[0] if test.message else ''}"
            )
    return lines


if __name__ == "__main__":
    sys.exit(main())
