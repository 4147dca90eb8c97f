"""SoftmaxWithLoss.backward forgets to divide by the batch size."""
# target: layers

_original_backward = SoftmaxWithLoss.backward


def _backward(self, dout=1):
    return _original_backward(self, dout) * len(self.y)


SoftmaxWithLoss.backward = _backward
