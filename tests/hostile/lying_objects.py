"""Returns objects whose __eq__ and __array_ufunc__ lie, on top of the stubs."""
# target: activations
# base: exercises
# expect: score 0
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return True

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True


class Agreeable:
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no")


def sigmoid(x):
    return np.zeros(np.shape(x)).view(Liar)


def relu(x):
    return Agreeable()


def tanh(x):
    return np.array([Agreeable()], dtype=object)
