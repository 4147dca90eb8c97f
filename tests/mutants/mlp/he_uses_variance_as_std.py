"""He init with std 2 / fan_in (the variance) instead of its square root."""
# target: mlp

_original_init = init_weights


def init_weights(fan_in, fan_out, method, rng):
    if method == "he":
        return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))
    return _original_init(fan_in, fan_out, method, rng)
