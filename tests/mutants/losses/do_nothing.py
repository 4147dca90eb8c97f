"""Do nothing: every loss is a constant, every gradient is zeros shaped like its input."""
# target: losses


def mse(y, t):
    return 0.0


def mse_grad(y, t):
    return np.zeros_like(_as_float(y))


def binary_cross_entropy(p, t):
    return 0.0


def binary_cross_entropy_grad(p, t):
    return np.zeros_like(_as_float(p))


def cross_entropy(y, t):
    return 1.0


def softmax_cross_entropy(logits, t):
    return 1.0


def softmax_cross_entropy_grad(logits, t):
    return np.zeros_like(_as_float(logits))
