"""`grade batch` and `grade merge`: grade a class folder in parallel into reports, a gradebook,
a summary and plots; combine the outputs of shards graded on several machines.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import concurrent.futures.process
import contextlib
import dataclasses
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
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
    default_isolation,
    require_sandbox,
)
from grader.submissions import UnusableSubmission
from grader.submissions.find import (
    Entry,
    IdCollision,
    find_submissions,
    graded_source,
    report_stem,
    unpack,
)
from grader.units import UNITS

EXIT_DONE, EXIT_UNUSABLE, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 2, 1, 130
RUN_RECORD = "batch.yaml"  # which shard of which class an output folder holds, and if complete
INTERRUPT_GRACE_S = 30.0  # after Ctrl-C, how long running students get to stop before a kill
MAX_POOL_DEATHS = 2  # a student whose grading killed the pool this often gets an error report


@dataclasses.dataclass(frozen=True)
class Options:
    """How every submission of the batch is graded."""

    units: tuple[str, ...] | None
    limits: Limits
    isolation: str
    budget_s: float
    force: bool
    gradescope: bool
    key: bytes = b""  # the signing key; reports are signed, and checked before reuse, when set


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One submission's result, for the progress bar and the closing lines."""

    student: str
    status: str  # graded, error, interrupted (no report written) or kept (--unit refused)
    score: float
    skipped: bool
    note: str = ""


def report_path(out: Path, student: str) -> Path:
    return out / classbook.REPORTS / f"{report_stem(student)}.yaml"


def submission_digest(entry: Entry) -> str:
    """SHA-256 of exactly what is graded: the chosen course folder's files, or the zip itself."""
    source = graded_source(entry)
    return report.submission_digest(source)


def load_verified(path: Path, key: bytes) -> tuple[dict[str, Any] | None, str]:
    """The report at `path` if it exists and (with a key) verifies; else None and why not."""
    try:
        data = signing.load_yaml(path.read_text())
    except FileNotFoundError:
        return None, ""
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, f"the old report was unreadable ({type(exc).__name__})"
    if not isinstance(data, dict) or "score" not in data:
        return None, "the old report was not a report"
    verdict = signing.verify(data, key) if key else "ok"
    if verdict != "ok":
        return None, f"the old report did not verify ({verdict}); regraded"
    return data, ""


def is_current(data: dict[str, Any] | None, digest: str, units: tuple[str, ...] | None) -> bool:
    """A report of the same submission, graded by the same suites, covering the wanted units."""
    if not data:
        return False
    return (
        data.get("submission", {}).get("sha256") == digest
        and data.get("suite_digest") == report.suite_digest()
        and set(units or UNITS) <= {unit["name"] for unit in data.get("units", [])}
    )


_interrupted = False  # set in a pool process when it is told to stop (SIGINT)


def _on_interrupt(signum: int, frame: Any) -> None:
    """In a pool process: note the interrupt, and stop the grading under way (once)."""
    global _interrupted
    if not _interrupted:
        _interrupted = True
        raise KeyboardInterrupt


def _start_pool_process() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)


def grade_entry(entry: Entry, out: Path, options: Options) -> Outcome:
    """Grade one submission and write its report (runs in a pool process); never raises.

    An interrupted student gets no report: a later run grades it afresh.
    """
    try:
        return _grade_entry(entry, out, options)
    except KeyboardInterrupt:
        return Outcome(entry.student, "interrupted", 0.0, skipped=False)


def _grade_entry(entry: Entry, out: Path, options: Options) -> Outcome:
    path = report_path(out, entry.student)
    old, note = load_verified(path, options.key)
    started_at, start = report.now_utc(), time.monotonic()
    try:
        digest, unusable = submission_digest(entry), ""
    except (UnusableSubmission, OSError, RecursionError) as exc:
        digest, unusable = "", str(exc)
    if not options.force and is_current(old, digest, options.units):
        assert old is not None
        return Outcome(entry.student, old["status"], old["score"], skipped=True)
    if unusable:
        data = error_report(entry, unusable, started_at, start, options.units, digest)
        return _write(entry, data, out, options, note)
    kept = _partial_conflict(old, digest, options.units)
    if kept:
        return Outcome(entry.student, "kept", float(old["score"]), skipped=True, note=kept)
    data = grade_to_report(entry, options, started_at, start, digest)
    if _interrupted:
        return Outcome(entry.student, "interrupted", 0.0, skipped=False)
    if options.units and old:
        data = merge_units(old, data)
    return _write(entry, data, out, options, note)


