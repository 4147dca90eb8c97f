"""softmax_cross_entropy as log(softmax + 1e-7): wrong for very confident wrong logits."""
# target: losses


def softmax_cross_entropy(logits, t):
    z = np.atleast_2d(np.asarray(logits, dtype=float))
    y = softmax(z, axis=1)
    return float(-np.mean(np.log(y[np.arange(len(z)), _labels(t, len(z))] + EPS)))
