"""MNIST and Fashion-MNIST: the bundled subset offline, or the full sets downloaded once.

    (X_train, y_train), (X_val, y_val) = load_mnist()

source="bundled" (default) reads the real-MNIST subset shipped in grader/data/mnist-subset: a
4,000-image training split and a 1,000-image validation split, all from MNIST's training set (see
its README for provenance); source="full" downloads the four standard files (training and test
set) into a cache, verifying checksums; any other value is a directory holding them.
The images fit_mnist is scored on are private (MNIST test-set images no student data contains):
they ship only in the autograder edition, read by load_private_test().
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO

import numpy as np

from grader.idx import IDXFormatError, read_idx

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
BUNDLED = Path(__file__).parent / "data" / "mnist-subset"
#: The bundled subset's second split is a validation split, not MNIST's test set.
BUNDLED_FILES = {
    **FILES,
    "test_images": "valid-images-idx3-ubyte.gz",
    "test_labels": "valid-labels-idx1-ubyte.gz",
}
PRIVATE = Path(__file__).parent / "data" / "mnist-private"
PRIVATE_FILES = ("test-images-idx3-ubyte.gz", "test-labels-idx1-ubyte.gz")
CACHE_ENV = "BACKPROP_LAB_DATA"
TIMEOUT_S = 30

MIRRORS = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ],
    "fashion-mnist": ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
}
# SHA-256 of each file as published. MNIST: from the course's DATA.md (three recomputed from
# real copies, train-images the published value). Fashion-MNIST: computed here from Debian's
# dataset-fashion-mnist after restoring the gzip header its build normalised (name, mtime); the
# restored files reproduce the MD5s and sizes published in the README of
# github.com/zalandoresearch/fashion-mnist (8d4fb7e6..., 25c81989..., bef4ecab..., bb300cfd...).
# Debian's own copies differ only in that header: read them with source=<their folder>.
CHECKSUMS: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
        ),
        "train-labels-idx1-ubyte.gz": (
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
        ),
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
        ),
        "train-labels-idx1-ubyte.gz": (
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
        ),
    },
}


class DatasetError(RuntimeError):
    """The data could not be found, fetched or read; the message says what to do."""


def load_mnist(
    source: str | os.PathLike[str] = "bundled",
    *,
    kind: str = "mnist",
    cache_dir: str | os.PathLike[str] | None = None,
    mirrors: list[str] | None = None,
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((X_train, y_train), (X_test, y_test)); for the bundled subset the second pair is its
    validation split (MNIST training-set images), not images the grader scores on.

    X: float32 in [0, 1] if normalize else uint8; (N, 784) if flatten else (N, 28, 28).
    y: int64 labels (N,), or float32 one-hot (N, 10) if one_hot_label.
    """
    if kind not in MIRRORS:
        raise DatasetError(f"unknown kind {kind!r}: use 'mnist' or 'fashion-mnist'")
    if source == "bundled":
        if kind != "mnist":
            raise DatasetError(f"no bundled {kind} subset: use source='full' or a directory")
        folder, names = BUNDLED, BUNDLED_FILES
    elif source == "full":
        folder, names = download(kind, cache_dir=cache_dir, mirrors=mirrors), FILES
    else:
        folder, names = Path(source), FILES
    arrays = {key: _read(folder, name, names) for key, name in names.items()}
    splits = []
    for part in ("train", "test"):
        images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        _validate(images, labels, folder, part)
        splits.append((_images(images, normalize, flatten), _labels(labels, one_hot_label)))
    return splits[0], splits[1]


def has_private_test() -> bool:
    """Is the private test set here (the course repository and the autograder edition)?"""
    return all((PRIVATE / name).is_file() for name in PRIVATE_FILES)


