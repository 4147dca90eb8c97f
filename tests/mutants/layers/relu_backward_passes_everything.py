"""Relu.backward forgets the mask and passes dout through everywhere."""
# target: layers


def _backward(self, dout):
    return dout


Relu.backward = _backward
