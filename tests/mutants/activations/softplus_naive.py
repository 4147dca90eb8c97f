"""softplus as log(1 + exp(x)): overflows at 1e4."""
# target: activations


def softplus(x):
    x = _as_float(x)
    return np.log(1 + np.exp(x))
