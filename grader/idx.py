"""The IDX format of MNIST: read and write, gzipped or raw (http://yann.lecun.com/exdb/mnist/).

Layout: two zero bytes, a dtype code, the number of dimensions n, n big-endian uint32 sizes,
then the data in C order, big-endian.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"


class IDXFormatError(ValueError):
    """A file that is not a well-formed IDX file; the message names the file and the problem."""


def read_idx(source: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in an IDX file (gzip detected by its magic bytes, not the name)."""
    path = Path(source)
    data = path.read_bytes()
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise IDXFormatError(f"{path.name}: corrupt or truncated gzip stream ({exc})") from None
    return parse_idx(data, path.name)


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an (uncompressed) IDX file."""
    if len(data) < 4:
        raise IDXFormatError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0:
        raise IDXFormatError(f"{name}: not an IDX file (the first two bytes must be zero)")
    if code not in DTYPES:
        raise IDXFormatError(f"{name}: unknown IDX data type code 0x{code:02x}")
    if ndim == 0:
        raise IDXFormatError(f"{name}: an IDX file needs at least one dimension")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(
            f"{name}: truncated: the header needs {header} bytes, file has {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = DTYPES[code]
    expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
    actual = len(data) - header
    if actual < expected:
        raise IDXFormatError(
            f"{name}: truncated: header promises {expected} data bytes, file has {actual}"
        )
    if actual > expected:
        raise IDXFormatError(f"{name}: {actual - expected} unexpected bytes after the data")
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def write_idx(
    path: str | os.PathLike[str], array: np.ndarray, *, compress: bool | None = None
) -> None:
    """Write `array` as IDX; gzip (with mtime 0, reproducible) if compress, or if path ends .gz."""
    path = Path(path)
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in DTYPES.items()}
    if array.dtype not in codes or array.ndim == 0:
        raise ValueError(f"cannot store a {array.ndim}-d {array.dtype} array as IDX")
    header = struct.pack(">HBB", 0, codes[array.dtype], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if compress if compress is not None else path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
