"""train_perceptron claims convergence after the last epoch, even on XOR."""
# target: gates


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for i in rng.permutation(len(X)):
            error = y[i] - perceptron(X[i], w, b)
            w, b = w + lr * error * X[i], b + lr * error
    return w, b, True
