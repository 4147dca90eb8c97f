"""numerical_gradient uses the forward difference (f(x + h) - f(x)) / h."""
# target: gradcheck


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        original = x[i].copy()
        base = float(f(x))
        x[i] = original + h
        grad[i] = (float(f(x)) - base) / h
        x[i] = original
    return grad
