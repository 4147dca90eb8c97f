"""relu always returns float64, ignoring the float32 rule."""
# target: activations


def relu(x):
    return np.maximum(np.asarray(x, dtype=np.float64), 0)
