"""init_weights written as one table of samplers."""
# target: mlp


def init_weights(fan_in, fan_out, method, rng):
    samplers = {
        "xavier": lambda: rng.uniform(-1, 1, (fan_in, fan_out)) * np.sqrt(6 / (fan_in + fan_out)),
        "he": lambda: rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in),
        "normal": lambda: 0.01 * rng.standard_normal((fan_in, fan_out)),
    }
    if method not in samplers:
        raise ValueError(f"method must be one of {sorted(samplers)}")
    return samplers[method]()
