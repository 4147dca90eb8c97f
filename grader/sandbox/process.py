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
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from grader.sandbox import cgroup, landlock, protocol

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
LANDLOCK = "landlock"
LIMITS_ONLY = "limits-only"
ISOLATION_CHOICES = ("auto", BUBBLEWRAP, LANDLOCK, LIMITS_ONLY)
ISOLATION_ENV = "BACKPROP_LAB_ISOLATION"  # the default of --isolation, where one is set


def default_isolation() -> str:
    """--isolation's default: $BACKPROP_LAB_ISOLATION if it names a level, else "auto"."""
    chosen = os.environ.get(ISOLATION_ENV, "auto")
    return chosen if chosen in ISOLATION_CHOICES else "auto"


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits for one worker and its calls."""

    call_timeout_s: float = 10.0
    memory_bytes: int = 4 * 2**30
    cpu_seconds: int = 600
    file_bytes: int = 64 * 2**20
    output_bytes: int = 8 * 2**10
    blas_threads: int = 1
    processes: int = 32  # processes (and threads) the worker may have at once
    startup_timeout_s: float = 60.0  # Python and numpy loading, before any call's clock


def blas_threads_per_worker(workers: int) -> int:
    """This machine's cores shared out among `workers` parallel workers, at least one each."""
    return max(1, (os.cpu_count() or 1) // workers)


class SandboxUnavailable(RuntimeError):
    """The isolation that was asked for cannot be had on this machine."""


def resolve_isolation(
    requested: str = "auto", *, notice: Callable[[str], None] | None = None
) -> str:
    """The isolation level to use: bubblewrap if asked or available, else limits-only
    (`notice` is told why, when bubblewrap was not asked for but is missing)."""
    if requested not in ISOLATION_CHOICES:
        raise ValueError(f"isolation must be one of {', '.join(ISOLATION_CHOICES)}")
    if requested == LIMITS_ONLY:
        return LIMITS_ONLY
    if requested == LANDLOCK:
        if landlock_problem() is not None:
            raise SandboxUnavailable(f"Landlock cannot be used: {landlock_problem()}")
        return LANDLOCK
    problem = bubblewrap_problem()
    if problem is None:
        return BUBBLEWRAP
    if requested == BUBBLEWRAP:
        raise SandboxUnavailable(f"bubblewrap cannot be used: {problem}")
    return fallback_isolation(problem, notice)


def fallback_isolation(problem: str, notice: Callable[[str], None] | None = None) -> str:
    """"auto" without a working bubblewrap (`problem` says why): Landlock where the kernel has
    it, else limits-only; `notice` is told which, and why."""
    if landlock_problem() is None:
        if notice is not None:
            notice(f"no bubblewrap ({problem}); grading under Landlock: files are confined")
        return LANDLOCK
    if notice is not None:
        notice(
            f"no sandbox: {problem}. Grading with resource limits only: your code can read and "
            "write your files. Nothing is wrong with your submission."
        )
    return LIMITS_ONLY


def bubblewrap_installed() -> bool:
    """Whether a `bwrap` is on PATH (whether it works here, only a start shows)."""
    return shutil.which("bwrap") is not None


def require_sandbox(requested: str, command: str) -> str:
    """For commands that grade other people's code (`grade batch`, `grade check`, the
    autograder): bubblewrap, or limits-only only when asked for by name; else
    SandboxUnavailable saying how to get bubblewrap."""
    if requested in (LIMITS_ONLY, LANDLOCK):
        return resolve_isolation(requested)
    problem = bubblewrap_problem()
    if problem is None:
        return BUBBLEWRAP
    raise SandboxUnavailable(
        f"{command} runs submissions only inside a sandbox, and bubblewrap cannot be used here: "
        f"{problem}. Install it ({HOW_TO_GET_BUBBLEWRAP}), or pass `--isolation landlock` (files "
        "confined, network and sockets not) or `--isolation limits-only` (no sandbox: a "
        "submission can read and write what this user can)."
    )


@functools.cache
def landlock_problem() -> str | None:
    """None if a worker can confine itself with Landlock here, else why not."""
    version = landlock.abi_version()
    if version < 1:
        return (
            "this kernel has no Landlock (Linux 5.13+ with CONFIG_SECURITY_LANDLOCK, lsm=landlock)"
        )
    with tempfile.TemporaryDirectory(prefix="backprop-lab-probe-") as root:
        layout = Layout.create(Path(root))
        read, write = landlock_paths(layout)
        code = (
            "from grader.sandbox import landlock; "
            f"landlock.restrict_self({read!r}, {write!r}); import numpy; "
            f"open({str(layout.work / 'ok')!r}, 'w').write('ok')"
        )
        try:
            result = subprocess.run(
                python_command(layout, code), capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"probe failed: {exc}"
    if result.returncode != 0:
        return f"probe failed: {result.stderr.decode(errors='replace').strip()[-300:]}"
    return None


def landlock_paths(layout: Layout) -> tuple[list[str], list[str]]:
    """(readable, writable) paths of a worker under Landlock: the same allow-list as bubblewrap."""
    read = [str(p) for p in (*visible_paths(), layout.runtime)]
    read += ["/dev", "/proc", "/sys/devices/system/cpu"]
    return read, [str(layout.work), "/dev/null"]


UNPRIVILEGED_ID = 65534  # nobody: the worker's user under limits-only when the grader is root


@functools.cache
def unprivileged_problem() -> str | None:
    """None if a worker can run as `nobody` here (the grader is root and every user can
    run its Python and read numpy), else why not."""
    if os.geteuid() != 0:
        return "the grader does not run as root"
    with tempfile.TemporaryDirectory(prefix="backprop-lab-probe-") as root:
        layout = Layout.create(Path(root))
        _share_with_worker(layout)
        probe = python_command(layout, "import numpy, msgpack, grader.sandbox.worker")
        try:
            result = subprocess.run(
                probe, capture_output=True, timeout=30, check=False, cwd=layout.work,
                user=UNPRIVILEGED_ID, group=UNPRIVILEGED_ID, extra_groups=[],
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            return f"cannot start a process as nobody: {exc}"
    if result.returncode != 0:
        return (
            f"the user nobody cannot run this Python ({os.path.realpath(sys.executable)}): "
            f"{result.stderr.decode(errors='replace').strip()[-200:]}"
        )
    return None


def _share_with_worker(layout: Layout) -> None:
    """Let `nobody` into the worker's folders: read the runtime, write the work folder."""
    layout.root.chmod(0o711)
    for folder, files in ((layout.runtime, 0o644), (layout.work, None)):
        for path in [folder, *folder.rglob("*")]:
            if files is None:
                os.chown(path, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
            else:
                path.chmod(0o755 if path.is_dir() else files)


def _unprivileged(isolation: str, layout: Layout) -> dict:
    """Popen arguments that run a limits-only worker as nobody when the grader is root."""
    if isolation != LIMITS_ONLY or os.geteuid() != 0 or unprivileged_problem() is not None:
        return {}
    _share_with_worker(layout)
    return {"user": UNPRIVILEGED_ID, "group": UNPRIVILEGED_ID, "extra_groups": []}


def counts_processes(isolation: str) -> bool:
    """Whether RLIMIT_NPROC bounds the worker alone: in bubblewrap's user namespace, or as
    nobody; not for an ordinary user's own processes (it would count their whole session)."""
    if isolation == BUBBLEWRAP:
        return True
    return os.geteuid() == 0 and unprivileged_problem() is None


def limits_note(isolation: str, limits: Limits) -> str:
    """Which resource limits applied, for the report's environment."""
    memory = f"address space {limits.memory_bytes // 2**20} MiB per process"
    processes = f"at most {limits.processes} processes (RLIMIT_NPROC"
    if isolation == BUBBLEWRAP:
        processes += " in the sandbox's own user namespace)"
    elif counts_processes(isolation):
        processes += " of the user nobody, whom the worker runs as)"
    elif os.geteuid() == 0:
        processes = f"no process limit (the worker runs as root: {unprivileged_problem()})"
    else:
        processes = "no process limit (RLIMIT_NPROC would count all of this user's processes)"
    if cgroup.available():
        return (
            f"cgroup: {limits.memory_bytes // 2**20} MiB of memory and {limits.processes} "
            f"processes for the whole submission; {memory}"
        )
    return f"{memory}; {processes}; no cgroup: memory is not counted across processes"


@functools.cache
def bubblewrap_problem() -> str | None:
    """None if bubblewrap runs a worker's Python here (with its allow-list), else why not."""
    if shutil.which("bwrap") is None:
        return f"`bwrap` is not installed ({HOW_TO_GET_BUBBLEWRAP})"
    with tempfile.TemporaryDirectory(prefix="backprop-lab-probe-") as root:
        layout = Layout.create(Path(root))
        probe = [*bubblewrap_prefix(layout), "--", *python_command(layout, "pass")]
        try:
            result = subprocess.run(probe, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"probe failed: {exc}"
    if result.returncode != 0:
        return f"probe failed: {result.stderr.decode(errors='replace').strip()[:300]}"
    return None


HOW_TO_GET_BUBBLEWRAP = (
    "Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap; "
    "in a container, allow user namespaces (e.g. docker run --security-opt seccomp=unconfined)"
)

#: The worker's own code: the only part of the grader a worker sees (a copy, never the package).
WORKER_MODULES = ("worker.py", "protocol.py", "probes.py", "landlock.py")
#: The packages a submission (and the worker) may import besides the standard library: numpy,
#: msgpack (the channel), matplotlib (the notebooks plot) and what matplotlib imports.
ALLOWED_PACKAGES = (
    "numpy", "msgpack", "matplotlib", "mpl_toolkits", "contourpy", "cycler", "fontTools",
    "kiwisolver", "pyparsing", "dateutil", "six", "packaging", "PIL",
)  # fmt: skip
#: Bundled shared libraries beside a package, where the folder is not named after it.
LIBRARY_FOLDERS = {"PIL": "pillow.libs"}


@dataclasses.dataclass(frozen=True)
class Layout:
    """A worker's folders: `work` (writable, its cwd and the submission) and `runtime`
    (read-only: a copy of the worker's own modules as a tiny `grader.sandbox` package)."""

    root: Path
    work: Path
    runtime: Path

    @classmethod
    def create(cls, root: Path) -> Layout:
        work, runtime = root / "work", root / "runtime"
        package = runtime / "grader" / "sandbox"
        package.mkdir(parents=True)
        work.mkdir()
        (runtime / "grader" / "__init__.py").write_text("")
        (package / "__init__.py").write_text("")
        here = Path(__file__).resolve().parent
        for name in WORKER_MODULES:
            shutil.copyfile(here / name, package / name)
        return cls(root, work, runtime)


def python_command(layout: Layout, code: str) -> list[str]:
    """The real interpreter, isolated (-I -S: no site, no environment, no cwd on sys.path),
    running `code` with only the runtime copy and the allowed packages' folders on sys.path."""
    paths = [str(layout.runtime), *dict.fromkeys(str(p.parent) for p in _package_dirs())]
    boot = f"import sys; sys.path[:0] = {paths!r}; {code}"
    return [os.path.realpath(sys.executable), "-I", "-S", "-B", "-c", boot]


@functools.cache
def _allowed_package_paths() -> tuple[Path, ...]:
    """The folders (or single files) of the allowed packages that are installed, and their
    bundled libraries (numpy.libs, pillow.libs)."""
    found: list[Path] = []
    for name in ALLOWED_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        if spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                folder = Path(location).resolve()
                libs = folder.with_name(LIBRARY_FOLDERS.get(name, f"{name}.libs"))
                found += [p for p in (folder, libs) if p.is_dir()]
        elif spec.origin and Path(spec.origin).is_file():
            found.append(Path(spec.origin).resolve())
    return tuple(dict.fromkeys(found))


def _package_dirs() -> list[Path]:
    return list(_allowed_package_paths())


def visible_paths() -> list[Path]:
    """Everything the worker may read (besides its own folders, /dev and /proc): the
    interpreter, its standard library and shared libraries, the allowed packages."""
    base = Path(sys.base_prefix).resolve()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    paths = [Path(os.path.realpath(sys.executable)), base / "lib" / version]
    libdir, soname = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")
    if libdir and soname and (Path(libdir) / soname).exists():
        paths.append((Path(libdir) / soname).resolve())
    paths += [Path(p) for p in SYSTEM_LIBRARIES]
    paths += _package_dirs()
    return [p for p in paths if p.exists()]


#: Shared libraries of the system (libc, libm, libstdc++, libz) and the loader's cache.
SYSTEM_LIBRARIES = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/etc/ld.so.cache")
#: Folders under the visible ones that hold other installed packages: hidden again.
SITE_FOLDERS = ("site-packages", "dist-packages")


def _hidden_site_folders(visible: list[Path]) -> list[Path]:
    """site-/dist-packages folders inside a visible folder (e.g. the stdlib's own)."""
    hidden = []
    for folder in (p for p in visible if p.is_dir()):
        for name in SITE_FOLDERS:
            hidden += [p for p in (folder / name, *folder.glob(f"python3*/{name}")) if p.is_dir()]
    return hidden


def bubblewrap_prefix(layout: Layout) -> list[str]:
    """The bwrap command line: an empty root with only the allow-list, read-only; the work
    folder writable; a private /tmp, /dev, /proc; no network, no other namespaces shared."""
    args = ["bwrap", "--tmpfs", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for link in ("/lib", "/lib64", "/lib32", "/bin"):
        target = os.readlink(link) if os.path.islink(link) else None
        if target is not None:
            args += ["--symlink", target, link]
        elif os.path.isdir(link) and link != "/bin":
            args += ["--ro-bind", link, link]
    visible = visible_paths()
    for path in visible:
        args += ["--ro-bind", str(path), str(path)]
    for path in _hidden_site_folders(visible):
        args += ["--tmpfs", str(path)]
    for path in _package_dirs():  # back on top of a hidden site folder they may live in
        args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", str(layout.runtime), str(layout.runtime)]
    args += ["--bind", str(layout.work), str(layout.work), "--chdir", str(layout.work)]
    args += ["--remount-ro", "/", "--unshare-all", "--die-with-parent", "--new-session"]
    args += ["--cap-drop", "ALL"]
    return args


#: Where secret files are (e.g. the signing key's current path). Under bubblewrap the allow-list
#: never holds them; Landlock and limits-only check that no visible path contains one.
SECRET_FILES: list[Callable[[], Path]] = []


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
    """One running worker: its process, its request and answer pipes, and an output pipe
    (the worker's stdout and stderr) that a thread drains into a capped buffer.

    The grader opens nothing by name in the worker's folder: every descriptor it uses is
    made here, before the worker starts, and closed on every path (start-up failures too).
    """

    def __init__(self, layout: Layout, package_dir: Path, limits: Limits, isolation: str) -> None:
        self.package_dir = package_dir
        self.isolation = isolation
        self.process: subprocess.Popen | None = None
        self.output = OutputPipe(limits.output_bytes)
        self.group = cgroup.Cgroup.create(limits.processes, limits.memory_bytes)
        fds: list[int] = []
        try:
            request_read, self.request_fd = _pipe(fds)
            self.answer_fd, answer_write = _pipe(fds)
            output_read, output_write = _pipe(fds)
            for fd in (self.request_fd, self.answer_fd):
                _enlarge_pipe(fd)
            arguments = [
                "--package-dir", str(package_dir),
                "--in-fd", str(request_read), "--out-fd", str(answer_write),
                "--memory-bytes", str(limits.memory_bytes),
                "--cpu-seconds", str(limits.cpu_seconds), "--file-bytes", str(limits.file_bytes),
                "--processes", str(limits.processes if counts_processes(isolation) else 0),
            ]  # fmt: skip
            if isolation == LANDLOCK:
                read, write = landlock_paths(layout)
                arguments += [f"--landlock-read={p}" for p in read]
                arguments += [f"--landlock-write={p}" for p in write]
            code = "from grader.sandbox.worker import main; main(sys.argv[1:])"
            command = [*python_command(layout, code), *arguments]
            if isolation == BUBBLEWRAP:
                command = [*bubblewrap_prefix(layout), "--", *command]
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=output_write, stderr=output_write,
                cwd=layout.work, env=worker_environment(layout.work, limits),
                pass_fds=(request_read, answer_write), start_new_session=True,
                **_unprivileged(isolation, layout),
            )  # fmt: skip
            for fd in (request_read, answer_write, output_write):
                fds.remove(fd)
                os.close(fd)
            os.set_blocking(self.request_fd, False)
            os.set_blocking(self.answer_fd, False)
            self.output.start(output_read)
            fds.remove(output_read)
            self.receiver = protocol.Receiver(self.answer_fd)
        except BaseException:
            for fd in fds:
                os.close(fd)
            if self.process is not None:
                self.kill()
            elif self.group is not None:
                self.group.remove()
            raise

    def wait_until_ready(self, timeout_s: float) -> None:
        """Wait for the worker's "ready" (Python and numpy loaded, limits applied): its start-up
        runs under its own limit, never on the clock of a student's call."""
        body = self.receiver.receive(time.monotonic() + timeout_s)
        if protocol.decode(body) != {"ok": "ready"}:
            raise protocol.ProtocolError("the worker did not start properly")
        if self.group is not None and self.process is not None:
            self.group.add_tree(self.process.pid)  # no student code has run yet

    def kill(self, grace_s: float = 0.0) -> None:
        """Kill the worker (after `grace_s` to exit by itself) and its process group."""
        assert self.process is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace_s)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.group is not None:
            self.group.kill_all()
        self.process.wait()
        _wait_for_exit(self.package_dir)
        if self.group is not None:
            self.group.remove()
        for name in ("request_fd", "answer_fd"):
            fd = getattr(self, name, None)
            if fd is not None:
                setattr(self, name, None)
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.output.stop()

    def exit_reason(self) -> str:
        """Why the worker ended, in words (after kill())."""
        code = None if self.process is None else self.process.returncode
        if self.isolation == BUBBLEWRAP and code is not None and code > 128:
            code = -(code - 128)  # bwrap reports a child killed by signal N as 128 + N
        if code is None:
            return "the worker stopped answering"
        if code >= 0:
            return f"the worker exited with status {code} (sys.exit or os._exit in the submission?)"
        return _SIGNAL_REASONS.get(-code, f"the worker was killed by {signal.Signals(-code).name}")


def _pipe(opened: list[int]) -> tuple[int, int]:
    """os.pipe(), remembering both ends in `opened` so a failed start can close them."""
    read, write = os.pipe()
    opened += [read, write]
    return read, write


class OutputPipe:
    """Drains the worker's stdout/stderr pipe in a thread; keeps at most `cap` bytes between
    two take() calls (the rest is counted and dropped), so a flood never blocks the worker."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._kept = bytearray()
        self._dropped = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, fd: int) -> None:
        self._thread = threading.Thread(target=self._drain, args=(fd,), daemon=True)
        self._thread.start()

    def _drain(self, fd: int) -> None:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        try:
            while True:
                if not poller.poll(50):
                    if self._stopping.is_set():
                        return  # no writer left that we wait for (a detached fork may hold it)
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return
                with self._lock:
                    room = max(self.cap - len(self._kept), 0)
                    self._kept += chunk[:room]
                    self._dropped += max(len(chunk) - room, 0)
        finally:
            os.close(fd)

    def take(self) -> bytes:
        """What was printed since the last take(), capped, with a note if some was dropped."""
        with self._lock:
            out = bytes(self._kept)
            if self._dropped:
                out += b"\n[... output truncated ...]\n"
            self._kept.clear()
            self._dropped = 0
        return out

    def stop(self) -> None:
        """Read what is left (the worker is dead) and close the pipe."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


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
