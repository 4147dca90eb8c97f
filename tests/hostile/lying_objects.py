"""Returns objects whose __eq__ and __array_ufunc__ lie
(base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full
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
