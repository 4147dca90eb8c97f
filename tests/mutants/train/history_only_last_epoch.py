"""train records one entry in total instead of one per epoch."""
# target: train

_original_train = train


def train(model, X, y, *, epochs, batch_size, optimizer, X_val=None, y_val=None, seed=None):
    history = _original_train(
        model,
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        optimizer=optimizer,
        X_val=X_val,
        y_val=y_val,
        seed=seed,
    )
    return {key: values[-1:] for key, values in history.items()}
