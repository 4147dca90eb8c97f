"""Do nothing: an MLP with no parameters at all (params = {}), zero logits and no gradients;
init_weights returns an empty matrix."""
# target: mlp


def init_weights(fan_in, fan_out, method, rng):
    return np.empty((fan_in, 0))


class MLP:
    def __init__(self, layer_sizes, activation="relu", weight_init="he", seed=None, dtype=None):
        self.sizes = list(layer_sizes)
        self.params = {}

    def predict(self, x):
        return np.zeros((len(x), self.sizes[-1]))

    def loss(self, x, t):
        return float(np.log(self.sizes[-1]))

    def gradient(self, x, t):
        return {}

    def numerical_gradient(self, x, t):
        return {}

    def accuracy(self, x, t):
        return 0.0
