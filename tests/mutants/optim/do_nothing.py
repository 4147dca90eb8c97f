"""Do nothing: every optimiser's update leaves the parameters as they are."""
# target: optim


def _update(self, params, grads):
    return None


SGD.update = Momentum.update = Adam.update = _update
