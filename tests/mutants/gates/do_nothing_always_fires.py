"""Do nothing: every gate and the perceptron always say 1; training claims it converged at once."""
# target: gates


def perceptron(x, w, b):
    return 1


def AND(x1, x2):
    return 1


def NAND(x1, x2):
    return 1


def OR(x1, x2):
    return 1


def XOR(x1, x2):
    return 1


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    return np.zeros(np.shape(X)[1]), 0.0, True
