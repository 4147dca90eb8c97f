"""sigmoid as 1 / (1 + exp(-x)): right values, but exp overflows at -1e4."""
# target: activations


def sigmoid(x):
    x = _as_float(x)
    return 1 / (1 + np.exp(-x))
