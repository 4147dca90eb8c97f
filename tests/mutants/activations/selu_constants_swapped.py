"""selu with lambda and alpha swapped."""
# target: activations


def selu(x):
    x = _as_float(x)
    return SELU_ALPHA * elu(x, SELU_LAMBDA)
