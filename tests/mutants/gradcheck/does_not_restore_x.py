"""numerical_gradient leaves x[i] at x[i] - h after each element."""
# target: gradcheck


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        original = x[i].copy()
        x[i] = original + h
        plus = float(f(x))
        x[i] = original - h
        grad[i] = (plus - float(f(x))) / (2 * h)
    return grad
