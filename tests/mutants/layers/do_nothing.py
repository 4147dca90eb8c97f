"""Do nothing: every forward returns zeros (a constant loss), every backward returns zeros."""
# target: layers


class MulLayer:
    def forward(self, x, y):
        return 0.0 * np.asarray(x)

    def backward(self, dout):
        return 0.0 * np.asarray(dout), 0.0 * np.asarray(dout)


class AddLayer(MulLayer):
    pass


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)

    def forward(self, x):
        return np.zeros((len(x), self.W.shape[1]))

    def backward(self, dout):
        return np.zeros((len(dout), self.W.shape[0]))


class Activation:
    def __init__(self, f=None, f_grad=None, *args):
        pass

    def forward(self, x):
        return np.zeros_like(_as_float(x))

    def backward(self, dout):
        return np.zeros_like(_as_float(dout))


Relu = Sigmoid = Tanh = LeakyRelu = Activation


class SoftmaxWithLoss:
    def forward(self, x, t):
        self.shape = np.shape(x)
        return 1.0

    def backward(self, dout=1):
        return np.zeros(self.shape)
