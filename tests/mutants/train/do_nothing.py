"""Do nothing: no minibatches, no training, an invented history, an untrained model for MNIST."""
# target: train


def iterate_minibatches(X, y, batch_size, rng):
    return iter(())


def train(model, X, y, *, epochs, batch_size, optimizer, X_val=None, y_val=None, seed=None):
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for epoch in range(epochs):
        history["loss"].append(1.0 / (epoch + 1))
        history["train_acc"].append(0.9 + 0.01 * epoch)
        if X_val is not None:
            history["val_acc"].append(0.9 + 0.01 * epoch)
    return history


def fit_mnist(X_train, y_train, time_budget_s=60):
    return MLP([784, 10], seed=0)