def _partial_conflict(
    old: dict[str, Any] | None, digest: str, units: tuple[str, ...] | None
) -> str:
    """Why a `--unit` regrade must not touch `old` (a fuller report of another submission)."""
    if not units or not old:
        return ""
    others = {u["name"] for u in old.get("units", [])} - set(units)
    if not others or old.get("submission", {}).get("sha256") == digest:
        return ""
    return (
        f"kept its report: it covers {', '.join(sorted(others))} of an earlier submission;"
        " regrade every unit (without --unit) to replace it"
    )


def merge_units(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`old` with the units of `new` put in place of its own (a `--unit` regrade), totals redone."""
    fresh = {unit["name"]: unit for unit in new["units"]}
    units = [fresh.pop(u["name"], u) for u in old.get("units", [])] + list(fresh.values())
    units.sort(key=lambda u: UNITS.index(u["name"]) if u["name"] in UNITS else len(UNITS))
    merged = {k: v for k, v in new.items() if k != "signature"}
    merged["units"] = units
    merged["score"] = round(sum(float(u["score"]) for u in units), 4)
    merged["max_score"] = float(sum(float(u["max_score"]) for u in units))
    merged["regraded_units"] = [u["name"] for u in new["units"]]
    return merged


def _write(
    entry: Entry, data: dict[str, Any], out: Path, options: Options, note: str = ""
) -> Outcome:
    if options.key:
        data = signing.sign(data, options.key)
    report.write_atomic(  # durable: a rerun trusts what is on disk
        report_path(out, entry.student), signing.dump_yaml(data).encode(), durable=True
    )
    if options.gradescope:
        results = json.dumps(gradescope.results_json(data), indent=1).encode()
        stem = report_stem(entry.student)
        report.write_atomic(out / "gradescope" / stem / "results.json", results, durable=True)
    return Outcome(entry.student, data["status"], data["score"], skipped=False, note=note)


def grade_to_report(
    entry: Entry, options: Options, started_at: str, start: float, digest: str
) -> dict[str, Any]:
    """The report for one submission; never raises (a failure is the report's reason)."""
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as scratch:
        try:
            graded = unpack(entry, Path(scratch))
            run = run_suites(
                graded.path, units=list(options.units) if options.units else None,
                limits=options.limits, isolation=options.isolation, budget_s=options.budget_s,
            )  # fmt: skip
            data = report.build_report(
                run, submission=graded.path, started_at=started_at,
                duration_s=time.monotonic() - start, mode=report.INSTRUCTOR, student=entry.student,
            )  # fmt: skip
        except UnusableSubmission as exc:
            reason = str(exc)
        except Exception as exc:  # a grader failure costs this report, never the batch
            reason = f"the grader failed on this submission: {type(exc).__name__}: {exc}"
        else:
            data["submission"] = {"path": str(entry.path), "sha256": digest}
            if graded.note:
                data["submission"]["graded"] = graded.note
            return data
    return error_report(entry, reason, started_at, start, options.units, digest)


def error_report(
    entry: Entry, reason: str, started_at: str, start: float,
    units: tuple[str, ...] | None, digest: str,
) -> dict[str, Any]:  # fmt: skip
    """An error report for `entry`, its digest the one given (nothing of the entry is read)."""
    data = report.error_report(
        student=entry.student, submission=Path(os.devnull), reason=reason,
        started_at=started_at, duration_s=time.monotonic() - start, units=units,
    )  # fmt: skip
    data["submission"] = {"path": str(entry.path), "sha256": digest}
    return data


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


GradeFunction = Callable[[Entry, Path, Options], Outcome]


def run_batch(
    entries: list[Entry], out: Path, options: Options, jobs: int,
    grade: GradeFunction = grade_entry,
) -> list[Outcome]:  # fmt: skip
    """Grade `entries` `jobs` at a time, with a progress bar; reports land in out/reports.

    A pool process that dies is replaced: the students it was grading are graded again alone,
    and one whose grading kills its process twice gets an error report. On Ctrl-C the students
    under way are stopped (no report) and KeyboardInterrupt is raised with `.outcomes`, what
    finished.
    """
    from tqdm import tqdm

    outcomes: dict[str, Outcome] = {}
    deaths: dict[str, int] = {}
    queue = list(entries)
    with tqdm(total=len(entries), unit="sub", desc="grading", disable=None) as bar:

        def record(entry: Entry, result: Outcome | None) -> None:
            if result is None:  # its pool process died under it
                deaths[entry.student] = deaths.get(entry.student, 0) + 1
                if deaths[entry.student] < MAX_POOL_DEATHS:
                    return
                result = _pool_killer_report(entry, out, options)
            if result.status == "interrupted":
                return
            outcomes[entry.student] = result
            failed = sum(o.status != "graded" for o in outcomes.values())
            bar.set_postfix(failed=failed, refresh=False)
            bar.update()

        try:
            while queue:
                alone = [e for e in queue if deaths.get(e.student)]
                _run_pool(alone[:1] or queue, out, options, 1 if alone else jobs, grade, record)
                queue = [e for e in queue if e.student not in outcomes]
        except KeyboardInterrupt as exc:
            exc.outcomes = sorted(outcomes.values(), key=lambda o: o.student)  # type: ignore
            raise
        finally:
            shutil.rmtree(out / RUNNING, ignore_errors=True)
    return sorted(outcomes.values(), key=lambda o: o.student)


def _run_pool(
    entries: list[Entry], out: Path, options: Options, jobs: int, grade: GradeFunction,
    record: Callable[[Entry, Outcome | None], None],
) -> None:  # fmt: skip
    """Grade `entries` in a fresh pool; record(entry, outcome) as each finishes.

    None is recorded for a student whose pool process died under it; students merely queued
    when a process dies are not recorded (the caller requeues them).
    """
    context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_pool_process
    )
    futures = {pool.submit(_marked, grade, entry, out, options): entry for entry in entries}
    try:
        for future in concurrent.futures.as_completed(futures):
            entry = futures[future]
            try:
                result: Outcome | None = future.result()
            except concurrent.futures.process.BrokenProcessPool:
                if not _was_running(entry, out):
                    continue
                result = None
            except Exception as exc:  # the grade function itself failed: this student's report
                result = _failure_report(entry, out, options, exc)
            record(entry, result)
    except KeyboardInterrupt:
        _stop_pool(pool, futures, record)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


RUNNING = ".running"  # out/.running/<stem>: a student a pool process is grading right now


def _marked(grade: GradeFunction, entry: Entry, out: Path, options: Options) -> Outcome:
    """`grade` with a marker file while it runs, so a dead process's students can be told."""
    marker = out / RUNNING / report_stem(entry.student)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    try:
        return grade(entry, out, options)
    finally:
        marker.unlink(missing_ok=True)


def _was_running(entry: Entry, out: Path) -> bool:
    """Whether a pool process was grading `entry` (its marker is there); clears the marker."""
    marker = out / RUNNING / report_stem(entry.student)
    running = marker.exists()
    marker.unlink(missing_ok=True)
    return running


def _stop_pool(
    pool: concurrent.futures.ProcessPoolExecutor,
    futures: dict[concurrent.futures.Future[Outcome], Entry],
    record: Callable[[Entry, Outcome | None], None],
) -> None:
    """After Ctrl-C: cancel what is queued, interrupt what runs, record what still finishes."""
    for future in futures:
        future.cancel()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:  # a terminal's Ctrl-C reached them already; `kill -INT` did not
        with contextlib.suppress(OSError, ValueError):
            os.kill(process.pid, signal.SIGINT)
    running = [f for f in futures if not f.cancelled() and not f.done()]
    with contextlib.suppress(KeyboardInterrupt):
        concurrent.futures.wait(running, timeout=INTERRUPT_GRACE_S)
    for future, entry in futures.items():
        if future.done() and not future.cancelled() and future.exception() is None:
            record(entry, future.result())
    for process in processes:  # whatever has not stopped by now
        with contextlib.suppress(OSError, ValueError):
            process.kill()


def _pool_killer_report(entry: Entry, out: Path, options: Options) -> Outcome:
    reason = (
        f"grading this submission killed the grading process {MAX_POOL_DEATHS} times"
        " (it was graded alone the second time)"
    )
    return _write_error(entry, out, options, reason)


def _failure_report(entry: Entry, out: Path, options: Options, exc: Exception) -> Outcome:
    reason = f"the grader failed on this submission: {type(exc).__name__}: {exc}"
    return _write_error(entry, out, options, reason)


def _write_error(entry: Entry, out: Path, options: Options, reason: str) -> Outcome:
    """Write an error report for `entry` from the main process (its digest if it can be had)."""
    try:
        digest = submission_digest(entry)
    except Exception:
        digest = ""
    data = error_report(entry, reason, report.now_utc(), time.monotonic(), options.units, digest)
    try:
        return _write(entry, data, out, options)
    except OSError as exc:
        return Outcome(entry.student, "error", 0.0, skipped=False, note=f"no report: {exc}")


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
    parser.add_argument("--isolation", choices=ISOLATION_CHOICES, default=default_isolation(),
                        help="auto/bubblewrap (default, or $BACKPROP_LAB_ISOLATION): refuse to "
                        "run without bubblewrap; landlock or limits-only: a weaker level, "
                        "explicitly")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=Limits.call_timeout_s,
                        help="time limit of one call into a submission, in seconds")  # fmt: skip
    parser.add_argument("--key", type=Path, help="signing key file (default: $BACKPROP_LAB_KEY "
                        "or ~/.config/backprop-lab/signing.key, created if missing)")  # fmt: skip
    parser.add_argument("--no-sign", action="store_true", help="do not sign the reports")
    parser.add_argument("--blas-threads", type=int, default=0, metavar="N",
                        help="BLAS threads per worker (default: cores / jobs, so the "
                        "workers never oversubscribe the cores)")  # fmt: skip
    parser.add_argument("--lms", choices=classbook.LMS_FORMATS, action="append", default=[],
                        help="also write gradebook-<lms>.csv in that LMS's grade import format"
                        " (canvas, moodle, blackboard; repeatable)")  # fmt: skip
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
        everyone = find_submissions(args.submissions)
        entries = shard(everyone, args.shard)
    except (IdCollision, ValueError, OSError) as exc:
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
    complete = True
    write_run_record(args.out, args.shard, entries, complete=False)  # until it has finished
    try:
        outcomes = run_batch(entries, args.out, options, jobs)
    except KeyboardInterrupt as exc:
        outcomes, complete = getattr(exc, "outcomes", []), False
    removed = set_aside_removed(args.out, {e.student for e in everyone})
    write_run_record(args.out, args.shard, entries, complete)
    data = classbook.write_class_outputs(args.out, complete=complete, lms=args.lms)
    for outcome in outcomes:
        if outcome.note:
            print(f"grade batch: {outcome.student}: {outcome.note}", file=sys.stderr)
    for student in removed:
        print(f"grade batch: {student} is no longer in {args.submissions}: report moved to "
              f"{args.out / REMOVED}", file=sys.stderr)  # fmt: skip
    skipped = sum(o.skipped for o in outcomes)
    errored = sum(o.status == "error" for o in outcomes)
    print(
        f"graded {len(outcomes) - skipped}, skipped {skipped} (report current), errored {errored}"
        f" in {time.monotonic() - start:.1f} s; class of {data['count']}: mean {data['mean']},"
        f" median {data['median']}"
    )
    print(f"outputs: {args.out}/gradebook.csv, summary.yaml, reports/, *.png")
    if not complete:
        print(f"grade batch: interrupted: {len(entries) - len(outcomes)} students not graded; "
              "the gradebook and summary (marked incomplete) hold what finished; rerun to go on",
              file=sys.stderr)  # fmt: skip
        return EXIT_INTERRUPTED
    return EXIT_DONE


