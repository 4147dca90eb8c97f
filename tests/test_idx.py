"""The IDX reader and writer: round trips, and a clear error for every malformed file."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.idx import DTYPES, IDXFormatError, parse_idx, read_idx, write_idx

NATIVE_DTYPES = [dtype.newbyteorder("=") for dtype in DTYPES.values()]


@pytest.mark.parametrize("dtype", NATIVE_DTYPES, ids=lambda d: d.name)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5)], ids=["1-D", "2-D", "3-D"])
@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_round_trip(tmp_path, dtype, shape, compress):
    rng = np.random.default_rng(0)
    array = (rng.normal(size=shape) * 100).astype(dtype)
    path = tmp_path / "a.idx"
    write_idx(path, array, compress=compress)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    back = read_idx(path)
    assert back.dtype == dtype and back.shape == shape
    np.testing.assert_array_equal(back, array)


def test_gzip_is_detected_by_content_not_name(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "labels.gz", array, compress=False)
    write_idx(tmp_path / "labels", array, compress=True)
    np.testing.assert_array_equal(read_idx(tmp_path / "labels.gz"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "labels"), array)


def test_writes_are_reproducible(tmp_path):
    array = np.arange(100, dtype=np.uint8).reshape(10, 10)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "b.gz", array)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


def header(code: int, shape: tuple[int, ...]) -> bytes:
    return struct.pack(">HBB", 0, code, len(shape)) + struct.pack(f">{len(shape)}I", *shape)


MALFORMED = {
    "empty": (b"", "too short"),
    "wrong magic": (b"\x01\x00\x08\x01" + struct.pack(">I", 1) + b"\x00", "not an IDX file"),
    "unknown dtype": (header(0x0A, (1,)) + b"\x00", "unknown IDX data type code 0x0a"),
    "zero dimensions": (header(0x08, ()), "at least one dimension"),
    "truncated header": (header(0x08, (2, 3))[:9], "truncated: the header needs 12 bytes"),
    "truncated data": (header(0x08, (10, 10)) + bytes(40), "promises 100 data bytes, file has 40"),
    "trailing bytes": (header(0x08, (2,)) + bytes(5), "3 unexpected bytes"),
    "absurd sizes": (header(0x0E, (2**32 - 1,) * 3) + bytes(8), r"promises \d{30,} data bytes"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_names_the_problem(tmp_path, case):
    data, message = MALFORMED[case]
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(data)
    with pytest.raises(IDXFormatError, match=message) as info:
        read_idx(path)
    assert str(info.value).startswith("t10k-images-idx3-ubyte: ")


def test_corrupt_gzip_is_reported(tmp_path):
    packed = gzip.compress(header(0x08, (100,)) + bytes(100))
    path = tmp_path / "labels.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(IDXFormatError, match=r"labels\.gz: corrupt or truncated gzip"):
        read_idx(path)


def test_writer_refuses_what_idx_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="cannot store"):
        write_idx(tmp_path / "x", np.array([1 + 2j]))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_give_an_array_or_a_format_error(data):
    try:
        array = parse_idx(data)
    except IDXFormatError:
        return
    assert isinstance(array, np.ndarray) and array.ndim >= 1


VALID = header(0x0B, (3, 2)) + bytes(12)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(VALID) - 1), st.binary(min_size=1, max_size=8))
def test_any_cut_or_extension_of_a_valid_file_is_refused(cut, extra):
    with pytest.raises(IDXFormatError):
        parse_idx(VALID[:cut])
    with pytest.raises(IDXFormatError, match="unexpected bytes"):
        parse_idx(VALID + extra)
    assert parse_idx(VALID).shape == (3, 2)
