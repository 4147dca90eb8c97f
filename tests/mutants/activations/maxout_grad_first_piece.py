"""maxout_grad always uses piece 0 instead of the winning piece."""
# target: activations


def maxout_grad(x, W, b):
    x = _as_float(x)
    J = np.asarray(W, dtype=x.dtype)[0].T
    return np.broadcast_to(J, x.shape[:-1] + J.shape).copy()
