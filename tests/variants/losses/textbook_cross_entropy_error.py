"""The textbook's cross_entropy_error (ch. 4: a 1-D y is reshaped to a batch of one, one-hot t
becomes labels by argmax, log(y + 1e-7))."""
# target: losses


def cross_entropy(y, t):
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
