"""train_perceptron starts from seeded random weights where the stub says w = 0, b = 0."""
# target: gates


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    rng = np.random.default_rng(seed)
    w, b = rng.normal(scale=0.1, size=X.shape[1]), float(rng.normal(scale=0.1))
    for _ in range(epochs):
        mistakes = 0
        for i in rng.permutation(len(X)):
            error = int(y[i]) - perceptron(X[i], w, b)
            if error:
                w, b, mistakes = w + lr * error * X[i], b + lr * error, mistakes + 1
        if mistakes == 0:
            return w, float(b), True
    return w, float(b), False
