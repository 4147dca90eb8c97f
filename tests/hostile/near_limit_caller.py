"""sigmoid takes 1.5 s of the 2 s call limit on every call, on top of the reference: a test
that calls it often runs into its own time limit instead of costing calls x 1.5 s."""
# target: activations
# base: solutions
# expect: unit gates full; some timeout
import time

_original_sigmoid = sigmoid


def sigmoid(x):
    time.sleep(1.5)
    return _original_sigmoid(x)
