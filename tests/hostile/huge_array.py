"""relu returns a 2 GiB array (refused before it is copied; filling it may take the call limit)."""
# target: activations
# base: solutions
# expect: unit gates full; some error-or-crashed-or-timeout


def relu(x):
    return np.ones(2**28)
