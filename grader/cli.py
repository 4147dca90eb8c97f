"""The `grade` command: grade a submission and write its YAML report."""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import grader
from grader.edition import EDITION
from grader.grading.runner import (
    GRADE_BUDGET_S,
    RunResult,
    SuiteError,
    run_suites,
    withheld_tests,
)
from grader.grading.scoring import HIDDEN, INSTRUCTOR, STUDENT, group_by_unit, total
from grader.sandbox.process import (
    ISOLATION_CHOICES,
    Limits,
    SandboxUnavailable,
    blas_threads_per_worker,
    platform_problem,
)
from grader.submissions import UnusableSubmission
from grader.units import UNIT_POINTS, UNITS

EXIT_GRADED, EXIT_BELOW, EXIT_UNUSABLE, EXIT_GRADER_BUG = 0, 1, 2, 3
MAX_PROBLEMS_SHOWN = 12
STUB_FRAME = re.compile(r", in ([\w.]+)\)$")  # "... (activations.py, line 34, in step)"

#: `grade NAME ...` -> (module:function taking argv and returning an exit status, one help line).
#: Add a subcommand here: DESCRIPTION lists it. Names never look like paths (`grade notebooks`
#: grades the folder notebooks/; generating notebooks is `grade make-notebooks`).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "batch": (
        "grader.classroom.batch:main",
        "grade a folder of submissions in parallel (grade batch --help)",
    ),
    "merge": ("grader.classroom.batch:merge_main", "combine the outputs of `grade batch --shard`"),
    "verify": ("grader.grading.signing:main", "check that a report's signature is intact"),
    "check": (
        "grader.course.check:main",
        "prove the course sound: reference 100, stubs 0, mutants caught",
    ),
    "make-notebooks": (
        "grader.course.make_notebooks:main",
        "instructors: notebooks/ from the stubs (never overwrites changed ones)",
    ),
    "release": (
        "grader.course.release:main",
        "build the student edition and the autograder edition (with Gradescope's zip)",
    ),
    "pack": (
        "grader.submissions.pack:main",
        "make the file to upload: the course files that count, with their digests",
    ),
}
STUDENT_SUBCOMMANDS = ("pack",)  # the student edition has nothing else (grade release strips it)
if EDITION == "student":
    SUBCOMMANDS = {name: SUBCOMMANDS[name] for name in STUDENT_SUBCOMMANDS}

WHAT_RUNS = "public tests" if EDITION == "student" else "hidden test suites"
DESCRIPTION = (
    f"""\
Grade a submission of the backprop-lab course: the {WHAT_RUNS} run against your code
in a sandboxed worker process, and the score goes to a YAML report (grade-report.yaml) with
plots in grade-report-plots/, both in the current folder unless --report says otherwise.

other commands:
"""
    + "\n".join(f"  grade {name:<15} {line}" for name, (_, line) in SUBCOMMANDS.items())
    + """

exit status: 0 graded (whatever the score); 1 graded, but below --fail-under;
2 unusable input (missing path, not a submission) or unsupported platform;
3 the grader itself failed."""
)


