"""iterate_minibatches samples with replacement (the textbook np.random.choice loop)."""
# target: train


def iterate_minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(rng)
    for _ in range(0, len(X), batch_size):
        batch = rng.choice(len(X), size=min(batch_size, len(X)))
        yield X[batch], y[batch]
