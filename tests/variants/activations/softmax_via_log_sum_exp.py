"""softmax as exp(x - logsumexp(x)), relu as x * (x > 0)."""
# target: activations


def softmax(x, axis=-1):
    x = _as_float(x)
    if x.ndim == 0:
        return np.ones_like(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)))


def relu(x):
    x = _as_float(x)
    return x * (x > 0)
