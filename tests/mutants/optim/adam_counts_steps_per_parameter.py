"""Adam advances its step count t once per parameter instead of once per update."""
# target: optim


def _update(self, params, grads):
    for key in params:
        self.t += 1
        g = grads[key]
        m = self.m.setdefault(key, np.zeros_like(params[key]))
        v = self.v.setdefault(key, np.zeros_like(params[key]))
        m += (1 - self.beta1) * (g - m)
        v += (1 - self.beta2) * (g * g - v)
        m_hat = m / (1 - self.beta1**self.t)
        v_hat = v / (1 - self.beta2**self.t)
        params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


Adam.update = _update