REMOVED = "reports-removed"


def set_aside_removed(out: Path, students: set[str]) -> list[str]:
    """Move reports of students no longer in the class folder to out/reports-removed."""
    moved = []
    for path in sorted((out / classbook.REPORTS).glob("*.yaml")):
        try:
            student = signing.load_yaml(path.read_text()).get("student")
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        if student not in students:
            (out / REMOVED).mkdir(parents=True, exist_ok=True)
            os.replace(path, out / REMOVED / path.name)
            moved.append(str(student))
    return moved


def write_run_record(out: Path, spec: str | None, entries: list[Entry], complete: bool) -> None:
    """out/batch.yaml: the shard I/N this folder holds, its students, and whether it finished."""
    index, count = parse_shard(spec) if spec else (0, 1)
    record = {"shard": f"{index}/{count}", "complete": complete,
              "students": [e.student for e in entries]}  # fmt: skip
    report.write_yaml(record, out / RUN_RECORD)


def check_shards(folders: list[Path]) -> list[str]:
    """What makes `folders` less than one whole class: missing, repeated or unfinished shards."""
    problems, seen, counts = [], {}, set()
    for folder in folders:
        try:
            record = signing.load_yaml((folder / RUN_RECORD).read_text())
            index, count = parse_shard(str(record["shard"]))
        except (OSError, yaml.YAMLError, TypeError, KeyError, ValueError):
            problems.append(f"{folder}: no {RUN_RECORD} saying which shard it holds")
            continue
        counts.add(count)
        if index in seen:
            problems.append(f"{folder} and {seen[index]} both hold shard {index}/{count}")
        seen[index] = folder
        if not record.get("complete", False):
            problems.append(f"{folder}: shard {index}/{count} was interrupted")
    if len(counts) > 1:
        problems.append(f"the shards were cut in different numbers: {sorted(counts)}")
    elif counts:
        (count,) = counts
        missing = sorted(set(range(count)) - set(seen))
        if missing:
            problems.append(f"shards {', '.join(f'{i}/{count}' for i in missing)} are missing")
    return problems


