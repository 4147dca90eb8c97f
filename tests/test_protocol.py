"""The value channel: what may cross, what may not, and malformed messages."""

from __future__ import annotations

import os
import struct
import time

import msgpack
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.sandbox import protocol
from grader.sandbox.protocol import Handle, ProtocolError

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"]  # fmt: skip


def round_trip(value, **kwargs):
    return protocol.decode(protocol.encode(value), **kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 1, 4)])
def test_arrays_round_trip_with_dtype_and_shape(dtype, shape):
    array = (np.arange(int(np.prod(shape))) % 3).astype(dtype).reshape(shape)
    back = round_trip(array)
    assert np.asarray(back).dtype == np.dtype(dtype)
    assert np.asarray(back).shape == shape
    assert np.array_equal(back, array)


def test_zero_dim_arrays_come_back_as_numpy_scalars():
    assert isinstance(round_trip(np.float32(1.5)), np.float32)
    assert isinstance(round_trip(np.array(2.0)), np.float64)


def test_big_endian_and_non_contiguous_arrays_arrive_as_values():
    big = np.arange(6, dtype=">f8").reshape(2, 3)
    assert np.array_equal(round_trip(big), big)
    strided = np.arange(12.0).reshape(3, 4)[:, ::2]
    assert np.array_equal(round_trip(strided), strided)


def test_decoded_arrays_are_writable_copies():
    back = round_trip(np.zeros(3))
    back[0] = 1.0
    assert back[0] == 1.0


def test_plain_values_and_containers_keep_their_types():
    value = {"a": [1, 2.5, None, True, "s", b"b"], 3: (1, (2, 3)), "c": complex(1, -2)}
    assert round_trip(value) == value
    assert isinstance(round_trip((1, 2)), tuple)


def test_subclasses_of_plain_types_cross_as_plain_types():
    from collections import OrderedDict

    assert round_trip(OrderedDict(a=1)) == {"a": 1}


@pytest.mark.parametrize(
    "value",
    [np.array([object()]), np.array(["text"]), np.zeros(2, dtype=[("a", "f8")]), object(), {1, 2}],
)
def test_objects_and_unsafe_dtypes_are_refused(value):
    with pytest.raises(ProtocolError, match="cannot cross"):
        protocol.encode(value)


def test_default_turns_other_objects_into_handles():
    encoded = protocol.encode([object()], default=lambda obj: Handle(7, "object"))
    assert protocol.decode(encoded) == [Handle(7, "object")]
    assert protocol.decode(encoded, handle=lambda h: f"ref{h.id}") == ["ref7"]


def test_integers_beyond_64_bits_are_refused():
    with pytest.raises(ProtocolError):
        protocol.encode(2**70)


def ext(code: int, payload: bytes) -> bytes:
    return msgpack.packb(msgpack.ExtType(code, payload))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (ext(1, msgpack.packb(["|O", [1], b"\0" * 8])), "may not cross"),
        (ext(1, msgpack.packb(["<f8", [2], b"\0" * 8])), "does not match"),
        (ext(1, msgpack.packb(["<f8", [-1], b""])), "invalid array shape"),
        (ext(1, msgpack.packb(["<f8", [1] * 40, b"\0" * 8])), "invalid array shape"),
        (ext(1, msgpack.packb("not a list")), "must be"),
        (ext(2, msgpack.packb(["x", 1])), "handle"),
        (ext(9, b""), "unknown extension"),
        (b"\xc1", "malformed"),
        (msgpack.packb([1, 2])[:-1], "malformed"),
        (msgpack.packb([{"a": 1}, 2]) + b"\x01", "malformed"),
    ],
)
def test_malformed_messages_are_rejected_with_a_clear_error(body, problem):
    with pytest.raises(ProtocolError, match=problem):
        protocol.decode(body)


def test_deeply_nested_tuples_are_rejected():
    value: object = 1
    for _ in range(protocol.MAX_DEPTH + 5):
        value = (value,)
    with pytest.raises(ProtocolError, match="nested deeper"):
        protocol.decode(protocol.encode(value))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash_the_decoder(data):
    try:
        protocol.decode(data)
    except ProtocolError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20), st.binary(max_size=60))
def test_random_extension_payloads_never_crash_the_decoder(code, payload):
    try:
        protocol.decode(ext(code, payload))
    except ProtocolError:
        pass


@pytest.fixture
def pipe():
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    yield read_fd, write_fd
    for fd in (read_fd, write_fd):
        try:
            os.close(fd)
        except OSError:
            pass


def test_framed_messages_arrive_whole(pipe):
    read_fd, write_fd = pipe
    protocol.send(write_fd, b"hello")
    protocol.send(write_fd, b"")
    receiver = protocol.Receiver(read_fd)
    assert receiver.receive(time.monotonic() + 1) == b"hello"
    assert receiver.receive(time.monotonic() + 1) == b""


def test_an_oversized_length_prefix_is_rejected_before_reading(pipe):
    read_fd, write_fd = pipe
    os.write(write_fd, struct.pack(">I", 2**31))
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        protocol.Receiver(read_fd, max_bytes=1024).receive(time.monotonic() + 1)


def test_a_closed_pipe_and_a_silent_one_are_told_apart(pipe):
    read_fd, write_fd = pipe
    with pytest.raises(protocol.ChannelTimeout):
        protocol.Receiver(read_fd).receive(time.monotonic() + 0.05)
    os.write(write_fd, struct.pack(">I", 10) + b"abc")
    os.close(write_fd)
    with pytest.raises(protocol.ChannelClosed):
        protocol.Receiver(read_fd).receive(time.monotonic() + 1)


def test_a_message_with_too_many_items_is_refused_before_it_is_built():
    many_small_lists = msgpack.packb([[[0]] * 600_000] * 4)  # 2.4 million items, 10 MB
    with pytest.raises(protocol.ProtocolError, match="more than"):
        protocol.decode(many_small_lists)
    tiny_tuple = msgpack.packb(msgpack.ExtType(protocol.EXT_TUPLE, msgpack.packb([])))
    tuples = b"\xdd" + (3 * 2**20).to_bytes(4, "big") + tiny_tuple * (3 * 2**20)
    with pytest.raises(protocol.ProtocolError, match=r"exceeds max_array_len|more than"):
        protocol.decode(tuples)
    tuples_in_lists = msgpack.packb([[msgpack.ExtType(protocol.EXT_TUPLE, b"\x90")] * 2**19] * 3)
    with pytest.raises(protocol.ProtocolError, match="more than"):
        protocol.decode(tuples_in_lists)  # 1.5 million tuples in lists under the length cap


def test_a_message_at_the_item_limit_still_decodes():
    value = [[0.5] * 1000 for _ in range(1000)]  # a million numbers: allowed
    assert protocol.decode(protocol.encode(value)) == value
