"""binary_cross_entropy without clipping: log(0) at certain predictions."""
# target: losses


def binary_cross_entropy(p, t):
    p, t = np.asarray(p, dtype=float), np.asarray(t, dtype=float)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
