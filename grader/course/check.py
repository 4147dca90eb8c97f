"""`grade check`: the course is sound — reference full marks, stubs nothing, every known
mistake caught, every correct variant kept, no flaky test, stubs and reference agree.

A mutant that does not import is not caught (it tests nothing); a patch file without its
`# target:` line is a FAIL line of its own, never a crash.

Every grading runs in a process pool (`-j`), each in its own sandboxed worker; a mutant or a
variant is graded on its own unit only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from grader.course import contract
from grader.grading.report import write_atomic, write_yaml
from grader.grading.runner import run_suites
from grader.sandbox.process import (
    ISOLATION_CHOICES,
    Limits,
    SandboxUnavailable,
    blas_threads_per_worker,
    default_isolation,
    require_sandbox,
)
from grader.submissions.patches import Patch, apply_patch, load_patch
from grader.units import UNIT_POINTS

REFERENCE_RUNS = 3
# A do-nothing mutant (tests/mutants/<unit>/do_nothing*.py) earns at most this in its unit.
DO_NOTHING_MAX_POINTS = 2.0


@dataclasses.dataclass
class Job:
    """One grading to do: a base folder, maybe a patch over it, some units, a test order."""

    label: str
    base: Path
    patch: Path | None = None
    units: list[str] | None = None
    order_seed: int | None = None


@dataclasses.dataclass
class Outcome:
    """What one job found: per test (id, unit, status, points, max_points, message)."""

    job: Job
    tests: list[tuple[str, str, str, float, float, str]]
    error: str = ""

    def score(self, unit: str | None = None) -> float:
        return sum(t[3] for t in self.tests if unit is None or t[1] == unit)


@dataclasses.dataclass
class CheckResult:
    """One line of `grade check`."""

    name: str
    passed: bool
    summary: str
    details: list[str] = dataclasses.field(default_factory=list)
    data: dict[str, Any] = dataclasses.field(default_factory=dict)


def grade_job(job: Job, blas_threads: int) -> Outcome:
    """Run one job (in a pool process)."""
    try:
        patch = load_patch(job.patch) if job.patch is not None else None
    except (OSError, ValueError) as exc:
        return Outcome(job, [], f"malformed patch: {exc}")
    try:
        with tempfile.TemporaryDirectory(prefix="grade-check-") as scratch:
            folder = job.base
            if patch is not None:
                folder = apply_patch(patch, job.base, Path(scratch) / "submission")
            limits = Limits(blas_threads=blas_threads)
            run = run_suites(folder, units=job.units, limits=limits, order_seed=job.order_seed)
    except Exception as exc:  # a broken patch or suite: reported, never fatal to the check
        return Outcome(job, [], f"{type(exc).__name__}: {exc}")
    tests = [(r.id, r.unit, r.status, r.points, r.max_points, r.message) for r in run.results]
    return Outcome(job, tests)


def run_jobs(jobs: list[Job], workers: int) -> list[Outcome]:
    """Grade every job, `workers` at a time; BLAS threads are shared out among them."""
    blas_threads = blas_threads_per_worker(workers)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(grade_job, job, blas_threads) for job in jobs]
        return [future.result() for future in futures]


def check_reference(outcomes: list[Outcome]) -> CheckResult:
    """Full marks on every run, and the same outcome per test on every run."""
    scores = [o.score() for o in outcomes]
    problems = [f"{o.job.label}: {o.error}" for o in outcomes if o.error]
    lost = {(t[0], t[2], t[5][:120]) for o in outcomes for t in o.tests if t[2] != "passed"}
    problems += [f"{test}: {status}: {message}" for test, status, message in sorted(lost)]
    by_test: dict[str, set[str]] = {}
    for outcome in outcomes:
        for test in outcome.tests:
            by_test.setdefault(test[0], set()).add(test[2])
    flaky = sorted(test for test, statuses in by_test.items() if len(statuses) > 1)
    problems += [f"flaky: {test}" for test in flaky]
    passed = not problems and all(abs(s - 100) < 1e-6 for s in scores)
    summary = (
        f"{'/'.join(f'{s:g}' for s in scores)} of 100 on {len(outcomes)} runs in shuffled orders"
    )
    summary += "; no flaky test" if not flaky else f"; {len(flaky)} flaky"
    return CheckResult("reference", passed, summary, problems, {"scores": scores, "flaky": flaky})


def check_stubs(outcome: Outcome) -> CheckResult:
    """No points, and every test fails on the stub's NotImplementedError."""
    unrelated = [
        f"{t[0]}: {t[2]}: {t[5][:120]}" for t in outcome.tests if "NotImplementedError" not in t[5]
    ]
    passed = not outcome.error and outcome.score() == 0 and not unrelated and bool(outcome.tests)
    summary = (
        f"{outcome.score():g}/100; {len(outcome.tests) - len(unrelated)} of {len(outcome.tests)} "
    )
    summary += "tests fail with the stub's NotImplementedError"
    details = [outcome.error] if outcome.error else unrelated
    return CheckResult("stubs", passed, summary, details, {"score": outcome.score()})


