"""fit_mnist trains one epoch of plain SGD with a tiny learning rate: well below the target."""
# target: train


def fit_mnist(X_train, y_train, time_budget_s=60):
    from .optim import SGD

    X = np.asarray(X_train, dtype=np.float32).reshape(len(X_train), -1)
    model = MLP([X.shape[1], 32, 10], seed=0)
    train(model, X, y_train, epochs=1, batch_size=100, optimizer=SGD(lr=0.05), seed=0)
    return model
