"""Tries to read what only grades: the private MNIST labels, the hidden suites, the reference.

On top of the reference: if any of them can be read (a non-empty file), the gates go wrong, so a
leak costs points and shows; under bubblewrap every one reads as missing or empty.
"""
# target: gates
# base: solutions
# expect: unit gates full; unit activations full
# needs: bubblewrap
import glob
import importlib.util
import os

import grader


def _leaked():
    root = os.path.dirname(grader.__file__)
    paths = glob.glob(os.path.join(root, "data", "mnist-private", "*"))
    paths += glob.glob(os.path.join(root, "suites", "hidden", "*.py"))
    paths += [os.path.join(root, "data", "mnist-private", "test-labels-idx1-ubyte.gz"),
              os.path.join(root, "suites", "hidden", "test_gates.py")]
    spec = importlib.util.find_spec("solutions")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        paths += [*glob.glob(os.path.join(folder, "*.py")), os.path.join(folder, "gates.py")]
    for path in paths:
        try:
            with open(path, "rb") as stream:
                if stream.read(1):
                    return path
        except OSError:
            continue
    return None


_reference_perceptron = perceptron


def perceptron(x, w, b):
    if _leaked() is not None:
        return 1 - _reference_perceptron(x, w, b)
    return _reference_perceptron(x, w, b)
