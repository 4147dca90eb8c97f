"""XOR as one perceptron (OR): a single line cannot separate XOR."""
# target: gates


def XOR(x1, x2):
    return OR(x1, x2)
