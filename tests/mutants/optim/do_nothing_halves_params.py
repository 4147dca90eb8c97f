"""Do nothing useful: every optimiser halves the parameters, whatever the gradient."""
# target: optim


def _update(self, params, grads):
    for key in params:
        params[key] *= 0.5


SGD.update = Momentum.update = Adam.update = _update
