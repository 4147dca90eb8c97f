"""relu_grad uses x >= 0: the right side at the kink."""
# target: activations


def relu_grad(x):
    x = _as_float(x)
    return (x >= 0).astype(x.dtype)
