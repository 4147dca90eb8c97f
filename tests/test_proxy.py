"""The trust boundary: calls, handles, failures and isolation, at every isolation level."""

from __future__ import annotations

import socket
import threading
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


def test_bubblewrap_cuts_network_files_and_the_reference(make_submission, tmp_path, listening_port):
    if sandbox.bubblewrap_problem() is not None:
        pytest.fail(f"bubblewrap is required for this test: {sandbox.bubblewrap_problem()}")
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


def test_after_one_import_hangs_the_others_get_a_short_limit(make_submission, monkeypatch):
    import grader.sandbox.proxy

    monkeypatch.setattr(grader.sandbox.proxy, "IMPORT_AFTER_HANG_S", 0.5)
    folder = make_submission({"a": "while True:\n    pass\n", "b": "from . import a\n"})
    with open_submission(folder, limits=Limits(call_timeout_s=2.0), isolation="limits-only") as sub:
        with pytest.raises(WorkerTimeout, match=r"time limit of 2 s"):
            sub.module("a")
        with pytest.raises(WorkerTimeout, match=r"time limit of 0\.5 s"):
            sub.module("b")
        with pytest.raises(WorkerTimeout, match=r"importing a\.py"):
            sub.module("a")  # remembered, not retried
