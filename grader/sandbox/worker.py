"""The worker: imports a submission and answers the grader's calls. Runs untrusted code.

Started by `grader.sandbox.process` as `python -m grader.sandbox.worker --package-dir DIR ...`.
Requests arrive on fd `--in-fd`, answers leave on fd `--out-fd` (see `grader.sandbox.protocol`); the
submission's own stdout and stderr go to a pipe the grader drains. It runs from a copy of this
module, `protocol` and `probes` (never from the grader's package), and says "ready" once Python,
numpy and its limits are in place, before the first request's clock starts. Nothing this process
sends is trusted by the grader: it only ever decides the values the student's code returns.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import sys
import traceback
import types
import warnings
from pathlib import Path
from typing import Any

import numpy as np  # imported before the submission, so a shipped numpy.py cannot shadow it

from grader.sandbox import landlock, probes, protocol

try:  # POSIX only: the grader checks first (process.platform_problem) and never starts us without
    import resource
except ImportError:
    resource = None  # type: ignore[assignment]

PACKAGE = "submission"
MAX_TRACEBACK_CHARS = 4000
MAX_WARNINGS = 5


class Worker:
    """Holds the submission's objects behind integer handles and serves requests."""

    def __init__(self, package_dir: Path) -> None:
        self.package_dir = package_dir
        self.objects: dict[int, Any] = {}
        self.next_id = 1

    # -- handles
    def to_handle(self, obj: Any) -> protocol.Handle:
        """Keep `obj` in the worker and return a reference to it."""
        handle_id = self.next_id
        self.next_id += 1
        self.objects[handle_id] = obj
        return protocol.Handle(handle_id, type(obj).__name__)

    def from_handle(self, ref: protocol.Handle) -> Any:
        if ref.id not in self.objects:
            raise LookupError(f"unknown handle {ref.id} (released or from an earlier worker)")
        return self.objects[ref.id]

    # -- operations
    def op_import(self, name: str, hung: dict[str, float] | None = None) -> protocol.Handle:
        """Import the submission's module `name`; the modules in `hung` (name -> seconds) ran
        past their limit at import earlier in this run, and importing them fails at once."""
        _load_package(self.package_dir)
        HUNG_IMPORTS.install({f"{PACKAGE}.{module}": s for module, s in (hung or {}).items()})
        return self.to_handle(importlib.import_module(f"{PACKAGE}.{name}"))

    def op_getattr(self, target: Any, name: str, as_handle: bool = False) -> Any:
        value = getattr(target, name)
        return self.to_handle(value) if as_handle else value

    def op_getitem(self, target: Any, key: Any, as_handle: bool = False) -> Any:
        value = target[key]
        return self.to_handle(value) if as_handle else value

    def op_setitem(self, target: Any, key: Any, value: Any) -> None:
        target[key] = value

    def op_call(self, target: Any, args: list, kwargs: dict) -> Any:
        return target(*args, **kwargs)

    def op_put(self, value: Any) -> protocol.Handle:
        return self.to_handle(value)

    def op_get(self, target: Any) -> Any:
        return target

    def op_reset(self) -> None:
        """Forget every object but the imported modules (they live in sys.modules anyway)."""
        self.objects = {k: v for k, v in self.objects.items() if isinstance(v, types.ModuleType)}

    def op_fail(self, reason: str) -> None:
        raise LookupError(reason)

    def op_ping(self) -> str:
        return "pong"

    def op_probe(self, name: str) -> protocol.Handle:
        return self.to_handle(probes.BY_NAME[name])

    def handle(self, request: dict) -> dict:
        """Run one request; the answer is {"ok": value} or {"error": {...}}."""
        op = getattr(self, f"op_{request.get('op')}", None)
        if op is None:
            return {"error": {"type": "ProtocolError", "message": f"unknown op {request!r:.80}"}}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                answer = {"ok": op(**request.get("args", {}))}
            except BaseException as exc:  # the student's exceptions, SystemExit included
                answer = {"error": self.describe(exc)}
        if caught:
            answer["warnings"] = [
                f"{w.category.__name__}: {w.message}"[:300] for w in caught[:MAX_WARNINGS]
            ]
        return answer

    def describe(self, exc: BaseException) -> dict:
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename.startswith(str(self.package_dir))
        ]
        where = "".join(traceback.format_list(frames))[-MAX_TRACEBACK_CHARS:]
        message = str(exc)
        if isinstance(exc, SyntaxError) and exc.filename:
            message = f"{Path(exc.filename).name}, line {exc.lineno}: {exc.msg}"
        return {"type": type(exc).__name__, "message": message[:2000], "traceback": where}


