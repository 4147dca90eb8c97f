"""train never fills val_acc, even with validation data."""
# target: train

_original_train = train


def train(model, X, y, *, epochs, batch_size, optimizer, X_val=None, y_val=None, seed=None):
    return _original_train(
        model, X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer, seed=seed
    )
