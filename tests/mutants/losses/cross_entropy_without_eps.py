"""cross_entropy takes log(y) without EPS: a label with probability 0 gives inf."""
# target: losses


def cross_entropy(y, t):
    y = np.atleast_2d(np.asarray(y, dtype=np.float64))
    labels = _labels(t, len(y))
    return float(-np.mean(np.log(y[np.arange(len(y)), labels])))