class _HungImports:
    """A meta-path finder that fails at once for modules whose import hung earlier in this run
    (so a module that imports them does not hang in its turn)."""

    def __init__(self) -> None:
        self.hung: dict[str, float] = {}  # full module name -> the limit it ran past

    def install(self, hung: dict[str, float]) -> None:
        self.hung = hung
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)  # type: ignore[arg-type]

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname in self.hung:
            module = fullname.rpartition(".")[2]
            raise ImportError(
                f"{module}.py did not finish importing within {self.hung[fullname]:g} s "
                "earlier in this run (look for a loop or a long computation at its top level)"
            )


HUNG_IMPORTS = _HungImports()


def _load_package(package_dir: Path) -> None:
    if PACKAGE in sys.modules:
        return
    init = package_dir / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        PACKAGE, init, submodule_search_locations=[str(package_dir)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PACKAGE]
        raise


def apply_limits(memory_bytes: int, cpu_seconds: int, file_bytes: int, processes: int = 0) -> None:
    """Cap address space, CPU time, file size and processes; no core dumps.

    A limit the platform refuses (macOS will not lower RLIMIT_AS below what is mapped) is left
    as it is: the call's time limit and the grader's checks still hold.
    """
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_NPROC, processes),
        (resource.RLIMIT_CORE, 0),
    ):
        if value > 0 or limit == resource.RLIMIT_CORE:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(limit, (value, value))


def serve(worker: Worker, in_fd: int, out_fd: int) -> None:
    """Answer requests until the grader closes the channel."""
    receiver = protocol.Receiver(in_fd)
    while True:
        try:
            body = receiver.receive()
        except protocol.ChannelClosed:
            return
        try:
            request = protocol.decode(body, handle=worker.from_handle)
        except (protocol.ProtocolError, LookupError) as exc:
            request = {"op": "fail", "args": {"reason": f"{type(exc).__name__}: {exc}"}}
        answer = worker.handle(request)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            out = protocol.encode(answer, default=worker.to_handle)
        except protocol.ProtocolError as exc:
            out = protocol.encode({"error": {"type": "ProtocolError", "message": str(exc)}})
        protocol.send(out_fd, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="grader.sandbox.worker")
    parser.add_argument("--package-dir", type=Path, required=True)
    parser.add_argument("--in-fd", type=int, required=True)
    parser.add_argument("--out-fd", type=int, required=True)
    parser.add_argument("--memory-bytes", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    parser.add_argument("--file-bytes", type=int, default=0)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--landlock-read", action="append", default=[])
    parser.add_argument("--landlock-write", action="append", default=[])
    args = parser.parse_args(argv)
    apply_limits(args.memory_bytes, args.cpu_seconds, args.file_bytes, args.processes)
    if args.landlock_write:  # before any student code: reads and writes are confined from here
        landlock.restrict_self(args.landlock_read, args.landlock_write)
    np.seterr(over="warn", divide="warn", invalid="warn", under="ignore")  # numpy defaults
    protocol.send(args.out_fd, protocol.encode({"ok": "ready"}))
    serve(Worker(args.package_dir.resolve()), args.in_fd, args.out_fd)


if __name__ == "__main__":
    main()
