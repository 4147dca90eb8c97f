"""Adam without bias correction: the first steps are far too small."""
# target: optim


def _update(self, params, grads):
    self.t += 1
    for key in params:
        g = grads[key]
        m = self.m.setdefault(key, np.zeros_like(params[key]))
        v = self.v.setdefault(key, np.zeros_like(params[key]))
        m += (1 - self.beta1) * (g - m)
        v += (1 - self.beta2) * (g * g - v)
        params[key] -= self.lr * m / (np.sqrt(v) + self.eps)


Adam.update = _update
