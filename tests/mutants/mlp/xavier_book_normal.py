"""init_weights' "xavier" is the book's chapter-6 version, normal with std √(1 / fan_in)."""
# target: mlp

_course_init_weights = init_weights


def init_weights(fan_in, fan_out, method, rng):
    if method == "xavier":
        return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
    return _course_init_weights(fan_in, fan_out, method, rng)
