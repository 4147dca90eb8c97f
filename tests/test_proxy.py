"""The trust boundary: calls, handles, failures and isolation, at every isolation level."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import process as sandbox
from grader.sandbox.process import Limits
from grader.sandbox.proxy import (
    RemoteObject,
    StudentError,
    WorkerCrashed,
    WorkerTimeout,
)
from grader.submissions import UnusableSubmission
from grader.submissions.sources import open_submission
from tests.conftest import REPO, needs_bubblewrap

MODULE = """
import os, sys, time
import numpy as np

print("imported")

def double(x):
    return 2 * np.asarray(x)

class Box:
    def __init__(self, value):
        self.value = value
    def get(self):
        return self.value

def increment_all(params):
    for key in params:
        params[key] += 1

def fail():
    raise ValueError("wrong thing")

def loop():
    while True:
        pass

def exit_now():
    os._exit(7)

def segfault():
    import ctypes
    ctypes.string_at(0)

def huge():
    return np.ones(2**40, dtype=np.uint8)

def shout(n):
    sys.stdout.write("x" * n)
    return n

def object_array():
    return np.array([object()])

def write(path):
    with open(path, "w") as stream:
        stream.write("forged")

def connect(port):
    with socket_module().create_connection(("127.0.0.1", port), timeout=2):
        return "connected"

def socket_module():
    import socket
    return socket

def import_reference():
    import solutions
    return solutions.__name__
