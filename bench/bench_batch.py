"""Batch throughput: submissions per minute for a class of 40 in every layout, at -j 1 and -j 2.

python bench/bench_batch.py [--count 40] [--jobs 1 2] [--unit U ...]

The class cycles through every layout an instructor meets: full solutions, half-done work
(the first units solved, the rest stubs), stubs only, a buggy one (a mutant from the catalog),
notebooks, a zip made on a Mac desktop (a top folder and __MACOSX/), Korean names, a hang at
import, an empty folder, a nested folder (nick/hw1/*.py), a Moodle folder holding the student's
zip, a zip of the whole course folder (exercises/ plus notebooks/), and a syntax error.
Every unit is graded, MNIST included, with a per-call limit of 10 s (--unit narrows it).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UNITS = ["gates", "activations", "losses", "layers", "gradcheck", "mlp", "optim", "train"]
KOREAN = ["김민수", "이영희", "박지훈", "최수진", "정다은"]
KINDS = ["full", "half", "stubs", "buggy", "notebooks", "desktop_zip", "korean", "hang", "empty",
         "nested", "moodle_zip", "course_zip", "syntax"]  # fmt: skip


def copy_of(package: str, folder: Path) -> Path:
    shutil.copytree(REPO / package, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def zip_folder(folder: Path, archive: Path, prefix: str, macos: bool = False) -> None:
    """`folder` zipped under `prefix`/ (with the __MACOSX/ junk a Mac desktop adds)."""
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = f"{prefix}{path.relative_to(folder)}"
                bundle.write(path, name)
                if macos:
                    bundle.writestr(f"__MACOSX/{Path(name).parent}/._{path.name}", b"\0\5\26\7")


def make_one(kind: str, index: int, root: Path, scratch: Path) -> None:
    """Write student `index` of layout `kind` into the class folder `root`."""
    name = f"{kind}{index:03d}"
    work = scratch / name
    if kind in ("full", "hang", "korean"):
        target = root / (f"{KOREAN[index % len(KOREAN)]}{index:03d}" if kind == "korean" else name)
        copy_of("solutions", target)
        if kind == "hang":  # loops at import: one call times out, then the unit is written off
            with open(target / "activations.py", "a") as module:
                module.write("\n\nwhile True:\n    pass\n")
    elif kind in ("half", "stubs", "syntax"):
        target = copy_of("exercises", root / name)
        if kind == "half":
            for unit in UNITS[:4]:
                shutil.copy(REPO / "solutions" / f"{unit}.py", target / f"{unit}.py")
        elif kind == "syntax":
            (target / "gates.py").write_text("def perceptron(x, w, b:\n")
    elif kind == "buggy":
        sys.path.insert(0, str(REPO))
        from grader.submissions.patches import apply_patch, load_patch

        mutants = sorted((REPO / "tests" / "mutants").glob("*/*.py"))
        apply_patch(load_patch(mutants[index % len(mutants)]), REPO / "solutions", root / name)
    elif kind == "notebooks":
        from grader.course.make_notebooks import write_all

        write_all(root / name, "solutions")
    elif kind == "desktop_zip":
        zip_folder(copy_of("solutions", work), root / f"{name}.zip", "Homework 1/", macos=True)
    elif kind == "empty":
        (root / name).mkdir()
    elif kind == "nested":
        copy_of("solutions", root / name / "hw1")
        (root / name / "hw1" / "__init__.py").unlink()
    elif kind == "moodle_zip":
        (root / f"{name}_4711_assignsubmission_file").mkdir()
        zip_folder(copy_of("solutions", work), root / f"{name}_4711_assignsubmission_file" /
                   "hw1.zip", "")  # fmt: skip
    elif kind == "course_zip":
        course = scratch / f"{name}-course"
        copy_of("solutions", course / "exercises")
        from grader.course.make_notebooks import write_all

        write_all(course / "notebooks", "exercises")
        zip_folder(course, root / f"{name}.zip", "backprop-lab/", macos=True)


def make_class(root: Path, count: int, scratch: Path) -> dict[str, int]:
    """`count` submissions cycling through KINDS; returns how many of each."""
    kinds = dict.fromkeys(KINDS, 0)
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        kinds[kind] += 1
        make_one(kind, index, root, scratch)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only-blas", action="store_true", help="only the BLAS-pinning comparison")
    parser.add_argument("--no-blas", action="store_true", help="skip the BLAS-pinning comparison")
    parser.add_argument("--unit", action="append", default=[], help="grade only these units")
    args = parser.parse_args()
    print("$ python " + shlex.join(sys.argv))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "class"
        root.mkdir()
        (Path(scratch) / "work").mkdir()
        kinds = make_class(root, args.count, Path(scratch) / "work")
        print(f"{args.count} submissions: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
        units = [arg for unit in args.unit for arg in ("--unit", unit)]
        rates = {}
        for jobs in [] if args.only_blas else args.jobs:
            out = Path(scratch) / f"out-j{jobs}"
            command = ["grade", "batch", str(root), "--out", str(out), "-j", str(jobs),
                       "--timeout", "10", "--key", str(Path(scratch) / "key"), *units]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            seconds = time.perf_counter() - start
            rates[jobs] = args.count / seconds * 60
            print(f"-j {jobs}: {seconds:7.1f} s  {rates[jobs]:6.1f} submissions/minute")
            check_outputs(out, args.count)
            where_the_time_goes(out, seconds, jobs)
        if 1 in rates and len(rates) > 1:
            best = max(rates)
            print(f"speed-up -j {best} vs -j 1: {rates[best] / rates[1]:.2f}x")
        if not args.no_blas:
            blas_effect(root, scratch)


def check_outputs(out: Path, count: int) -> None:
    """Every student has a row in the gradebook; the errored ones are the expected kinds."""
    import csv

    with open(out / "gradebook.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    errored = sorted(row["student"] for row in rows if row["status"] != "graded")
    print(f"    {len(rows)} of {count} in the gradebook; errored: {', '.join(errored) or 'none'}")
    if len(rows) != count:
        raise SystemExit("a student is missing from the gradebook")


def where_the_time_goes(out: Path, wall_s: float, jobs: int) -> None:
    """Grading seconds per kind of entry (the reports' duration_s) and what the batch spent
    around them (slots x wall - grading: start-up, reading and writing reports, the plots)."""
    from grader.grading.signing import load_yaml

    by_kind: dict[str, list[float]] = {}
    for path in (out / "reports").glob("*.yaml"):
        data = load_yaml(path.read_text())
        kind = next((k for k in KINDS if str(data.get("student", "")).startswith(k)), "korean")
        by_kind.setdefault(kind, []).append(float(data.get("duration_s", 0.0)))
    grading = sum(sum(times) for times in by_kind.values())
    parts = ", ".join(f"{k} {sum(t) / len(t):.1f}" for k, t in sorted(by_kind.items()))
    print(f"    grading {grading:.1f} s in all (s each: {parts}); "
          f"around it {jobs * wall_s - grading:.1f} slot-seconds")  # fmt: skip


def blas_effect(root: Path, scratch: str) -> None:
    """The full submissions' train unit at -j 2: BLAS pinned (1 thread each) vs. 2 threads each."""
    full = Path(scratch) / "full-only"
    full.mkdir()
    for folder in sorted(root.glob("full*")):
        shutil.copytree(folder, full / folder.name)
    for threads in (1, 2):
        out = Path(scratch) / f"out-blas{threads}"
        command = ["grade", "batch", str(full), "--out", str(out), "-j", "2", "--unit", "train",
                   "--blas-threads", str(threads)]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        label = "pinned, 1 BLAS thread per worker" if threads == 1 else "2 BLAS threads per worker"
        print(f"train unit of the full submissions, -j 2, {label}: {seconds:6.1f} s")


if __name__ == "__main__":
    main()
