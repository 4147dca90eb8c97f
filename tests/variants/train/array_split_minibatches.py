"""iterate_minibatches with np.array_split of a shuffled index (equal-ish batches)."""
# target: train


def iterate_minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(rng).permutation(len(X))
    for start in range(0, len(order), batch_size):
        yield X[order[start : start + batch_size]], y[order[start : start + batch_size]]
