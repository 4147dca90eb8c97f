"""softmax normalises over the whole array instead of along the axis."""
# target: activations


def softmax(x, axis=-1):
    x = _as_float(x)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)