def merge_main(argv: list[str]) -> int:
    """Entry point of `grade merge DIR... --out DIR`: shard outputs into one class result."""
    parser = argparse.ArgumentParser(prog="grade merge", description=merge_main.__doc__)
    parser.add_argument(
        "dirs", type=Path, nargs="+", help="output folders of `grade batch --shard`"
    )
    parser.add_argument("--out", type=Path, required=True, help="where the merged outputs go")
    parser.add_argument(
        "--key",
        type=Path,
        help="signing key the reports must verify with "
        f"(default: ${signing.KEY_ENV} or ~/.config/backprop-lab/signing.key)",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="merge reports without checking their signatures"
    )
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="merge even if shards are missing, repeated or were interrupted",
    )
    parser.add_argument(
        "--lms",
        choices=classbook.LMS_FORMATS,
        action="append",
        default=[],
        help="also write gradebook-<lms>.csv for that LMS's grade import",
    )
    args = parser.parse_args(argv)
    problems = check_shards(args.dirs)
    if problems and not args.allow_incomplete:
        for problem in problems:
            print(f"grade merge: {problem}", file=sys.stderr)
        print("grade merge: not an entire class; regrade the missing shards, or pass "
              "--allow-incomplete to merge what is there", file=sys.stderr)  # fmt: skip
        return EXIT_REFUSED
    key = b""
    if not args.no_verify:
        try:
            key = signing.load_key(args.key)
        except ValueError as exc:
            print(f"grade merge: {exc}; pass --key FILE or --no-verify", file=sys.stderr)
            return EXIT_UNUSABLE
    seen: dict[str, Path] = {}
    bad = []
    for folder in args.dirs:
        reports = sorted((folder / classbook.REPORTS).glob("*.yaml"))
        if not reports:
            print(
                f"grade merge: {folder}: no reports in {folder / classbook.REPORTS}",
                file=sys.stderr,
            )
            return EXIT_UNUSABLE
        for path in reports:
            if key:
                data, why = load_verified(path, key)
                if data is None:
                    bad.append(f"{path}: {why or 'missing'}")
                    continue
            if path.name in seen and seen[path.name] != folder:
                print(f"grade merge: {path.stem} is in {seen[path.name]} and {folder}; "
                      "keeping the later one", file=sys.stderr)  # fmt: skip
            seen[path.name] = folder
    if bad:
        for line in bad:
            print(f"grade merge: {line.replace('; regraded', '')}", file=sys.stderr)
        print("grade merge: refusing to merge reports that do not verify; regrade them "
              "(grade batch reruns regrade them)", file=sys.stderr)  # fmt: skip
        return EXIT_REFUSED
    for name, folder in seen.items():
        target = args.out / classbook.REPORTS / name
        if (folder / classbook.REPORTS / name).resolve() != target.resolve():
            report.write_atomic(target, (folder / classbook.REPORTS / name).read_bytes())
        _copy_gradescope(folder, args.out, Path(name).stem)
    complete = not problems
    data = classbook.write_class_outputs(args.out, complete=complete, lms=args.lms)
    print(f"merged {len(seen)} reports from {len(args.dirs)} folders: mean {data['mean']}")
    return EXIT_DONE


def _copy_gradescope(source: Path, out: Path, student: str) -> None:
    results = source / "gradescope" / student / "results.json"
    target = out / "gradescope" / student / "results.json"
    if results.is_file() and results.resolve() != target.resolve():
        report.write_atomic(target, results.read_bytes())
