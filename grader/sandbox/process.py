"""How a worker process is started: under bubblewrap where it works, else with limits only.

`bubblewrap`: no network, a read-only view of the file system, a private /tmp (only the
scratch folder writable), private PID/IPC/UTS namespaces, all capabilities dropped, and the
reference solutions and bundled test data hidden. `limits-only`: the same resource limits
(address space, CPU seconds, file size) but the worker sees what the user sees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from grader.sandbox import protocol

try:  # POSIX only; platform_problem() turns their absence into one clear line
    import fcntl
    import resource
except ImportError:
    fcntl = resource = None  # type: ignore[assignment]


def platform_problem() -> str | None:
    """None if workers can run here (Linux, macOS), else one line saying what to do."""
    if fcntl is None or resource is None:
        return (
            f"this platform ({sys.platform}) cannot run the grader's workers: use Linux or "
            "macOS; on Windows, run grade inside WSL (https://learn.microsoft.com/windows/wsl/)"
        )
    return None

BUBBLEWRAP = "bubblewrap"
LIMITS_ONLY = "limits-only"
ISOLATION_CHOICES = ("auto", BUBBLEWRAP, LIMITS_ONLY)


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits for one worker and its calls."""

    call_timeout_s: float = 10.0
    memory_bytes: int = 4 * 2**30
    cpu_seconds: int = 600
    file_bytes: int = 64 * 2**20
    output_bytes: int = 8 * 2**10
    blas_threads: int = 1


def blas_threads_per_worker(workers: int) -> int:
    """This machine's cores shared out among `workers` parallel workers, at least one each."""
    return max(1, (os.cpu_count() or 1) // workers)


class SandboxUnavailable(RuntimeError):
    """The isolation that was asked for cannot be had on this machine."""


def resolve_isolation(requested: str = "auto") -> str:
    """The isolation level to use: bubblewrap if asked or available, else limits-only."""
    if requested not in ISOLATION_CHOICES:
        raise ValueError(f"isolation must be one of {', '.join(ISOLATION_CHOICES)}")
    if requested == LIMITS_ONLY:
        return LIMITS_ONLY
    problem = bubblewrap_problem()
    if problem is None:
        return BUBBLEWRAP
    if requested == BUBBLEWRAP:
        raise SandboxUnavailable(f"bubblewrap cannot be used: {problem}")
    return LIMITS_ONLY


@functools.cache
def bubblewrap_problem() -> str | None:
    """None if bubblewrap runs here, else why not."""
    if shutil.which("bwrap") is None:
        return "`bwrap` is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    probe = [*bubblewrap_prefix(Path("/")), "--", "/bin/true"]
    try:
        result = subprocess.run(probe, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"probe failed: {exc}"
    if result.returncode != 0:
        return f"probe failed: {result.stderr.decode(errors='replace').strip()[:200]}"
    return None


def bubblewrap_prefix(scratch: Path) -> list[str]:
    """The bwrap command line that wraps a worker whose only writable folder is `scratch`."""
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--tmpfs", "/tmp"]
    for path in _needed_under_tmp():
        args += ["--ro-bind", str(path), str(path)]
    for path in _hidden_paths():
        args += ["--tmpfs", str(path)]
    for path in _hidden_files():
        args += ["--ro-bind", "/dev/null", str(path)]
    if scratch != Path("/"):
        args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch)]
    args += ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    return args


def _needed_under_tmp() -> list[Path]:
    """Folders the worker's Python needs that a private /tmp would hide (e.g. a venv in /tmp)."""
    tmp = Path("/tmp").resolve()
    roots = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *sys.path) if p}
    roots.add(Path(__file__).resolve().parents[2])
    inside = sorted(p for p in roots if p.is_dir() and tmp in p.parents)
    return [p for p in inside if not any(q in p.parents for q in inside)]


#: Where secret files are, asked anew for every worker (e.g. the signing key's current path).
SECRET_FILES: list[Callable[[], Path]] = []


def _hidden_files() -> list[Path]:
    """Single files a submission must not read (/tmp is private anyway)."""
    files = [where().resolve() for where in SECRET_FILES]
    return [f for f in files if f.is_file() and not f.is_relative_to(Path("/tmp").resolve())]


