"""Affine.db averages over the batch instead of summing."""
# target: layers

_original_backward = Affine.backward


def _backward(self, dout):
    dx = _original_backward(self, dout)
    self.db = np.mean(dout, axis=0)
    return dx


Affine.backward = _backward
