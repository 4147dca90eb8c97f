"""iterate_minibatches drops the last, shorter batch."""
# target: train


def iterate_minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(rng).permutation(len(X))
    for start in range(0, len(X) - batch_size + 1, batch_size):
        batch = order[start : start + batch_size]
        yield X[batch], y[batch]
