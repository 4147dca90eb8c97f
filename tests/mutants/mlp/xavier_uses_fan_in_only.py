"""Xavier bound as sqrt(6 / fan_in), forgetting fan_out."""
# target: mlp

_original_init = init_weights


def init_weights(fan_in, fan_out, method, rng):
    if method == "xavier":
        limit = np.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    return _original_init(fan_in, fan_out, method, rng)
