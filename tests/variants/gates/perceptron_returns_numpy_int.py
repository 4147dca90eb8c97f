"""Gates through a perceptron with vector weights, returning numpy ints."""
# target: gates


def perceptron(x, w, b):
    return np.int64(np.sum(np.multiply(w, x)) + b > 0)


def XOR(x1, x2):
    s1, s2 = NAND(x1, x2), OR(x1, x2)
    return AND(s1, s2)
