"""Affine.backward returns dx flattened, not in the input's original shape."""
# target: layers


def _backward(self, dout):
    self.dW = self.x.T @ dout
    self.db = np.sum(dout, axis=0)
    return dout @ self.W.T


Affine.backward = _backward