def _hidden_paths() -> list[Path]:
    """What a submission must not read: the reference solutions and the bundled test data."""
    hidden = [Path(__file__).resolve().parents[1] / "data"]
    spec = importlib.util.find_spec("solutions")
    if spec is not None and spec.submodule_search_locations:
        hidden += [Path(p).resolve() for p in spec.submodule_search_locations]
    return [p for p in hidden if p.is_dir()]


def worker_environment(scratch: Path, limits: Limits) -> dict[str, str]:
    """A clean environment: nothing of the grader's leaks into the worker."""
    threads = str(limits.blas_threads)
    return {
        "PATH": os.defpath,
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONSAFEPATH": "1",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": threads,
        "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
    }


def _wait_for_exit(package_dir: Path, timeout_s: float = 2.0) -> None:
    """Wait until no live process runs this worker's command line (forks included).

    Under bubblewrap the worker and its forks die when the sandbox's PID namespace goes, a moment
    after bwrap itself: SIGKILL is delivered asynchronously. Zombies do not count; without /proc
    (not Linux) there is nothing to wait for.
    """
    marker = str(package_dir).encode()
    deadline = time.monotonic() + timeout_s
    while _live_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.005)


def _live_processes_with(marker: bytes) -> bool:
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc / "cmdline").read_bytes():
                state = (proc / "stat").read_bytes().rpartition(b")")[2].split()[0]
                if state != b"Z":
                    return True
        except (OSError, IndexError):
            continue  # it ended while we looked
    return False


class WorkerProcess:
    """One running worker: its process, its two pipes and its captured output files."""

    def __init__(self, scratch: Path, package_dir: Path, limits: Limits, isolation: str) -> None:
        self.package_dir = package_dir
        request_read, self.request_fd = os.pipe()
        self.answer_fd, answer_write = os.pipe()
        for fd in (self.request_fd, self.answer_fd):
            _enlarge_pipe(fd)
        command = [
            sys.executable, "-s", "-m", "grader.sandbox.worker", "--package-dir", str(package_dir),
            "--in-fd", str(request_read), "--out-fd", str(answer_write),
            "--memory-bytes", str(limits.memory_bytes), "--cpu-seconds", str(limits.cpu_seconds),
            "--file-bytes", str(limits.file_bytes),
        ]  # fmt: skip
        if isolation == BUBBLEWRAP:
            command = [*bubblewrap_prefix(scratch), "--", *command]
        self.stdout_path, self.stderr_path = scratch / ".stdout", scratch / ".stderr"
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=scratch,
                env=worker_environment(scratch, limits), pass_fds=(request_read, answer_write),
                start_new_session=True,
            )  # fmt: skip
        os.close(request_read)
        os.close(answer_write)
        os.set_blocking(self.request_fd, False)
        os.set_blocking(self.answer_fd, False)
        self.isolation = isolation
        self.receiver = protocol.Receiver(self.answer_fd)

    def kill(self, grace_s: float = 0.0) -> None:
        """Kill the worker (after `grace_s` to exit by itself) and its process group."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace_s)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        _wait_for_exit(self.package_dir)
        for fd in (self.request_fd, self.answer_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def exit_reason(self) -> str:
        """Why the worker ended, in words (after kill())."""
        code = self.process.returncode
        if self.isolation == BUBBLEWRAP and code is not None and code > 128:
            code = -(code - 128)  # bwrap reports a child killed by signal N as 128 + N
        if code is None:
            return "the worker stopped answering"
        if code >= 0:
            return f"the worker exited with status {code} (sys.exit or os._exit in the submission?)"
        return _SIGNAL_REASONS.get(-code, f"the worker was killed by {signal.Signals(-code).name}")


def _enlarge_pipe(fd: int, size: int = 2**20) -> None:
    """A 1 MiB pipe buffer (Linux): a 100x784 array crosses in one write, not five."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)


_SIGNAL_REASONS = {
    signal.SIGSEGV: "the worker crashed with a segmentation fault (SIGSEGV)",
    signal.SIGXFSZ: "the worker wrote more output or file data than the file size limit allows",
    signal.SIGXCPU: "the worker used up its CPU time limit",
    signal.SIGKILL: "the worker was killed (SIGKILL), e.g. for running past its time limit",
    signal.SIGABRT: "the worker aborted (SIGABRT)",
}
