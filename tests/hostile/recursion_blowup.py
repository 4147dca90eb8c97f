"""sigmoid recurses without end, tanh with the recursion limit lifted, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; some error-or-crashed
import sys


def sigmoid(x):
    return sigmoid(x)


def tanh(x):
    sys.setrecursionlimit(10**7)

    def dive(n):
        return dive(n + 1) + 1

    return dive(0)
