"""iterate_minibatches yields the samples in their original order."""
# target: train


def iterate_minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]
