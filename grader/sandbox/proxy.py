"""The trusted side of the boundary: a submission the suites can call as if it were local.

    sub = Submission({"activations.py": source})
    sub.activations.sigmoid(np.zeros(3))     # runs in the worker, returns an ndarray
    layer = sub.layers.Affine(W, b)          # a RemoteObject: the layer stays in the worker

Values come back decoded by `grader.sandbox.protocol` (never unpickled); anything else comes
back as a `RemoteObject`. A call that raises in the worker raises `StudentError` here; one that
runs past its time limit raises `WorkerTimeout`; a worker that dies raises `WorkerCrashed`.
After a timeout or crash the worker is replaced by a fresh one on the next call.
"""

from __future__ import annotations

import contextlib
import copy
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from grader.sandbox import process as sandbox
from grader.sandbox import protocol
from grader.sandbox.process import Limits

IMPORT_AFTER_HANG_S = 3.0  # a healthy import (numpy included) takes well under a second


class SubmissionError(Exception):
    """Something went wrong on the submission's side of the boundary."""


class StudentError(SubmissionError):
    """The student's code raised an exception."""

    def __init__(self, type_name: str, message: str, traceback: str = "") -> None:
        super().__init__(f"{type_name}: {message}" if message else type_name)
        self.type_name, self.message, self.traceback = type_name, message, traceback

    def __reduce__(self):
        return (type(self), (self.type_name, self.message, self.traceback))


class WorkerTimeout(SubmissionError):
    """A call did not return within its time limit."""


class WorkerCrashed(SubmissionError):
    """The worker died or sent something that is not a valid answer."""


