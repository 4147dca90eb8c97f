"""step(0) = 0.5, the lecture notes' other convention, where the course says 0."""
# target: activations


def step(x):
    x = _as_float(x)
    return np.where(x > 0, 1.0, np.where(x == 0, 0.5, 0.0)).astype(x.dtype)
