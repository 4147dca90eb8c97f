"""The value channel between grader and worker: a safe encoding of plain data.

What crosses: None, bool, int (64-bit), float, complex, str, bytes, lists, tuples, dicts,
numpy arrays and scalars of numeric or bool dtype, and `Handle`s (references to objects
that stay in the worker). Nothing is pickled; object, string and structured dtypes are
refused. Messages are framed as a 4-byte big-endian length followed by a msgpack body.
"""

from __future__ import annotations

import dataclasses
import math
import os
import select
import struct
import time
from collections.abc import Callable
from typing import Any

import msgpack
import numpy as np

EXT_ARRAY = 1
EXT_HANDLE = 2
EXT_TUPLE = 3
EXT_COMPLEX = 4

#: dtypes allowed across the boundary, as little-endian `dtype.str` codes.
ALLOWED_DTYPES = frozenset(
    np.dtype(code).newbyteorder("<").str if np.dtype(code).itemsize > 1 else np.dtype(code).str
    for code in ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16")
)
MAX_MESSAGE_BYTES = 256 * 2**20
MAX_DEPTH = 64
MAX_NDIM = 32
#: Containers, their items and extension values one message may hold in all (arrays count
#: once): decoding cost is bounded by this, not by what the sender chose to pack.
MAX_ELEMENTS = 2**20
_HEADER = struct.Struct(">I")


class ProtocolError(ValueError):
    """A message that is malformed, too large, or holds a value that may not cross."""


class ChannelClosed(EOFError):
    """The other end closed the pipe (the worker exited or crashed)."""


class ChannelTimeout(TimeoutError):
    """No complete message arrived before the deadline."""


@dataclasses.dataclass(frozen=True)
class Handle:
    """A reference to an object that lives in the worker."""

    id: int
    type_name: str


# ---------------------------------------------------------------- encoding