def load_private_test(*, normalize: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(X_test, y_test): the 1,000 private MNIST test images fit_mnist is scored on, flattened.

    Only the grader reads them (never a worker); the student edition does not have them.
    """
    if not has_private_test():
        raise DatasetError(
            f"the private test set is not in {PRIVATE}: it ships only in the autograder "
            "edition (grade release); students estimate their accuracy on load_mnist()'s "
            "validation split"
        )
    images = _read(PRIVATE, PRIVATE_FILES[0], {n: n for n in PRIVATE_FILES})
    labels = _read(PRIVATE, PRIVATE_FILES[1], {n: n for n in PRIVATE_FILES})
    _validate(images, labels, PRIVATE, "private test")
    return _images(images, normalize, True), _labels(labels, False)


def cache_folder(kind: str, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where downloads go: cache_dir, else $BACKPROP_LAB_DATA, else ~/.cache/backprop-lab."""
    root = cache_dir or os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "backprop-lab"
    return Path(root) / kind


def download(
    kind: str = "mnist",
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    mirrors: list[str] | None = None,
) -> Path:
    """Fetch the four files into the cache (once), verified; returns the cache folder."""
    folder = cache_folder(kind, cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    mirrors = list(mirrors if mirrors is not None else MIRRORS[kind])
    for name in FILES.values():
        target = folder / name
        if target.is_file() and _digest_ok(target, name, kind):
            continue
        working = _fetch(name, target, kind, mirrors)
        mirrors.remove(working)
        mirrors.insert(0, working)  # the next file tries the mirror that just worked first
    return folder


def _fetch(name: str, target: Path, kind: str, mirrors: list[str]) -> str:
    """Try each mirror in turn; only a verified file ever reaches `target`. Returns the mirror."""
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                _copy_url(url, out)
            if not _digest_ok(Path(temporary), name, kind):
                raise DatasetError("checksum mismatch (a corrupt or different file)")
            os.replace(temporary, target)
            return mirror
        except (OSError, http.client.HTTPException, DatasetError, ValueError) as exc:
            failures.append(f"  {url}: {_reason(exc)}")
        finally:
            Path(temporary).unlink(missing_ok=True)
    raise DatasetError(
        f"could not download {kind} file {name}; tried:\n"
        + "\n".join(failures)
        + f"\nCheck the network, or download the four files yourself and pass "
        f"source='<their folder>', or put them in {target.parent} (set {CACHE_ENV} to move it)."
    )


def _copy_url(url: str, out: BinaryIO) -> None:
    """Stream url into `out`; a body shorter than its Content-Length is an error."""
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        expected = response.headers.get("Content-Length")
        received = 0
        while chunk := response.read(1 << 16):
            out.write(chunk)
            received += len(chunk)
    if expected is not None and received != int(expected):
        raise DatasetError(f"truncated transfer: {received} of {expected} bytes")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"unreachable ({exc.reason})"
    return str(exc) or type(exc).__name__


def _digest_ok(path: Path, name: str, kind: str) -> bool:
    """Does the file at `path` have the published SHA-256 of `name`?"""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest() == CHECKSUMS[kind][name]


def _read(folder: Path, name: str, names: dict[str, str] | None = None) -> np.ndarray:
    """Read `name` from folder, gzipped or raw (name without .gz); `names`: the set expected."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            try:
                return read_idx(candidate)
            except IDXFormatError as exc:
                raise DatasetError(f"{folder}: {exc}") from None
    missing = [
        n
        for n in (names or FILES).values()
        if not any((folder / c).is_file() for c in (n, n.removesuffix(".gz")))
    ]
    raise DatasetError(
        f"{folder} lacks {', '.join(missing)} (gzipped or not): it must hold the four standard "
        "MNIST files"
    )


def _validate(images: np.ndarray, labels: np.ndarray, folder: Path, part: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise DatasetError(f"{folder}: {part} images must be N 28x28 uint8 images")
    if labels.ndim != 1 or len(labels) != len(images):
        raise DatasetError(f"{folder}: {len(images)} {part} images but {len(labels)} labels")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DatasetError(f"{folder}: {part} labels must be digits 0-9")


def _images(images: np.ndarray, normalize: bool, flatten: bool) -> np.ndarray:
    out = images.reshape(len(images), -1) if flatten else images
    return (out / np.float32(255)).astype(np.float32) if normalize else out.copy()


def _labels(labels: np.ndarray, one_hot: bool) -> np.ndarray:
    labels = labels.astype(np.int64)
    return np.eye(10, dtype=np.float32)[labels] if one_hot else labels
