"""Small submissions the tests grade: a gates module, right and wrong."""

GATES = """
import numpy as np

def perceptron(x, w, b):
    return int(np.dot(x, w) + b > 0)

def AND(x1, x2):
    return perceptron(np.array([x1, x2]), np.array([0.5, 0.5]), -0.7)

def NAND(x1, x2):
    return perceptron(np.array([x1, x2]), np.array([-0.5, -0.5]), 0.7)

def OR(x1, x2):
    return perceptron(np.array([x1, x2]), np.array([0.5, 0.5]), -0.2)

def XOR(x1, x2):
    return AND(NAND(x1, x2), OR(x1, x2))

def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = y[i] - perceptron(X[i], w, b)
            if error:
                mistakes += 1
                w, b = w + lr * error * X[i], b + lr * error
        if not mistakes:
            return w, b, True
    return w, b, False
"""

WRONG_XOR = GATES.replace("return AND(NAND(x1, x2), OR(x1, x2))", "return OR(x1, x2)")
