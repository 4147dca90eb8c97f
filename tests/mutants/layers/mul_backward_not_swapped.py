"""MulLayer.backward returns dout times the SAME input instead of the other one."""
# target: layers


def _backward(self, dout):
    return dout * self.x, dout * self.y


MulLayer.backward = _backward
