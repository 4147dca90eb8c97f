"""Rosenblatt's rule that collects the epoch's errors and checks them at the end."""
# target: gates


def train_perceptron(X, y, lr=0.1, epochs=100, seed=None):
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for _epoch in range(epochs):
        errors = []
        for i in rng.permutation(len(X)):
            delta = y[i] - (1 if np.dot(w, X[i]) + b > 0 else 0)
            errors.append(delta)
            w += lr * delta * X[i]
            b += lr * delta
        if not any(errors):
            return w, b, True
    return w, b, False
