"""Do nothing: init_weights gives zeros, the MLP has zero weights, predicts zeros, a constant loss,
zero gradients and zero accuracy."""
# target: mlp


def init_weights(fan_in, fan_out, method, rng):
    return np.zeros((fan_in, fan_out))


class MLP:
    def __init__(self, layer_sizes, activation="relu", weight_init="he", seed=None, dtype=None):
        self.sizes = list(layer_sizes)
        self.params, dtype = {}, dtype or "float64"
        for i in range(1, len(self.sizes)):
            self.params[f"W{i}"] = np.zeros((self.sizes[i - 1], self.sizes[i]), dtype=dtype)
            self.params[f"b{i}"] = np.zeros(self.sizes[i], dtype=dtype)

    def predict(self, x):
        return np.zeros((len(x), self.sizes[-1]))

    def loss(self, x, t):
        return float(np.log(self.sizes[-1]))

    def gradient(self, x, t):
        return {key: np.zeros_like(value) for key, value in self.params.items()}

    def numerical_gradient(self, x, t):
        return self.gradient(x, t)

    def accuracy(self, x, t):
        return 0.0
