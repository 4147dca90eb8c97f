"""numerical_gradient ignores the h it is given and always uses 1e-4."""
# target: gradcheck

_original = numerical_gradient


def numerical_gradient(f, x, h=1e-4):
    return _original(f, x, 1e-4)