def import_failure(outcome: Outcome, unit: str) -> str:
    """The import error every test of `unit` failed with, or "" if the unit imported."""
    tests = [t for t in outcome.tests if t[1] == unit]
    if tests and all(t[2] != "passed" and "importing " in t[5] for t in tests):
        return tests[0][5]
    return ""


def mutant_problem(outcome: Outcome) -> str:
    """Why a mutant is not a caught mutant ("" when it is): not caught, does not import,
    a malformed patch, or a do-nothing member that earns more than DO_NOTHING_MAX_POINTS."""
    unit = outcome.job.units[0] if outcome.job.units else "?"
    label = outcome.job.label
    if outcome.error:
        return f"not caught: {label}: {outcome.error}"
    failure = import_failure(outcome, unit)
    if failure:
        return f"not caught: {label}: it does not import, so it tests nothing ({failure[:160]})"
    score = outcome.score(unit)
    if score >= UNIT_POINTS.get(unit, 0) - 1e-9:
        return f"not caught: {label}"
    if outcome.job.patch is not None and outcome.job.patch.stem.startswith("do_nothing"):
        if score > DO_NOTHING_MAX_POINTS + 1e-9:
            return f"do-nothing earns {score:g} > {DO_NOTHING_MAX_POINTS:g} points: {label}"
    return ""


def check_mutants(outcomes: list[Outcome]) -> CheckResult:
    """Every mutant imports and loses points in its unit (a do-nothing one nearly all of them)."""
    per_unit: dict[str, list[int]] = {unit: [0, 0] for unit in UNIT_POINTS}
    survivors = []
    for outcome in outcomes:
        unit = outcome.job.units[0] if outcome.job.units else "?"
        problem = mutant_problem(outcome)
        per_unit.setdefault(unit, [0, 0])[1] += 1
        per_unit[unit][0] += not problem
        if problem:
            survivors.append(problem)
    caught = sum(k for k, _ in per_unit.values())
    rates = ", ".join(f"{unit} {k}/{n}" for unit, (k, n) in per_unit.items() if n)
    missing = [unit for unit, (_, n) in per_unit.items() if n == 0]
    details = survivors + [f"unit {unit} has no mutant" for unit in missing]
    result = CheckResult("mutants", not details, f"{caught}/{len(outcomes)} caught ({rates})")
    result.details, result.data = (
        details,
        {"per_unit": {u: {"killed": k, "total": n} for u, (k, n) in per_unit.items()}},
    )
    return result


def check_variants(outcomes: list[Outcome]) -> CheckResult:
    """Every correct-but-different implementation keeps full marks in its unit."""
    problems = []
    for outcome in outcomes:
        lost = [f"{t[0]}: {t[2]}: {t[5][:120]}" for t in outcome.tests if t[2] != "passed"]
        if outcome.error or lost:
            problems.append(f"{outcome.job.label} lost points: {outcome.error or '; '.join(lost)}")
    kept = len(outcomes) - len(problems)
    return CheckResult(
        "variants",
        not problems and bool(outcomes),
        f"{kept}/{len(outcomes)} keep full marks",
        problems,
    )


def check_contract(exercises: Path, solutions: Path) -> CheckResult:
    """The stubs and the reference define the same public names with the same signatures."""
    try:
        problems = contract.compare(exercises, solutions)
    except Exception as exc:
        problems = [f"could not import the packages: {type(exc).__name__}: {exc}"]
    summary = "same names and signatures" if not problems else f"{len(problems)} differences"
    return CheckResult("contract", not problems, summary, problems)


def check_split() -> CheckResult:
    """Public and hidden tests: no public test imports hidden material; every unit's public
    tests are worth at least half its points."""
    from grader.course.split import HIDDEN, PUBLIC, collect_tests, points_by_unit, split_problems

    try:
        problems = split_problems()
        table = points_by_unit(collect_tests())
    except Exception as exc:
        return CheckResult("split", False, f"could not collect the suites: {exc}", [str(exc)])
    public = sum(sides[PUBLIC]["points"] for sides in table.values())
    hidden = sum(sides[HIDDEN]["points"] for sides in table.values())
    summary = (
        f"public {public:g} / hidden {hidden:g} points; every unit at least half public"
        if not problems
        else f"{len(problems)} problems"
    )
    return CheckResult("split", not problems, summary, problems, {"points": table})


