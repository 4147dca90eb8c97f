"""AddLayer.backward sends back 2·dout, as if the derivative of x + y were 2."""
# target: layers


def _backward(self, dout):
    return dout * 2, dout * 2


AddLayer.backward = _backward
