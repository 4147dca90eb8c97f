"""Do nothing: the perceptron never fires, every gate says 0, training returns w = 0 at once."""
# target: gates


def perceptron(x, w, b):
    return 0


def AND(x1, x2):
    return 0


def NAND(x1, x2):
    return 0


def OR(x1, x2):
    return 0


def XOR(x1, x2):
    return 0


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    return np.zeros(np.shape(X)[1]), 0.0, False
