"""mse sums instead of averaging."""
# target: losses


def mse(y, t):
    return float(np.sum((np.asarray(y, dtype=float) - t) ** 2))
