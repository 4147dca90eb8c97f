"""NAND reuses AND's weights and bias, forgetting to negate them."""
# target: gates


def NAND(x1, x2):
    return perceptron(np.array([x1, x2]), np.array([0.5, 0.5]), -0.7)
