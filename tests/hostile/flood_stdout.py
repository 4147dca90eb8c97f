"""Prints 20 MB once, then works, on top of the reference: the output is capped."""
# target: activations
# base: solutions
# expect: unit gates full; unit activations full
import sys

_flooded = []
_original_sigmoid = sigmoid


def sigmoid(x):
    if not _flooded:
        _flooded.append(True)
        sys.stdout.write("x" * 20_000_000)
        sys.stderr.write("y" * 1_000_000)
    return _original_sigmoid(x)
