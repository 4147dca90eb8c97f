"""train records the last minibatch's loss as the epoch's loss instead of the epoch's mean."""
# target: train


def train(model, X, y, *, epochs, batch_size, optimizer, X_val=None, y_val=None, seed=None):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        loss = None
        for xb, yb in iterate_minibatches(X, y, batch_size, rng):
            loss = model.loss(xb, yb)
            optimizer.update(model.params, model.gradient(xb, yb))
        history["loss"].append(float(loss))
        history["train_acc"].append(model.accuracy(X, y))
        if X_val is not None and y_val is not None:
            history["val_acc"].append(model.accuracy(X_val, y_val))
    return history