def subcommand(name: str) -> Callable[[list[str]], int]:
    """The entry point of `grade NAME`, imported only when used."""
    module, _, function = SUBCOMMANDS[name][0].partition(":")
    return getattr(importlib.import_module(module), function)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `grade [PATH]`."""
    parser = argparse.ArgumentParser(
        prog="grade", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "path", nargs="?", type=Path,
        help="what to grade: a folder of course modules or notebooks (gates.py, "
        "activations.ipynb, ...) or one file; a file named after a unit grades that unit only; "
        "default: ./exercises if it exists, else the current folder",
    )  # fmt: skip
    parser.add_argument(
        "--report", type=Path, default=Path("grade-report.yaml"), metavar="FILE",
        help="where to write the YAML report (default: grade-report.yaml); plots go to the "
        "folder FILE-plots/ beside it (default: grade-report-plots/)",
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
        "--mode", default=STUDENT,
        choices=(STUDENT,) if EDITION == "student" else (STUDENT, INSTRUCTOR),
        help="student (default): hidden tests show name and pass/fail only"
        + ("" if EDITION == "student" else "; instructor: every message is shown and reported"),
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
    parser.add_argument("--version", action="version", version=grader.__version__)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `grade` console script."""
    try:
        code = _main(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()
    except BrokenPipeError:  # `grade | head`: the reader left; the report is written already
        _silence_stdout()
        return EXIT_GRADED
    return code


def _silence_stdout() -> None:
    """Python's documented answer to SIGPIPE: point stdout at devnull so exit stays quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _main(argv: list[str]) -> int:
    problem = platform_problem()
    if problem:
        print(f"grade: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    if argv and argv[0] in SUBCOMMANDS:
        return subcommand(argv[0])(argv[1:])
    args = build_parser().parse_args(argv)
    path = args.path or (Path("exercises") if Path("exercises").is_dir() else Path("."))
    try:
        modules = submitted_modules(path)
    except UnusableSubmission as exc:
        return refuse(path, str(exc), args)
    wanted = list(args.unit) if args.unit else list(UNITS)
    graded = [unit for unit in wanted if unit in {Path(m).stem for m in modules}]
    missing = [unit for unit in wanted if unit not in graded]
    if not graded:
        names = ", ".join(f"{unit}.py" for unit in wanted)
        return refuse(path, f"not a submission: {path.name}: none of {names} is there", args)
    limits = Limits(  # one submission at a time: its worker may use every core for BLAS
        call_timeout_s=args.timeout,
        memory_bytes=args.memory * 2**20,
        blas_threads=blas_threads_per_worker(1),
    )
    started_at, start = time.time(), time.monotonic()
    try:
        run = run_suites(
            path, units=graded, limits=limits, isolation=args.isolation, budget_s=args.budget
        )
    except (UnusableSubmission, SandboxUnavailable) as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except SuiteError as exc:
        print(f"grade: the grader's own suites failed; please report this.\n{exc}", file=sys.stderr)
        return EXIT_GRADER_BUG
    from grader.grading import report  # after the worker's launch: it boots meanwhile

    unimportable = {
        unit: problem for problem in reversed(run.problems) for unit in graded
        if problem.startswith(f"importing {unit}.py") or f": importing {unit}.py" in problem[:60]
    }  # fmt: skip
    graded_modules = {name: text for name, text in modules.items() if Path(name).stem in graded}
    run.problems = syntax_errors(graded_modules) + [
        p for p in run.problems if not p.startswith("SyntaxError: importing ")
    ]
    data = report.build_report(
        run, submission=path, started_at=report.now_utc(started_at),
        duration_s=time.monotonic() - start, mode=args.mode,
    )  # fmt: skip
    data["not_submitted"] = missing
    report.write_yaml(data, args.report)
    code = EXIT_GRADED
    if args.fail_under is not None and data["score"] < args.fail_under:
        code = EXIT_BELOW
    text = summary(run, path, args, data["duration_s"], missing, unimportable)
    plots = write_plots(path, run, args, limits)
    if plots and not args.quiet:
        text += f"Plots: {plots[0].parent}/ ({', '.join(p.name for p in plots)})\n"
    sys.stdout.write(text)
    return code


def refuse(path: Path, problem: str, args: argparse.Namespace) -> int:
    """Exit 2 with one line; for an existing path the report says so too, with 0 points."""
    from grader.grading import report

    print(f"grade: {problem}", file=sys.stderr)
    if path.exists():  # e.g. a broken notebook: the report says so, with 0 points
        data = report.error_report(
            student=None, submission=path, reason=problem, started_at=report.now_utc(),
            duration_s=0.0, units=tuple(args.unit) if args.unit else None,
        )  # fmt: skip
        report.write_yaml(data, args.report)
    return EXIT_UNUSABLE


def submitted_modules(path: Path) -> dict[str, str]:
    """The submission's modules by name (read as text, never run); UnusableSubmission if none."""
    from grader.submissions.sources import require_course_modules

    if not path.exists():
        raise UnusableSubmission(f"{path}: no such file or folder")
    try:
        return require_course_modules(path)
    except UnusableSubmission as exc:
        raise UnusableSubmission(f"not a submission: {exc}") from None


def syntax_errors(modules: dict[str, str]) -> list[str]:
    """For each course module that does not parse: file, line, the line and a caret.

    Parsing only (compile to an AST): nothing of the student's runs in the grader's process.
    """
    found = []
    for name, source in sorted(modules.items()):
        if Path(name).stem not in UNITS:
            continue
        try:
            compile(source, name, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:
            found.append("".join(traceback.format_exception_only(exc)).strip())
        except (RecursionError, MemoryError, ValueError):
            continue  # the worker's import reports it
    return found


def write_plots(path: Path, run: RunResult, args, limits: Limits) -> list[Path]:
    """PNGs beside the report (activations that show a mistake, the training curve) in a folder
    cleaned of the grader's own earlier plots; a plotting problem never fails grading."""
    from grader.grading import activation_plots, learning_curve

    out_dir = args.report.with_name(args.report.stem + "-plots")
    plots: list[Path] = []
    try:
        activation_plots.clean(out_dir)
        plots += activation_plots.write_plots(path, run.results, out_dir, run.isolation, limits)
    except Exception as exc:  # the grade is already written; a plot is a bonus
        print(f"grade: could not draw the activation plots ({exc})", file=sys.stderr)
    try:
        if learning_curve.wanted(run.results):
            plots += learning_curve.write_plot(run.metrics, out_dir)
    except Exception as exc:
        print(f"grade: could not draw the learning curve ({exc})", file=sys.stderr)
    return plots


def summary(
    run: RunResult,
    path: Path,
    args: argparse.Namespace,
    seconds: float,
    missing: list[str],
    unimportable: dict[str, str],
) -> str:
    """The table per unit, what was not submitted, what to fix, and the total."""
    units = group_by_unit(run.results)
    score, max_score = total(units)
    if args.quiet:
        return f"{score:g}/{max_score:g}\n"
    out = [f"backprop-lab grader {grader.__version__}: {path} (isolation: {run.isolation})\n"]
    out.append(f"  {'unit':<12} {'score':>12}  tests passed")
    for unit in units:
        score_text = f"{unit.score:.1f}/{unit.max_score:g}"
        out.append(f"  {unit.name:<12} {score_text:>12}  {unit.passed}/{len(unit.tests)}")
    out.append(f"  {'total':<12} {f'{score:.1f}/{max_score:g}':>12}")
    if missing:
        points = sum(UNIT_POINTS[unit] for unit in missing)
        out.append(f"  not submitted: {', '.join(missing)} ({points:g} of the 100 points)")
    out.append("")
    out += withheld_lines(units)
    if run.problems:
        out.append("Your code could not be read or imported:")
        out += ["  " + line for problem in run.problems for line in problem.splitlines()]
        out.append("")
    problems = [
        line for unit in units for line in unit_problems(unit, args.mode, unimportable)
    ]  # fmt: skip
    if problems:
        out.append("What to look at:")
        out += [f"  {line}" for line in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            out.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more in {args.report}")
        out.append("")
    out.append(f"Report: {args.report}   ({seconds:.1f} s)")
    return "\n".join(out) + "\n"


def withheld_lines(units) -> list[str]:
    """Student edition: what the public tests are worth, and the hidden tests to come."""
    withheld = withheld_tests()
    if not withheld:
        return []
    graded = {unit.name for unit in units}
    possible = sum(unit.max_score for unit in units)
    hidden = {u: w for u, w in withheld.items() if u in graded and w["tests"]}
    hidden_points = round(sum(w["points"] for w in hidden.values()), 4)
    lines = [
        f"public tests: {possible - hidden_points:g} of {possible:g} points; "
        f"{hidden_points:g} points of hidden tests run when you submit:"
    ]
    lines += [
        f"  {unit:<12} {w['tests']:g} hidden tests worth {w['points']:g} points"
        for unit, w in hidden.items()
    ]
    return [*lines, ""]


def unit_problems(unit, mode: str, unimportable: dict[str, str] | None = None) -> list[str]:
    """One line per failing test, or one line for a unit not started yet or not importable."""
    failing = [t for t in unit.tests if t.status != "passed"]
    if failing and all("NotImplementedError" in t.message for t in unit.tests):
        return [f"{unit.name}: not started yet (every test hit a NotImplementedError stub)"]
    if failing and unit.name in (unimportable or {}):
        return [f"{unit.name}: no test could run: {unimportable[unit.name].splitlines()[0]}"]
    stubbed = [t for t in failing if "raised NotImplementedError" in t.message]
    lines = []
    for test in failing:
        if test in stubbed:
            continue
        if mode == STUDENT and test.visibility == HIDDEN:
            lines.append(f"{test.id}: {test.status} (hidden test)")
        else:
            lines.append(
                f"{test.id}: {test.status}: {test.message.splitlines()[0] if test.message else ''}"
            )
    if stubbed:  # after the real mistakes: one line for what is simply not written yet
        names = [m.group(1) for t in stubbed for m in [STUB_FRAME.search(t.message)] if m]
        lines.append(
            f"{unit.name}: {len(stubbed)} more tests reach functions not written yet "
            f"(NotImplementedError): {', '.join(dict.fromkeys(names)) or 'see the report'}"
        )
    return lines


if __name__ == "__main__":
    sys.exit(main())
