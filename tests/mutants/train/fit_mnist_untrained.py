"""fit_mnist returns the model without training it."""
# target: train


def fit_mnist(X_train, y_train, time_budget_s=60):
    X = np.asarray(X_train).reshape(len(X_train), -1)
    return MLP([X.shape[1], 64, 10], seed=0)
