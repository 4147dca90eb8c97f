"""A control group per worker, where one can be had: processes and memory counted for the
whole submission (every process it starts), not per process.

cgroup v2 (a delegated subtree with the `pids` and `memory` controllers) or v1 (the `pids`
and `memory` hierarchies), in a child of the grader's own group. Where neither is writable
(an ordinary user without a delegated cgroup), `Cgroup.create` returns None and the per-process
limits (RLIMIT_AS, RLIMIT_NPROC) are all there is; `process.limits_note` says which applied.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import signal
import time
import uuid
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


@dataclasses.dataclass
class Cgroup:
    """One worker's group(s): a folder per hierarchy (v1) or a single folder (v2)."""

    folders: list[Path]
    version: int

    @classmethod
    def create(cls, processes: int, memory_bytes: int) -> Cgroup | None:
        """A new group limited to `processes` tasks and `memory_bytes`, or None."""
        name = f"backprop-lab-{uuid.uuid4().hex[:12]}"
        for make in (_create_v2, _create_v1):
            with contextlib.suppress(OSError):
                group = make(name, processes, memory_bytes)
                if group is not None:
                    return group
        return None

    def add_tree(self, pid: int) -> None:
        """Move `pid` and every process descended from it into the group."""
        for member in [pid, *_descendants(pid)]:
            for folder in self.folders:
                with contextlib.suppress(OSError):
                    (folder / "cgroup.procs").write_text(str(member))

    def kill_all(self) -> None:
        """SIGKILL every process in the group (detached children too)."""
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)

    def remove(self) -> None:
        """Delete the group (its processes are gone: the worker was killed)."""
        for folder in self.folders:
            for _ in range(100):  # a killed task leaves its group a moment after it dies
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)

    def describe(self) -> str:
        return f"cgroup v{self.version}"


def _own_path(controller: str) -> str | None:
    """The grader's own group in the hierarchy of `controller` ("" for v2's unified one)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers.split(",") == [controller] or (controller == "" and controllers == ""):
            return path.lstrip("/")
    return None


def _create_v2(name: str, processes: int, memory_bytes: int) -> Cgroup | None:
    own = _own_path("")
    mount = next((m for m in (ROOT, ROOT / "unified") if (m / "cgroup.controllers").exists()), None)
    if own is None or mount is None:
        return None
    parent = mount / own
    if not {"pids", "memory"} <= set((parent / "cgroup.subtree_control").read_text().split()):
        return None
    folder = parent / name
    folder.mkdir()
    try:
        (folder / "pids.max").write_text(str(processes))
        (folder / "memory.max").write_text(str(memory_bytes))
        (folder / "memory.swap.max").write_text("0")
    except OSError:
        folder.rmdir()
        raise
    return Cgroup([folder], 2)


def _create_v1(name: str, processes: int, memory_bytes: int) -> Cgroup | None:
    made: list[Path] = []
    try:
        for controller, limit_file, value in (
            ("pids", "pids.max", processes),
            ("memory", "memory.limit_in_bytes", memory_bytes),
        ):
            own = _own_path(controller)
            if own is None or not (ROOT / controller).is_dir():
                raise OSError(f"no {controller} hierarchy")
            folder = ROOT / controller / own / name
            folder.mkdir()
            made.append(folder)
            (folder / limit_file).write_text(str(value))
            swap = folder / "memory.memsw.limit_in_bytes"  # no swapping past the limit
            if controller == "memory" and swap.exists():
                swap.write_text(str(value))
    except OSError:
        for folder in made:
            folder.rmdir()
        raise
    return Cgroup(made, 1)


def _descendants(pid: int) -> list[int]:
    """Every process whose chain of parents leads to `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@functools.cache
def available() -> bool:
    """Whether a worker here gets a group (tries to make one and removes it)."""
    group = Cgroup.create(1, 2**30)
    if group is None:
        return False
    group.remove()
    return True
