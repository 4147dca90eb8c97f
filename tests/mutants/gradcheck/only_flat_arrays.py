"""numerical_gradient loops over range(x.size) with x[i]: wrong for 2-D and 3-D x."""
# target: gradcheck


def numerical_gradient(f, x, h=1e-4):
    flat = x.reshape(-1)
    grad = np.zeros(x.size)
    for i in range(x.size):
        original = flat[i]
        flat[i] = original + h
        plus = float(f(x))
        flat[i] = original - h
        minus = float(f(x))
        flat[i] = original
        grad[i] = (plus - minus) / (2 * h)
    return grad
