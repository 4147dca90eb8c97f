"""SGD rebinds params[key] to a new array instead of changing it in place."""
# target: optim


def _update(self, params, grads):
    for key in params:
        params[key] = params[key] - self.lr * grads[key]


SGD.update = _update
