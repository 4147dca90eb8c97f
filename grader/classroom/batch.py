"""`grade batch` and `grade merge`: grade a class folder in parallel into reports, a gradebook,
a summary and plots; combine the outputs of shards graded on several machines.
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

import yaml

from grader.classroom import classbook, gradescope
from grader.grading import report, signing
from grader.grading.runner import run_suites
from grader.sandbox.process import (
    ISOLATION_CHOICES,
    Limits,
    SandboxUnavailable,
    blas_threads_per_worker,
    require_sandbox,
)
from grader.submissions import UnusableSubmission
from grader.submissions.find import Entry, find_submissions, unpack
from grader.units import UNITS

EXIT_DONE, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 2, 130


@dataclasses.dataclass(frozen=True)
class Options:
    """How every submission of the batch is graded."""

    units: tuple[str, ...] | None
    limits: Limits
    isolation: str
    budget_s: float
    force: bool
    gradescope: bool
    key: bytes = b""  # the signing key; reports are signed when it is set


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One submission's result, for the progress bar."""

    student: str
    status: str
    score: float
    skipped: bool


def report_path(out: Path, student: str) -> Path:
    return out / classbook.REPORTS / f"{student}.yaml"


def is_current(path: Path, digest: str, units: tuple[str, ...] | None) -> bool:
    """A report for the same submission, graded by the same suites on the same units."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return False
    if not isinstance(data, dict):
        return False
    wanted = sorted(units or UNITS)
    return (
        data.get("submission", {}).get("sha256") == digest
        and data.get("suite_digest") == report.suite_digest()
        and sorted(unit["name"] for unit in data.get("units", [])) == wanted
    )


def grade_entry(entry: Entry, out: Path, options: Options) -> Outcome:
    """Grade one submission and write its report (runs in a pool process)."""
    path = report_path(out, entry.student)
    digest = report.submission_digest(entry.path)
    if not options.force and is_current(path, digest, options.units):
        data = yaml.safe_load(path.read_text())
        return Outcome(entry.student, data["status"], data["score"], skipped=True)
    started_at, start = report.now_utc(), time.monotonic()
    data = grade_to_report(entry, options, started_at, start)
    if options.key:
        data = signing.sign(data, options.key)
    report.write_yaml(data, path)
    if options.gradescope:
        results = json.dumps(gradescope.results_json(data), indent=1).encode()
        report.write_atomic(out / "gradescope" / entry.student / "results.json", results)
    return Outcome(entry.student, data["status"], data["score"], skipped=False)


def grade_to_report(
    entry: Entry, options: Options, started_at: str, start: float
) -> dict[str, Any]:
    """The report for one submission; never raises (a failure is the report's reason)."""
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as scratch:
        try:
            folder = unpack(entry, Path(scratch))
            run = run_suites(
                folder, units=list(options.units) if options.units else None,
                limits=options.limits, isolation=options.isolation, budget_s=options.budget_s,
            )  # fmt: skip
        except UnusableSubmission as exc:
            reason = str(exc)
        except Exception as exc:  # a grader failure costs this report, never the batch
            reason = f"the grader failed on this submission: {type(exc).__name__}: {exc}"
        else:
            return report.build_report(
                run, submission=entry.path, started_at=started_at,
                duration_s=time.monotonic() - start, mode=report.INSTRUCTOR, student=entry.student,
            )  # fmt: skip
    return report.error_report(
        student=entry.student, submission=entry.path, reason=reason,
        started_at=started_at, duration_s=time.monotonic() - start, units=options.units,
    )  # fmt: skip


def shard(entries: list[Entry], spec: str | None) -> list[Entry]:
    """The deterministic share `I/N` (0 <= I < N) of the sorted entries: every N-th from I."""
    if spec is None:
        return entries
    index, count = parse_shard(spec)
    return entries[index::count]


def parse_shard(spec: str) -> tuple[int, int]:
    """`I/N` as (I, N); ValueError with the rule otherwise."""
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise ValueError(f"--shard {spec!r}: write I/N, e.g. 0/4") from None
    if not 0 <= index < count:
        raise ValueError(f"--shard {spec!r}: I must be in 0..N-1")
    return index, count


def run_batch(entries: list[Entry], out: Path, options: Options, jobs: int) -> list[Outcome]:
    """Grade `entries` `jobs` at a time, with a progress bar; reports land in out/reports."""
    from tqdm import tqdm

    context = multiprocessing.get_context("spawn")
    outcomes: list[Outcome] = []
    failures = 0
    with (
        concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool,
        tqdm(total=len(entries), unit="sub", desc="grading", disable=None) as bar,
    ):
        futures = [pool.submit(grade_entry, entry, out, options) for entry in entries]
        try:
            for future in concurrent.futures.as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                failures += outcome.status != "graded"
                bar.set_postfix(failed=failures, refresh=False)
                bar.update()
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return sorted(outcomes, key=lambda o: o.student)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `grade batch`."""
    parser = argparse.ArgumentParser(
        prog="grade batch",
        description="Grade every submission in a folder (sub-folders, .zip files) in parallel.",
    )
    parser.add_argument("submissions", type=Path, help="folder with one entry per student")
    parser.add_argument(
        "--out", type=Path, required=True, help="where reports and the gradebook go"
    )
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="submissions graded at once (default: cores)")  # fmt: skip
    parser.add_argument(
        "--force", action="store_true", help="regrade even where a report is current"
    )
    parser.add_argument(
        "--shard", metavar="I/N", help="grade only the I-th of N shares (0 <= I < N)"
    )
    parser.add_argument("--format", choices=["gradescope"], action="append", default=[],
                        help="also write out/gradescope/<student>/results.json")  # fmt: skip
    parser.add_argument("--unit", action="append", choices=UNITS, help="grade only these units")
    parser.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                        help="auto/bubblewrap (default): refuse to run without bubblewrap; "
                        "limits-only: grade without a sandbox, explicitly")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=Limits.call_timeout_s,
                        help="time limit of one call into a submission, in seconds")  # fmt: skip
    parser.add_argument("--key", type=Path, help="signing key file (default: $BACKPROP_LAB_KEY "
                        "or ~/.config/backprop-lab/signing.key, created if missing)")  # fmt: skip
    parser.add_argument("--no-sign", action="store_true", help="do not sign the reports")
    parser.add_argument("--blas-threads", type=int, default=0, metavar="N",
                        help="BLAS threads per worker (default: cores / jobs, so the "
                        "workers never oversubscribe the cores)")  # fmt: skip
    parser.add_argument("--budget", type=float, default=600.0,
                        help="time limit of one submission, in seconds (default 600)")  # fmt: skip
    return parser


def main(argv: list[str]) -> int:
    """Entry point of `grade batch`."""
    args = build_parser().parse_args(argv)
    try:
        args.isolation = require_sandbox(args.isolation, "grade batch")
    except SandboxUnavailable as exc:
        print(f"grade batch: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if not args.submissions.is_dir():
        print(f"grade batch: {args.submissions}: not a folder", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        entries = shard(find_submissions(args.submissions), args.shard)
    except ValueError as exc:
        print(f"grade batch: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        key = b"" if args.no_sign else signing.load_key(args.key, create=True)
    except ValueError as exc:
        print(f"grade batch: {exc}; pass --key FILE or --no-sign", file=sys.stderr)
        return EXIT_UNUSABLE
    jobs = max(1, args.jobs)
    threads = args.blas_threads or blas_threads_per_worker(jobs)
    options = Options(
        units=tuple(args.unit) if args.unit else None,
        limits=Limits(call_timeout_s=args.timeout, blas_threads=threads),
        isolation=args.isolation, budget_s=args.budget, force=args.force,
        gradescope="gradescope" in args.format,
        key=key,
    )  # fmt: skip
    start = time.monotonic()
    try:
        outcomes = run_batch(entries, args.out, options, jobs)
    except KeyboardInterrupt:
        print(
            "grade batch: interrupted; finished reports are kept, rerun to go on", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    data = classbook.write_class_outputs(args.out)
    skipped = sum(o.skipped for o in outcomes)
    errored = sum(o.status != "graded" for o in outcomes)
    print(
        f"graded {len(outcomes) - skipped}, skipped {skipped} (report current), errored {errored}"
        f" in {time.monotonic() - start:.1f} s; class of {data['count']}: mean {data['mean']},"
        f" median {data['median']}"
    )
    print(f"outputs: {args.out}/gradebook.csv, summary.yaml, reports/, *.png")
    return EXIT_DONE


def merge_main(argv: list[str]) -> int:
    """Entry point of `grade merge DIR... --out DIR`: shard outputs into one class result."""
    parser = argparse.ArgumentParser(prog="grade merge", description=merge_main.__doc__)
    parser.add_argument(
        "dirs", type=Path, nargs="+", help="output folders of `grade batch --shard`"
    )
    parser.add_argument("--out", type=Path, required=True, help="where the merged outputs go")
    args = parser.parse_args(argv)
    seen: dict[str, Path] = {}
    for folder in args.dirs:
        reports = sorted((folder / classbook.REPORTS).glob("*.yaml"))
        if not reports:
            print(
                f"grade merge: {folder}: no reports in {folder / classbook.REPORTS}",
                file=sys.stderr,
            )
            return EXIT_UNUSABLE
        for path in reports:
            if path.name in seen and seen[path.name] != folder:
                print(f"grade merge: {path.stem} is in {seen[path.name]} and {folder}; "
                      "keeping the later one", file=sys.stderr)  # fmt: skip
            seen[path.name] = folder
    for name, folder in seen.items():
        target = args.out / classbook.REPORTS / name
        if (folder / classbook.REPORTS / name).resolve() != target.resolve():
            report.write_atomic(target, (folder / classbook.REPORTS / name).read_bytes())
        _copy_gradescope(folder, args.out, Path(name).stem)
    data = classbook.write_class_outputs(args.out)
    print(f"merged {len(seen)} reports from {len(args.dirs)} folders: mean {data['mean']}")
    return EXIT_DONE


def _copy_gradescope(source: Path, out: Path, student: str) -> None:
    results = source / "gradescope" / student / "results.json"
    target = out / "gradescope" / student / "results.json"
    if results.is_file() and results.resolve() != target.resolve():
        report.write_atomic(target, results.read_bytes())
