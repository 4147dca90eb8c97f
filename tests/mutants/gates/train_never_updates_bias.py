"""The learning rule updates w but never b, so NAND cannot be learned."""
# target: gates


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = y[i] - perceptron(X[i], w, b)
            if error:
                mistakes += 1
                w = w + lr * error * X[i]
        if mistakes == 0:
            return w, b, True
    return w, b, False
