"""Sigmoid.backward uses σ(out) instead of out in out(1 - out)."""
# target: layers


def _backward(self, dout):
    s = sigmoid(self.out)
    return dout * s * (1 - s)


Sigmoid.backward = _backward
