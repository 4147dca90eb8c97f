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
import shutil
import tempfile
import time
from collections.abc import Iterator
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

    __slots__ = ("_generation", "_handle", "_sub")

    def __init__(self, sub: Submission, handle: protocol.Handle, generation: int) -> None:
        object.__setattr__(self, "_sub", sub)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_generation", generation)

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
        self, modules: dict[str, str], limits: Limits | None = None, isolation: str = "auto"
    ) -> None:
        self.limits = limits or Limits()
        self.isolation = sandbox.resolve_isolation(isolation)
        self.scratch = Path(tempfile.mkdtemp(prefix="backprop-lab-"))
        self.package_dir = self.scratch / "submission"
        write_modules(modules, self.package_dir)
        self._worker: sandbox.WorkerProcess | None = None
        self._generation = 0
        self._timeout = self.limits.call_timeout_s
        self.import_failures: dict[str, SubmissionError] = {}
        self._output = bytearray()
        self._offsets = [0, 0]
        self.restarts = 0
        self.last_warnings: list[str] = []
        self._import_hung = False

    # -- what the suites use
    def __getattr__(self, name: str) -> RemoteObject:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.module(name)

    def module(self, name: str) -> RemoteObject:
        """The submission's module `name` (e.g. "activations"), imported in the worker."""
        if name in self.import_failures:
            raise copy.copy(self.import_failures[name]).with_traceback(None)
        module_file, package_init = self.package_dir / f"{name}.py", self.package_dir / name
        if not (module_file.is_file() or (package_init / "__init__.py").is_file()):
            missing = StudentError("FileNotFoundError", f"{name}.py is not in the submission")
            self.import_failures[name] = missing
            raise missing
        # once one import has hung, the others (which often import the same module) get a
        # short limit, so a module that loops at import costs one full time limit, not one per unit
        limit = min(self._timeout, IMPORT_AFTER_HANG_S) if self._import_hung else self._timeout
        try:
            with self.time_limit(limit):
                return self.request("import", name=name)
        except StudentError as exc:
            failure = StudentError(exc.type_name, f"importing {name}.py failed: {exc.message}")
            self.import_failures[name] = failure
            raise failure from None
        except (WorkerCrashed, WorkerTimeout) as exc:
            self._import_hung |= isinstance(exc, WorkerTimeout)
            self.import_failures[name] = type(exc)(f"importing {name}.py: {exc}")
            raise

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
        """Calls inside the block may each take up to `seconds`."""
        previous, self._timeout = self._timeout, seconds
        try:
            yield
        finally:
            self._timeout = previous

    def reset(self) -> None:
        """Forget every remote object (between tests); keeps the worker if it is healthy."""
        if self._worker is not None:
            self.request("reset")

    def take_output(self) -> str:
        """The student's stdout/stderr captured since the last call of this method (capped)."""
        text = self._output.decode(errors="replace")
        self._output.clear()
        return text

    def close(self) -> None:
        """Stop the worker and delete the scratch folder."""
        self._stop_worker()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Submission:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the channel
    def request(self, op: str, **args: Any) -> Any:
        """Run one operation in the worker and return its decoded result."""
        worker = self._ensure_worker()
        body = protocol.encode({"op": op, "args": args}, default=self._to_handle)
        deadline = time.monotonic() + self._timeout
        try:
            protocol.send(worker.request_fd, body, deadline)
            answer = protocol.decode(self._receive(worker, deadline), handle=self._from_handle)
        except protocol.ChannelTimeout:
            self._stop_worker(grace_s=0.0)
            raise WorkerTimeout(f"no answer within the time limit of {self._timeout:g} s") from None
        except (protocol.ChannelClosed, protocol.ProtocolError) as exc:
            reason = self._stop_worker(grace_s=1.0) or str(exc)
            if isinstance(exc, protocol.ProtocolError):
                reason = f"the worker sent an invalid answer ({exc})"
            raise WorkerCrashed(reason) from None
        finally:
            self._collect_output()
        warned = answer.get("warnings") if isinstance(answer, dict) else None
        self.last_warnings = [str(w) for w in warned] if isinstance(warned, list) else []
        return _unwrap(answer)

    def _receive(self, worker: sandbox.WorkerProcess, deadline: float) -> bytes:
        return worker.receiver.receive(deadline)

    def _ensure_worker(self) -> sandbox.WorkerProcess:
        if self._worker is None:
            self._worker = sandbox.WorkerProcess(
                self.scratch, self.package_dir, self.limits, self.isolation
            )
            self._generation += 1
        return self._worker

    def _stop_worker(self, grace_s: float = 0.0) -> str | None:
        if self._worker is None:
            return None
        worker, self._worker = self._worker, None
        worker.kill(grace_s)
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

    def _collect_output(self) -> None:
        """Append what the student printed since the last call, up to the output cap."""
        for index, path in enumerate((self.scratch / ".stdout", self.scratch / ".stderr")):
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if size <= self._offsets[index]:
                continue
            room = max(self.limits.output_bytes - len(self._output), 0)
            with open(path, "rb") as stream:
                stream.seek(self._offsets[index])
                chunk = stream.read(room + 1)
            self._offsets[index] = size
            if len(chunk) > room:
                chunk = chunk[:room] + b"\n[... output truncated ...]\n"
            self._output += chunk


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
