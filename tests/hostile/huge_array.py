"""relu returns a 2 GiB array, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; some error-or-crashed


def relu(x):
    return np.ones(2**28)