"""


@pytest.fixture
def sub(make_submission, isolation):
    limits = Limits(call_timeout_s=3, memory_bytes=2 * 2**30, output_bytes=1000)
    with open_submission(make_submission({"tools": MODULE}), limits, isolation) as submission:
        yield submission


def test_values_cross_and_objects_stay_behind_handles(sub):
    assert np.array_equal(sub.tools.double(np.arange(3)), [0, 2, 4])
    box = sub.tools.Box([1, 2])
    assert isinstance(box, RemoteObject)
    assert box.get() == [1, 2]
    assert box.value == [1, 2]


def test_put_ref_and_fetch_give_in_place_access(sub):
    params = sub.put({"w": np.zeros(2)})
    sub.tools.increment_all(params)
    assert np.array_equal(sub.fetch(params)["w"], [1.0, 1.0])
    weights = sub.ref_item(params, "w")
    weights[0] = 5.0
    assert np.array_equal(sub.fetch(params)["w"], [5.0, 1.0])
    box = sub.tools.Box(np.zeros(2))
    sub.ref(box, "value")[1] = 3.0
    assert np.array_equal(box.value, [0.0, 3.0])


def test_an_exception_in_student_code_is_a_student_error(sub):
    with pytest.raises(StudentError, match="ValueError: wrong thing") as info:
        sub.tools.fail()
    assert "tools.py" in info.value.traceback
    assert "grader" not in info.value.traceback


def test_a_hang_times_out_and_the_next_call_gets_a_fresh_worker(sub):
    with pytest.raises(WorkerTimeout), sub.time_limit(0.5):
        sub.tools.loop()
    assert sub.tools.double(1) == 2
    assert sub.restarts == 1


@pytest.mark.parametrize(
    ("function", "reason"),
    [("exit_now", "status 7"), ("segfault", "segmentation fault")],
)
def test_a_dying_worker_is_a_crash_with_its_reason(sub, function, reason):
    with pytest.raises(WorkerCrashed, match=reason):
        getattr(sub.tools, function)()
    assert sub.tools.double(2) == 4


def test_a_memory_bomb_hits_the_limit_not_the_machine(sub):
    with pytest.raises((StudentError, WorkerCrashed), match=r"MemoryError|killed"):
        sub.tools.huge()


def test_student_output_is_captured_and_capped(sub):
    assert sub.tools.shout(10) == 10
    assert "imported" in sub.take_output()
    sub.tools.shout(100_000)
    output = sub.take_output()
    assert len(output) < 1100 and "truncated" in output


def test_objects_of_unsafe_dtype_stay_in_the_worker(sub):
    assert isinstance(sub.tools.object_array(), RemoteObject)


def test_an_object_from_a_dead_worker_cannot_be_used(sub):
    box = sub.tools.Box(1)
    with pytest.raises(WorkerCrashed):
        sub.tools.exit_now()
    with pytest.raises(WorkerCrashed, match="lost when the worker restarted"):
        box.get()


def test_a_missing_module_and_a_broken_one_fail_clearly(make_submission, isolation):
    folder = make_submission({"tools": "def broken(:\n    pass\n"})
    with open_submission(folder, isolation=isolation) as submission:
        with pytest.raises(StudentError, match=r"importing tools.py failed: tools.py, line 1"):
            submission.tools  # noqa: B018
        with pytest.raises(StudentError, match=r"gates.py is not in the submission"):
            submission.gates  # noqa: B018


def test_a_folder_without_python_files_is_unusable(tmp_path):
    with pytest.raises(UnusableSubmission, match="no Python files"):
        open_submission(tmp_path)
    with pytest.raises(UnusableSubmission, match="no such file or folder"):
        open_submission(tmp_path / "missing")


def test_the_worker_gets_a_clean_environment(make_submission, isolation, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    folder = make_submission(
        {"env": "import os\ndef get(name):\n    return os.environ.get(name)\n"}
    )
    with open_submission(folder, isolation=isolation) as submission:
        assert submission.env.get("SECRET_TOKEN") is None
        assert submission.env.get("OPENBLAS_NUM_THREADS") == "1"


@pytest.fixture
def listening_port():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(5)
    thread = threading.Thread(target=lambda: _accept_once(server), daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()


def _accept_once(server: socket.socket) -> None:
    try:
        connection, _ = server.accept()
        connection.close()
    except OSError:
        pass


@pytest.mark.parametrize("_", [pytest.param(0, marks=needs_bubblewrap)])
def test_bubblewrap_cuts_network_files_and_the_reference(
    _, make_submission, tmp_path, listening_port
):
    outside = tmp_path / "outside.txt"
    with open_submission(make_submission({"tools": MODULE}), isolation=sandbox.BUBBLEWRAP) as sub:
        with pytest.raises(StudentError, match=r"OSError|PermissionError|FileNotFoundError"):
            sub.tools.write(str(outside))
        with pytest.raises(StudentError, match=r"OSError|ConnectionRefused|unreachable"):
            sub.tools.connect(listening_port)
        with pytest.raises(StudentError, match=r"ModuleNotFoundError|ImportError|AttributeError"):
            sub.tools.import_reference()
    assert not outside.exists()


def test_limits_only_is_reported_as_such(make_submission):
    with open_submission(make_submission({"tools": MODULE}), isolation="limits-only") as sub:
        assert sub.isolation == sandbox.LIMITS_ONLY
        assert sub.tools.double(1) == 2


def test_scratch_folder_is_removed_on_close(make_submission, isolation):
    submission = open_submission(make_submission({"tools": MODULE}), isolation=isolation)
    submission.tools.double(1)
    scratch = Path(submission.scratch)
    submission.close()
    assert not scratch.exists()


def test_after_one_import_hangs_its_importers_fail_at_once_and_others_get_a_short_limit(
    make_submission, monkeypatch
):
    import grader.sandbox.proxy

    monkeypatch.setattr(grader.sandbox.proxy, "IMPORT_AFTER_HANG_S", 0.5)
    loop = "while True:\n    pass\n"
    folder = make_submission({"a": loop, "b": "from . import a\n", "c": loop})
    with open_submission(folder, limits=Limits(call_timeout_s=2.0), isolation="limits-only") as sub:
        with pytest.raises(WorkerTimeout, match=r"time limit of 2 s"):
            sub.module("a")
        assert sub.restarts == 1
        with pytest.raises(StudentError, match=r"a\.py did not finish importing within 2 s"):
            sub.module("b")  # imports a: refused in the worker, not waited on again
        assert sub.restarts == 1  # b cost no second time-out
        with pytest.raises(WorkerTimeout, match=r"time limit of 0\.5 s"):
            sub.module("c")  # a loop of its own: the short limit after a hang
        with pytest.raises(WorkerTimeout, match=r"importing a\.py"):
            sub.module("a")  # remembered, not retried


LOOKER = """
import os, socket

def exists(path):
    return os.path.exists(path)

def listing(path):
    return sorted(os.listdir(path))

def read(path):
    with open(path, "rb") as stream:
        return stream.read(100)

