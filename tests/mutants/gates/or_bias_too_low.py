"""OR's bias is AND's (-0.7), so OR(0, 1) is 0."""
# target: gates


def OR(x1, x2):
    return perceptron(np.array([x1, x2]), np.array([0.5, 0.5]), -0.7)
