"""Momentum starts from a zero velocity at every step (plain SGD in disguise)."""
# target: optim

_original_update = Momentum.update


def _update(self, params, grads):
    self.v = {}
    _original_update(self, params, grads)


Momentum.update = _update