def can_import(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False

def unix_connect(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(path)
        return "connected"
"""


@pytest.mark.parametrize("_", [pytest.param(0, marks=needs_bubblewrap)])
def test_bubblewrap_shows_only_the_allow_list(_, make_submission, tmp_path, monkeypatch):
    key = tmp_path / "keys" / "course.key"  # a key passed as --key FILE, anywhere
    key.parent.mkdir()
    key.write_bytes(b"secret")
    monkeypatch.setattr(sandbox, "SECRET_FILES", [lambda: key])
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(tmp_path / "service.sock"))
    server.listen(1)
    hidden = [REPO / ".git", REPO / "solutions", REPO / "grader", REPO / "pyproject.toml", key,
              tmp_path, Path("/run"), Path("/var/run")]  # fmt: skip
    visible = sandbox.visible_paths()
    with open_submission(make_submission({"look": LOOKER}), isolation=sandbox.BUBBLEWRAP) as sub:
        assert [p for p in hidden if sub.look.exists(str(p))] == []
        # home (an interpreter installed there) and the checkout (a virtualenv inside it, as in
        # CI) may exist only as the way to what the allow-list shows, nothing beside it
        for folder in (Path.home(), REPO):
            on_the_way = {p.relative_to(folder).parts[0] for p in visible if folder in p.parents}
            if sub.look.exists(str(folder)):
                assert set(sub.look.listing(str(folder))) <= on_the_way
        assert not sub.look.can_import("grader.suites")
        assert not sub.look.can_import("solutions")
        assert sub.look.can_import("numpy")
        with pytest.raises(StudentError, match=r"FileNotFoundError|ConnectionRefused"):
            sub.look.unix_connect(str(tmp_path / "service.sock"))
        assert sub.look.listing("/tmp") != []  # its own private /tmp: only bound folders
    server.close()


def test_symlinked_and_special_sources_are_refused_and_named(tmp_path, isolation):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "tools.py").write_text("def one():\n    return 1\n")
    secret = tmp_path / "signing.key"
    secret.write_text("KEY = 'secret'\n")
    (folder / "activations.py").symlink_to(REPO / "solutions" / "activations.py")
    (folder / "leak.py").symlink_to(secret)
    (folder / "a").symlink_to(".")
    (folder / "mem.py").symlink_to("/proc/self/mem")
    os.mkfifo(folder / "fifo.py")
    with open_submission(folder, isolation=isolation) as sub:
        assert sub.tools.one() == 1
        with pytest.raises(StudentError, match=r"activations\.py is not in the submission"):
            sub.module("activations")
        problems = "\n".join(sub.problems)
    for name in ("activations.py", "leak.py", "mem.py"):
        assert f"{name}: a symbolic link, not followed" in problems
    assert "fifo.py: not a regular file" in problems


def test_start_up_never_counts_against_the_first_call(make_submission, monkeypatch, isolation):
    slow_start = sandbox.WorkerProcess.wait_until_ready

    def slower(self, timeout_s):
        slow_start(self, timeout_s)
        time.sleep(3)  # a slow machine: start-up takes longer than the call limit

    monkeypatch.setattr(sandbox.WorkerProcess, "wait_until_ready", slower)
    limits = Limits(call_timeout_s=2)
    with open_submission(make_submission({"tools": MODULE}), limits, isolation) as sub:
        assert sub.tools.double(1) == 2


def test_a_function_that_hung_fails_at_once_afterwards(sub):
    with pytest.raises(WorkerTimeout, match=r"tools\.loop did not return within"):
        sub.tools.loop()
    restarts = sub.restarts
    with pytest.raises(WorkerTimeout, match=r"tools\.loop did not return within 3 s earlier"):
        sub.tools.loop()
    assert sub.restarts == restarts  # refused in the grader: no worker was asked or replaced
    assert sub.tools.double(2) == 4


def test_every_call_ends_by_the_test_and_budget_deadlines(sub):
    sub.start_test(0.0)
    with pytest.raises(WorkerTimeout, match="this test's time limit is used up"):
        sub.tools.double(1)
    sub.start_test(None)
    sub.set_budget(0.0)
    with pytest.raises(WorkerTimeout, match="time budget is used up"):
        sub.tools.double(1)


def test_a_failed_start_leaks_no_descriptor(make_submission, monkeypatch):
    before = len(os.listdir("/proc/self/fd"))

    def broken(*args, **kwargs):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(sandbox.subprocess, "Popen", broken)
    with open_submission(make_submission({"tools": MODULE}), isolation="limits-only") as sub:
        for _ in range(5):
            with pytest.raises(OSError):
                sub.tools.double(1)
    assert len(os.listdir("/proc/self/fd")) == before


def test_batch_and_check_refuse_without_a_sandbox(monkeypatch):
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "`bwrap` is not installed")
    monkeypatch.setattr(sandbox, "landlock_problem", lambda: "no Landlock")
    with pytest.raises(sandbox.SandboxUnavailable, match=r"apt-get install bubblewrap"):
        sandbox.require_sandbox("auto", "grade batch")
    assert sandbox.require_sandbox("limits-only", "grade batch") == sandbox.LIMITS_ONLY
    told = []
    assert sandbox.resolve_isolation("auto", notice=told.append) == sandbox.LIMITS_ONLY
    assert "no sandbox" in told[0]
    monkeypatch.setattr(sandbox, "landlock_problem", lambda: None)
    assert sandbox.resolve_isolation("auto", notice=told.append) == sandbox.LANDLOCK
    with pytest.raises(sandbox.SandboxUnavailable):  # batch and check: bubblewrap, or ask
        sandbox.require_sandbox("auto", "grade check")
    assert sandbox.require_sandbox("landlock", "grade check") == sandbox.LANDLOCK


#: a stand-in for a bwrap that cannot start here (e.g. no user namespaces): it fails at once
FAILING_BWRAP = [sys.executable, "-c", "import sys; sys.exit('bwrap: simulated failure')"]


def test_auto_falls_back_when_the_first_bubblewrap_worker_cannot_start(
    monkeypatch, make_submission
):
    """"auto" with a bwrap on PATH starts the worker under it without a separate probe; a bwrap
    that cannot start is probed then, and grading falls back, says why,
    and keeps bwrap's complaint out of the student's output."""
    monkeypatch.setattr(sandbox, "bubblewrap_installed", lambda: True)
    monkeypatch.setattr(sandbox, "bubblewrap_prefix", lambda layout: FAILING_BWRAP)
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: "probe failed: simulated")
    told: list[str] = []
    with open_submission(make_submission({"tools": MODULE}), isolation="auto") as sub:
        sub._notice = told.append
        assert sub.isolation == sandbox.BUBBLEWRAP  # not proven yet
        assert sub.tools.double(21) == 42
        assert sub.isolation in (sandbox.LANDLOCK, sandbox.LIMITS_ONLY)
        assert sub.restarts == 0
        assert "simulated" not in sub.take_output()
    assert len(told) == 1 and "probe failed: simulated" in told[0]


def test_auto_keeps_bubblewrap_when_the_worker_fails_for_its_own_reason(
    monkeypatch, make_submission
):
    """A first worker that does not start while bubblewrap works is a crash, not a fallback."""
    monkeypatch.setattr(sandbox, "bubblewrap_installed", lambda: True)
    monkeypatch.setattr(sandbox, "bubblewrap_prefix", lambda layout: FAILING_BWRAP)
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda: None)
    with open_submission(make_submission({"tools": MODULE}), isolation="auto") as sub:
        with pytest.raises(WorkerCrashed, match="did not start"):
            sub.tools.double(21)
        assert sub.isolation == sandbox.BUBBLEWRAP


@pytest.mark.skipif(sandbox.landlock_problem() is not None, reason="needs Landlock")
def test_landlock_confines_reads_and_writes(make_submission, tmp_path):
    outside = tmp_path / "outside.txt"
    folder = make_submission({"look": LOOKER, "tools": MODULE})
    with open_submission(folder, isolation=sandbox.LANDLOCK) as sub:
        with pytest.raises(StudentError, match="PermissionError"):
            sub.look.read(str(REPO / "solutions" / "activations.py"))
        with pytest.raises(StudentError, match="PermissionError"):
            sub.look.read(str(REPO / "pyproject.toml"))
        with pytest.raises(StudentError, match="PermissionError"):
            sub.tools.write(str(outside))
        assert not sub.look.can_import("solutions")
        sub.tools.write("mine.txt")  # its own folder stays writable
    assert not outside.exists()


def test_the_report_says_which_resource_limits_applied(sub):
    assert "processes" in sub.resource_limits and "MiB" in sub.resource_limits


def test_without_bwrap_on_path_bubblewrap_tests_skip_with_the_reason(tmp_path):
    """Issue 12.9: a machine without bwrap passes, skipping what needs it (unless required)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        for tool in Path(folder).glob("*") if Path(folder).is_dir() else []:
            if tool.name != "bwrap" and not (bin_dir / tool.name).exists():
                (bin_dir / tool.name).symlink_to(tool)
    env = {**os.environ, "PATH": str(bin_dir)}
    env.pop("BACKPROP_LAB_REQUIRE_BWRAP", None)
    selected = ["tests/test_proxy.py", "-k", "bubblewrap and not without_bwrap", "-p",
                "no:randomly", "-p", "no:cacheprovider", "-rs", "-q"]  # fmt: skip
    run = subprocess.run([sys.executable, "-m", "pytest", *selected], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    assert "passed" not in run.stdout.splitlines()[-1] or "skipped" in run.stdout
    assert "needs bubblewrap: `bwrap` is not installed" in run.stdout
    env["BACKPROP_LAB_REQUIRE_BWRAP"] = "1"
    run = subprocess.run([sys.executable, "-m", "pytest", *selected], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 1, run.stdout[-2000:]


@pytest.mark.skipif(
    os.geteuid() != 0 or sandbox.unprivileged_problem() is not None,
    reason=f"needs root and a Python that nobody can run: {sandbox.unprivileged_problem()}",
)
def test_limits_only_as_root_runs_the_worker_as_nobody(make_submission):
    folder = make_submission({"who": "import os\ndef uid():\n    return os.getuid()\n"})
    with open_submission(folder, isolation=sandbox.LIMITS_ONLY) as sub:
        assert sub.who.uid() == sandbox.UNPRIVILEGED_ID
