"""SGD climbs: p += lr·g."""
# target: optim


def _update(self, params, grads):
    for key in params:
        params[key] += self.lr * grads[key]


SGD.update = _update