def encode(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """Encode `value`; `default(obj)` maps anything else to an encodable value (e.g. a Handle)."""

    def hook(obj: Any) -> Any:
        if isinstance(obj, Handle):
            return _pack_handle(obj)
        if isinstance(obj, tuple):
            return msgpack.ExtType(EXT_TUPLE, _pack(list(obj), hook))
        if isinstance(obj, (np.ndarray, np.generic)) and _dtype_code(obj.dtype) in ALLOWED_DTYPES:
            if obj.nbytes > MAX_MESSAGE_BYTES:  # refused before it is copied
                raise ProtocolError(f"an array of {obj.nbytes} bytes exceeds {MAX_MESSAGE_BYTES}")
            return msgpack.ExtType(EXT_ARRAY, _pack_array(np.asarray(obj)))
        if isinstance(obj, complex):
            return msgpack.ExtType(EXT_COMPLEX, struct.pack("<dd", obj.real, obj.imag))
        plain = _as_plain(obj)
        if plain is not None:
            return plain
        if default is None:
            raise ProtocolError(f"a value of type {type(obj).__name__} cannot cross the boundary")
        replacement = default(obj)
        return _pack_handle(replacement) if isinstance(replacement, Handle) else replacement

    try:
        return _pack(value, hook)
    except (OverflowError, ValueError, TypeError) as exc:
        raise ProtocolError(f"cannot encode value: {exc}") from exc


def _pack(value: Any, hook: Callable[[Any], Any] | None = None) -> bytes:
    return msgpack.packb(value, default=hook, strict_types=True, use_bin_type=True)


def _pack_handle(handle: Handle) -> msgpack.ExtType:
    return msgpack.ExtType(EXT_HANDLE, _pack([handle.id, handle.type_name]))


def _as_plain(obj: Any) -> Any:
    """Subclasses of the plain types (IntEnum, OrderedDict, ...) as the plain type, else None."""
    for plain_type in (bool, int, float, str, bytes, list, dict):
        if isinstance(obj, plain_type):
            return plain_type(obj)
    return None


def _dtype_code(dtype: np.dtype) -> str:
    return dtype.newbyteorder("<").str if dtype.itemsize > 1 else dtype.str


def _pack_array(array: np.ndarray) -> bytes:
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return _pack([_dtype_code(array.dtype), list(array.shape), little.tobytes()])


# ---------------------------------------------------------------- decoding


def decode(data: bytes, handle: Callable[[Handle], Any] | None = None) -> Any:
    """Decode one message body; `handle(h)` turns each Handle into what the caller wants.

    Refuses, before building more, a message with more than MAX_ELEMENTS items in all.
    """
    try:
        return _unpack(data, handle, depth=0, cost=_Cost())
    except ProtocolError:
        raise
    except (ValueError, TypeError, msgpack.UnpackException, RecursionError) as exc:
        raise ProtocolError(f"malformed message: {type(exc).__name__}: {exc}") from exc


class _Cost:
    """Counts the items decoded so far in one message and stops past MAX_ELEMENTS."""

    def __init__(self) -> None:
        self.elements = 0

    def add(self, n: int) -> None:
        self.elements += n
        if self.elements > MAX_ELEMENTS:
            raise ProtocolError(f"message holds more than {MAX_ELEMENTS} items")

    def container(self, value: Any) -> Any:
        self.add(len(value) + 1)
        return value


def _unpack(data: bytes, handle: Callable[[Handle], Any] | None, depth: int, cost: _Cost) -> Any:
    if depth > MAX_DEPTH:
        raise ProtocolError(f"message nested deeper than {MAX_DEPTH} levels")

    def ext_hook(code: int, payload: bytes) -> Any:
        cost.add(1)
        if code == EXT_ARRAY:
            return _unpack_array(payload)
        if code == EXT_TUPLE:
            items = _unpack(payload, handle, depth + 1, cost)
            if not isinstance(items, list):
                raise ProtocolError("a tuple must hold a list")
            return tuple(items)
        if code == EXT_HANDLE:
            return _unpack_handle(payload, handle)
        if code == EXT_COMPLEX and len(payload) == 16:
            return complex(*struct.unpack("<dd", payload))
        raise ProtocolError(f"unknown extension type {code}")

    return msgpack.unpackb(
        data, raw=False, strict_map_key=False, ext_hook=ext_hook,
        list_hook=cost.container, object_hook=cost.container,
        max_array_len=MAX_ELEMENTS, max_map_len=MAX_ELEMENTS,
    )  # fmt: skip


def _unpack_array(payload: bytes) -> np.ndarray | np.generic:
    fields = msgpack.unpackb(payload, raw=False)
    if not (isinstance(fields, list) and len(fields) == 3):
        raise ProtocolError("an array must be [dtype, shape, data]")
    code, shape, data = fields
    if code not in ALLOWED_DTYPES:
        raise ProtocolError(f"dtype {code!r} may not cross the boundary")
    valid_shape = isinstance(shape, list) and len(shape) <= MAX_NDIM
    if not valid_shape or not all(type(n) is int and n >= 0 for n in shape):
        raise ProtocolError(f"invalid array shape {shape!r}")
    dtype = np.dtype(code)
    if not isinstance(data, bytes) or len(data) != math.prod(shape) * dtype.itemsize:
        raise ProtocolError(f"array data does not match shape {shape} and dtype {code}")
    array = np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    return array[()] if array.ndim == 0 else array


def _unpack_handle(payload: bytes, handle: Callable[[Handle], Any] | None) -> Any:
    fields = msgpack.unpackb(payload, raw=False)
    valid = isinstance(fields, list) and len(fields) == 2
    if not valid or type(fields[0]) is not int or not isinstance(fields[1], str):
        raise ProtocolError("a handle must be [id, type name]")
    ref = Handle(fields[0], fields[1][:200])
    return ref if handle is None else handle(ref)


# ---------------------------------------------------------------- framing


def send(fd: int, body: bytes, deadline: float | None = None) -> None:
    """Write one framed message to `fd`, giving up with ChannelTimeout at `deadline`."""
    if len(body) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(body)} bytes exceeds {MAX_MESSAGE_BYTES}")
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:
        _wait(fd, select.POLLOUT, deadline)
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise ChannelClosed("the other end closed the channel") from exc


class Receiver:
    """Reads framed messages from a file descriptor, with a deadline and a size limit."""

    def __init__(self, fd: int, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.fd = fd
        self.max_bytes = max_bytes
        self._buffer = bytearray()

    def receive(self, deadline: float | None = None) -> bytes:
        """The next message body; ChannelClosed on EOF, ChannelTimeout past `deadline`."""
        length = _HEADER.unpack(self._take(_HEADER.size, deadline))[0]
        if length > self.max_bytes:
            raise ProtocolError(f"message of {length} bytes exceeds the limit of {self.max_bytes}")
        return self._take(length, deadline)

    def _take(self, n: int, deadline: float | None) -> bytes:
        while len(self._buffer) < n:
            _wait(self.fd, select.POLLIN, deadline)
            try:
                chunk = os.read(self.fd, max(n - len(self._buffer), 1 << 16))
            except BlockingIOError:
                continue
            if not chunk:
                raise ChannelClosed("the other end closed the channel")
            self._buffer += chunk
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out


def _wait(fd: int, event: int, deadline: float | None) -> None:
    poller = select.poll()
    poller.register(fd, event)
    while True:
        timeout_ms = None if deadline is None else max(0, (deadline - time.monotonic()) * 1000)
        if poller.poll(timeout_ms):
            return
        if deadline is not None and time.monotonic() >= deadline:
            raise ChannelTimeout("no answer before the deadline")
