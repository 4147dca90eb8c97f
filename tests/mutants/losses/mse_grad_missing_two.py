"""mse_grad forgets the factor 2 from the square."""
# target: losses


def mse_grad(y, t):
    y = _as_float(y)
    return (y - t) / y.size
