"""sigmoid through tanh: σ(x) = (1 + tanh(x/2)) / 2, stable without branches."""
# target: activations


def sigmoid(x):
    x = _as_float(x)
    return 0.5 * (1 + np.tanh(0.5 * x))
