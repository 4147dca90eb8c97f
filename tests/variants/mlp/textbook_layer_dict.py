"""An MLP in the textbook's style (ch. 5's TwoLayerNet generalised, as in its MultiLayerNet):
layers in an OrderedDict, gradient by forward then backward through reversed layers."""
# target: mlp

from collections import OrderedDict


class MLP:
    def __init__(self, layer_sizes, activation="relu", weight_init="he", seed=None, dtype=None):
        dtype = dtype or "float64"
        if activation not in activations.ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}")
        rng = np.random.default_rng(seed)
        self.params = {}
        self.layers = OrderedDict()
        n = len(layer_sizes) - 1
        for i in range(1, n + 1):
            W = init_weights(layer_sizes[i - 1], layer_sizes[i], weight_init, rng)
            self.params["W" + str(i)] = W.astype(dtype)
            self.params["b" + str(i)] = np.zeros(layer_sizes[i], dtype=dtype)
            W, b = self.params["W" + str(i)], self.params["b" + str(i)]
            self.layers["Affine" + str(i)] = Affine(W, b)
            if i < n:
                self.layers["Activation" + str(i)] = _activation_layer(activation)
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.last_layer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731 (the book's idiom)
        grads = {}
        for key in self.params:
            grads[key] = _numerical_gradient(loss_W, self.params[key])
        return grads

    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.last_layer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        for i in range(1, len(layer_sizes_of(self)) + 1):
            grads["W" + str(i)] = self.layers["Affine" + str(i)].dW
            grads["b" + str(i)] = self.layers["Affine" + str(i)].db
        return grads


def layer_sizes_of(model):
    return [key for key in model.layers if key.startswith("Affine")]
