"""swish_grad forgets the chain-rule factor beta in the second term."""
# target: activations


def swish_grad(x, beta=1.0):
    x = _as_float(x)
    s = sigmoid(beta * x)
    return s + x * s * (1 - s)