def patch_jobs(folder: Path, base: Path, kind: str) -> list[Job]:
    """One job per patch file in folder/<unit>/*.py, graded on its unit only."""
    jobs = []
    for path in sorted(folder.glob("*/*.py")):
        try:
            patch: Patch = load_patch(path)
            label = f"{kind} {path.parent.name}/{patch.name} ({patch.description})"
        except (OSError, ValueError):
            label = f"{kind} {path.parent.name}/{path.stem}"  # grade_job reports what is wrong
        jobs.append(Job(label, base, path, [path.parent.name]))
    return jobs


def run_check(args: argparse.Namespace) -> list[CheckResult]:
    """Every check; the gradings share one pool."""
    reference = [
        Job(f"reference run {i + 1}", args.solutions, order_seed=i) for i in range(args.runs)
    ]
    stubs = [Job("stubs", args.exercises)]
    mutants = patch_jobs(args.mutants, args.solutions, "mutant")
    variants = patch_jobs(args.variants, args.solutions, "variant")
    outcomes = run_jobs(reference + stubs + mutants + variants, args.jobs)
    cuts = [len(reference), len(reference) + 1, len(reference) + 1 + len(mutants)]
    return [
        check_reference(outcomes[: cuts[0]]),
        check_stubs(outcomes[cuts[0]]),
        check_mutants(outcomes[cuts[1] : cuts[2]]),
        check_variants(outcomes[cuts[2] :]),
        check_contract(args.exercises, args.solutions),
        check_split(),
    ]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `grade check`."""
    parser = argparse.ArgumentParser(prog="grade check", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the course repository (default: .)"
    )
    parser.add_argument("--solutions", type=Path, help="reference folder (default: ROOT/solutions)")
    parser.add_argument("--exercises", type=Path, help="stubs folder (default: ROOT/exercises)")
    parser.add_argument("--mutants", type=Path, help="mutant catalog (default: ROOT/tests/mutants)")
    parser.add_argument(
        "--variants", type=Path, help="variant catalog (default: ROOT/tests/variants)"
    )
    parser.add_argument(
        "--runs", type=int, default=REFERENCE_RUNS, help="reference runs (default 3)"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel gradings (default: cores)",
    )
    parser.add_argument("--isolation", choices=ISOLATION_CHOICES, default=default_isolation(),
                        help="auto/bubblewrap (default, or $BACKPROP_LAB_ISOLATION): refuse to "
                        "run without bubblewrap; landlock or limits-only: a weaker level, "
                        "explicitly")  # fmt: skip
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the result as JSON")
    parser.add_argument("--yaml", type=Path, metavar="FILE", help="also write the result as YAML")
    return parser


def main(argv: list[str]) -> int:
    """Entry point of `grade check`; 0 only if every check passes."""
    args = build_parser().parse_args(argv)
    try:
        args.isolation = require_sandbox(args.isolation, "grade check")
    except SandboxUnavailable as exc:
        print(f"grade check: {exc}", file=sys.stderr)
        return 2
    args.solutions = args.solutions or args.root / "solutions"
    args.exercises = args.exercises or args.root / "exercises"
    args.mutants = args.mutants or args.root / "tests" / "mutants"
    args.variants = args.variants or args.root / "tests" / "variants"
    for name in ("solutions", "exercises"):
        if not getattr(args, name).is_dir():
            print(
                f"grade check: {getattr(args, name)}: no such folder (see --{name})",
                file=sys.stderr,
            )
            return 2
    start = time.monotonic()
    results = run_check(args)
    seconds = time.monotonic() - start
    for result in results:
        print(f"{'PASS' if result.passed else 'FAIL'}  {result.name:<10} {result.summary}")
        for line in result.details[:20]:
            print(f"      {line}")
        if len(result.details) > 20:
            print(f"      ... and {len(result.details) - 20} more")
    failed = sum(not r.passed for r in results)
    verdict = "all checks passed" if not failed else f"{failed} of {len(results)} checks failed"
    print(f"grade check: {verdict} in {seconds:.1f} s ({args.jobs} jobs)")
    document = {"passed": not failed, "seconds": round(seconds, 1), "jobs": args.jobs,
                "checks": [dataclasses.asdict(r) for r in results]}  # fmt: skip
    if args.json:
        write_atomic(args.json, json.dumps(document, indent=2).encode())
    if args.yaml:
        write_yaml(document, args.yaml)
    return 0 if not failed else 1
