"""train makes a new rng from the seed every epoch: every epoch visits the samples in one order."""
# target: train


def train(model, X, y, *, epochs, batch_size, optimizer, X_val=None, y_val=None, seed=None):
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        losses = []
        for xb, yb in iterate_minibatches(X, y, batch_size, np.random.default_rng(seed)):
            losses.append(model.loss(xb, yb))
            optimizer.update(model.params, model.gradient(xb, yb))
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(model.accuracy(X, y))
        if X_val is not None and y_val is not None:
            history["val_acc"].append(model.accuracy(X_val, y_val))
    return history
