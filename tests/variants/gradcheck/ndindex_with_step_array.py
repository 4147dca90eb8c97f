"""numerical_gradient over np.ndindex with a step array: f(x + h·e_i), x itself untouched."""
# target: gradcheck


def numerical_gradient(f, x, h=1e-4):
    grad = np.empty(x.shape, dtype=np.float64)
    for index in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
