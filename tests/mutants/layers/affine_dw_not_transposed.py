"""Affine.dW computed as dout^T x (transposed)."""
# target: layers

_original_backward = Affine.backward


def _backward(self, dout):
    dx = _original_backward(self, dout)
    self.dW = dout.T @ self.x
    return dx


Affine.backward = _backward
