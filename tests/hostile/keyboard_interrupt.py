"""sigmoid raises KeyboardInterrupt and relu SystemExit, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; some error
import sys


def sigmoid(x):
    raise KeyboardInterrupt


def relu(x):
    sys.exit(0)
