"""elu evaluates e^x on every element (np.where evaluates both branches): overflow at 1e4."""
# target: activations


def elu(x, alpha=1.0):
    x = _as_float(x)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))
