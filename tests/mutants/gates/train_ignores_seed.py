"""train_perceptron starts from unseeded random weights: not reproducible."""
# target: gates


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng()
    w, b = rng.normal(size=X.shape[1]), float(rng.normal())
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = y[i] - perceptron(X[i], w, b)
            if error:
                mistakes += 1
                w, b = w + lr * error * X[i], b + lr * error
        if mistakes == 0:
            return w, b, True
    return w, b, False