class RemoteObject:
    """A reference to an object in the worker; attribute access, calls and [] go across."""

    __slots__ = ("_generation", "_handle", "_label", "_sub")

    def __init__(
        self, sub: Submission, handle: protocol.Handle, generation: int, label: str = ""
    ) -> None:
        object.__setattr__(self, "_sub", sub)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "_label", label or handle.type_name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._sub.request("getattr", target=self, name=name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sub.request("call", target=self, args=list(args), kwargs=kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._sub.request("getitem", target=self, key=key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._sub.request("setitem", target=self, key=key, value=value)

    def __repr__(self) -> str:
        return f"<remote {self._handle.type_name}>"


class Submission:
    """A submission's modules (name -> source), imported in a sandboxed worker, called by handle."""

    def __init__(
        self,
        modules: dict[str, str],
        limits: Limits | None = None,
        isolation: str = "auto",
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        # "auto" with a bwrap installed: the first worker's start is the probe (no separate
        # start-up on the way to the first test); if it fails, _ensure_worker falls back
        self._unproven = isolation == "auto" and sandbox.bubblewrap_installed()
        self._notice = notice
        if self._unproven:
            self.isolation = sandbox.BUBBLEWRAP
        else:
            self.isolation = sandbox.resolve_isolation(isolation, notice=notice)
        self.scratch = Path(tempfile.mkdtemp(prefix="backprop-lab-"))
        try:
            self.layout = sandbox.Layout.create(self.scratch)
            self.package_dir = self.layout.work / "submission"
            write_modules(modules, self.package_dir)
            self._module_names = set(modules)  # what was written, not what the worker left
        except BaseException:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise
        self._worker: sandbox.WorkerProcess | None = None  # ready: answers requests
        self._starting: sandbox.WorkerProcess | None = None  # launched, "ready" not yet read
        self._generation = 0
        self._timeout = self.limits.call_timeout_s
        self._test_deadline = math.inf
        self._budget_deadline = math.inf
        self.import_failures: dict[str, SubmissionError] = {}
        self.problems: list[str] = []  # e.g. files refused when the submission was read
        self.hung: dict[str, float] = {}  # function -> the limit it ran past
        self.hung_imports: dict[str, float] = {}  # module -> the limit its import ran past
        self._imported: dict[str, RemoteObject] = {}  # module -> its handle (one generation)
        self.broken: dict[str, str] = {}  # function -> the invalid answer it sent
        self._output = bytearray()
        self.restarts = 0
        self.last_warnings: list[str] = []
        self._import_hung = False
        self.resource_limits = sandbox.limits_note(self.isolation, self.limits)

    # -- what the suites use
    def __getattr__(self, name: str) -> RemoteObject:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.module(name)

    def module(self, name: str) -> RemoteObject:
        """The submission's module `name` (e.g. "activations"), imported in the worker."""
        if name in self.import_failures:
            raise copy.copy(self.import_failures[name]).with_traceback(None)
        imported = self._imported.get(name)
        if imported is not None and self._worker is not None:
            if imported._generation == self._generation:
                return imported  # the worker keeps modules across resets: no second round trip
        if not ({f"{name}.py", f"{name}/__init__.py"} & self._module_names):
            missing = StudentError("FileNotFoundError", f"{name}.py is not in the submission")
            self.import_failures[name] = missing
            raise missing
        # once one import has hung, the others (which often import the same module) get a
        # short limit, so a module that loops at import costs one full time limit, not one per unit
        limit = min(self._timeout, IMPORT_AFTER_HANG_S) if self._import_hung else self._timeout
        try:
            with self.time_limit(limit):
                module = self.request("import", name=name, hung=self.hung_imports)
        except StudentError as exc:
            failure = StudentError(exc.type_name, f"importing {name}.py failed: {exc.message}")
            self.import_failures[name] = failure
            raise failure from None
        except (WorkerCrashed, WorkerTimeout) as exc:
            if isinstance(exc, WorkerTimeout):
                self._import_hung, self.hung_imports[name] = True, limit
            self.import_failures[name] = type(exc)(f"importing {name}.py: {exc}")
            raise
        if isinstance(module, RemoteObject):
            self._imported[name] = module
        return module

    def probe(self, name: str) -> RemoteObject:
        """A grader-written function from `grader.sandbox.probes`, living in the worker."""
        return self.request("probe", name=name)

    def put(self, value: Any) -> RemoteObject:
        """Send `value` to the worker and keep it there (e.g. params to change in place)."""
        return self.request("put", value=value)

    def fetch(self, obj: RemoteObject) -> Any:
        """The current value of a remote object (it must be plain data)."""
        return self.request("get", target=obj)

    def ref(self, obj: RemoteObject, name: str) -> RemoteObject:
        """obj.name as a RemoteObject, even when it is plain data (to change it in place)."""
        return self.request("getattr", target=obj, name=name, as_handle=True)

    def ref_item(self, obj: RemoteObject, key: Any) -> RemoteObject:
        """obj[key] as a RemoteObject, even when it is plain data."""
        return self.request("getitem", target=obj, key=key, as_handle=True)

    @contextlib.contextmanager
    def time_limit(self, seconds: float) -> Iterator[None]:
        """Calls inside the block may each take up to `seconds` (the test's own limit grows to
        allow it; the submission's budget does not)."""
        previous, self._timeout = self._timeout, seconds
        previous_test = self._test_deadline
        if self._test_deadline != math.inf:
            self._test_deadline = max(self._test_deadline, time.monotonic() + seconds)
        try:
            yield
        finally:
            self._timeout = previous
            self._test_deadline = previous_test

    def set_budget(self, seconds: float) -> None:
        """The whole submission's time: no call runs past it."""
        self._budget_deadline = time.monotonic() + seconds

    def start_test(self, seconds: float | None) -> None:
        """A test begins: its calls together may take up to `seconds` (None: no test limit)."""
        self._test_deadline = math.inf if seconds is None else time.monotonic() + seconds
        self.last_warnings = []

    def reset(self) -> None:
        """Forget every remote object (between tests); keeps the worker if it is healthy."""
        if self._worker is not None:
            self.request("reset")

    def take_output(self) -> str:
        """The student's stdout/stderr captured since the last call of this method (capped)."""
        self._collect_output()
        text = self._output.decode(errors="replace")
        self._output.clear()
        return text

    @property
    def worker_launched(self) -> bool:
        """Whether a worker process exists (booting or ready)."""
        return self._worker is not None or self._starting is not None

    def start_worker(self) -> None:
        """Launch the worker now without waiting for it: it boots while the caller goes on (the
        first request then waits for its "ready", under the start-up limit, not a call's)."""
        if self._worker is None and self._starting is None:
            self._starting = self._launch_worker()

    def close(self) -> None:
        """Stop the worker and delete the scratch folder."""
        self._stop_worker()
        if self._starting is not None:
            starting, self._starting = self._starting, None
            starting.kill()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Submission:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the channel
    def request(self, op: str, **args: Any) -> Any:
        """Run one operation in the worker and return its decoded result.

        Its deadline is the soonest of the call limit, the test's and the submission's; a
        function that ran past its limit once fails at once afterwards.
        """
        label = self._label_of(op, args)
        if op == "call" and label in self.hung:
            raise WorkerTimeout(
                f"{label} did not return within {self.hung[label]:g} s earlier in this run"
            )
        if op == "call" and label in self.broken:
            raise WorkerCrashed(f"{label} {self.broken[label]} earlier in this run")
        worker = self._ensure_worker()
        body = protocol.encode({"op": op, "args": args}, default=self._to_handle)
        limit, why = self._limit()
        deadline = time.monotonic() + limit
        try:
            protocol.send(worker.request_fd, body, deadline)
            answer = protocol.decode(
                self._receive(worker, deadline), handle=self._from_handle_labelled(label)
            )
        except protocol.ChannelTimeout:
            self._stop_worker(grace_s=0.0)
            if op == "call" and why == "call":
                self.hung[label] = limit
            raise WorkerTimeout(_timeout_message(why, limit, label)) from None
        except (protocol.ChannelClosed, protocol.ProtocolError) as exc:
            reason = self._stop_worker(grace_s=1.0) or str(exc)
            if isinstance(exc, protocol.ProtocolError):
                reason = f"the worker sent an invalid answer ({exc})"
                if op == "call":
                    self.broken[label] = f"sent an invalid answer ({exc})"
            raise WorkerCrashed(reason) from None
        finally:
            self._collect_output()
        warned = answer.get("warnings") if isinstance(answer, dict) else None
        self.last_warnings = [str(w) for w in warned] if isinstance(warned, list) else []
        return _unwrap(answer)

    def _limit(self) -> tuple[float, str]:
        """(seconds, which limit) for the next call: the soonest of call, test and budget."""
        now = time.monotonic()
        limits = [
            (self._timeout, "call"),
            (self._test_deadline - now, "test"),
            (self._budget_deadline - now, "budget"),
        ]
        seconds, why = min(limits)
        if seconds <= 0:
            raise WorkerTimeout(_timeout_message(why, 0.0, ""))
        return seconds, why

    @staticmethod
    def _label_of(op: str, args: dict) -> str:
        target = args.get("target")
        base = target._label if isinstance(target, RemoteObject) else ""
        if op == "import":
            return str(args.get("name"))
        if op == "getattr":
            return f"{base}.{args.get('name')}"
        if op == "call":
            return base
        return f"{base}[...]" if op in ("getitem", "ref_item") else base

    def _receive(self, worker: sandbox.WorkerProcess, deadline: float) -> bytes:
        return worker.receiver.receive(deadline)

    def _launch_worker(self) -> sandbox.WorkerProcess:
        worker = sandbox.WorkerProcess(self.layout, self.package_dir, self.limits, self.isolation)
        self._generation += 1
        return worker

    def _ensure_worker(self) -> sandbox.WorkerProcess:
        """The ready worker: the one launched early, or a new one; WorkerCrashed if it does not
        say "ready" within the start-up limit."""
        if self._worker is None:
            try:
                worker, self._starting = self._starting or self._launch_worker(), None
            except OSError:
                if self._unproven_bubblewrap_fails():
                    return self._ensure_worker()
                raise
            try:
                worker.wait_until_ready(self.limits.startup_timeout_s)
            except (protocol.ChannelTimeout, protocol.ChannelClosed, protocol.ProtocolError):
                worker.kill()
                if self._unproven_bubblewrap_fails():
                    return self._ensure_worker()  # under the fallback isolation
                self._output += worker.output.take()
                self.restarts += 1
                raise WorkerCrashed(
                    f"the worker did not start within {self.limits.startup_timeout_s:g} s "
                    f"({worker.exit_reason()})"
                ) from None
            self._worker, self._unproven = worker, False
        return self._worker

    def _unproven_bubblewrap_fails(self) -> bool:
        """After "auto"'s first worker did not start under bubblewrap: whether bubblewrap is
        what fails here (then the isolation falls back as resolve_isolation's would)."""
        if not self._unproven:
            return False
        self._unproven = False
        problem = sandbox.bubblewrap_problem()
        if problem is None:
            return False
        self.isolation = sandbox.fallback_isolation(problem, self._notice)
        self.resource_limits = sandbox.limits_note(self.isolation, self.limits)
        return True

    def _stop_worker(self, grace_s: float = 0.0) -> str | None:
        if self._worker is None:
            return None
        worker, self._worker = self._worker, None
        worker.kill(grace_s)
        self._output += worker.output.take()
        self._cap_output()
        self.restarts += 1
        return worker.exit_reason()

    def _to_handle(self, obj: Any) -> protocol.Handle:
        if not isinstance(obj, RemoteObject):
            raise protocol.ProtocolError(f"cannot send a {type(obj).__name__} to the worker")
        if obj._generation != self._generation:
            raise WorkerCrashed("this object was lost when the worker restarted after a failure")
        return obj._handle

    def _from_handle(self, handle: protocol.Handle) -> RemoteObject:
        return RemoteObject(self, handle, self._generation)

    def _from_handle_labelled(self, label: str) -> Callable[[protocol.Handle], RemoteObject]:
        def make(handle: protocol.Handle) -> RemoteObject:
            return RemoteObject(self, handle, self._generation, label)

        return make

    def _collect_output(self) -> None:
        """Append what the student printed since the last call, up to the output cap."""
        if self._worker is not None:
            self._output += self._worker.output.take()
        self._cap_output()

    def _cap_output(self) -> None:
        if len(self._output) > self.limits.output_bytes:
            del self._output[self.limits.output_bytes :]
            self._output += b"\n[... output truncated ...]\n"


def _timeout_message(why: str, seconds: float, label: str) -> str:
    if why == "budget":
        return "the submission's time budget is used up"
    if why == "test":
        return "this test's time limit is used up"
    what = f"{label} did not return" if label else "no answer"
    return f"{what} within the time limit of {seconds:g} s"


def _unwrap(answer: Any) -> Any:
    """The value of an {"ok": value} answer; raise StudentError for an {"error": {...}} one."""
    if isinstance(answer, dict) and "ok" in answer:
        return answer["ok"]
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        raise WorkerCrashed("the worker sent an answer with neither a value nor an error")
    raise StudentError(*(str(error.get(k, ""))[:4000] for k in ("type", "message", "traceback")))


def write_modules(modules: dict[str, str], target: Path) -> None:
    """Write the submission's modules into the worker's scratch package `target`."""
    for name, source in modules.items():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(source, encoding="utf-8")
    (target / "__init__.py").touch()
