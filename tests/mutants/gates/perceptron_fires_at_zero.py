"""The perceptron fires when w·x + b == 0 (>= instead of >)."""
# target: gates


def perceptron(x, w, b):
    return int(np.dot(w, x) + b >= 0)
