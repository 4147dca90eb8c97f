"""softmax without subtracting the max: overflows for large logits."""
# target: activations


def softmax(x, axis=-1):
    x = _as_float(x)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
