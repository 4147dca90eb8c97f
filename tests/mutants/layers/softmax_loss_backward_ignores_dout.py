"""SoftmaxWithLoss.backward ignores the upstream dout."""
# target: layers

_original_backward = SoftmaxWithLoss.backward


def _backward(self, dout=1):
    return _original_backward(self, 1)


SoftmaxWithLoss.backward = _backward
