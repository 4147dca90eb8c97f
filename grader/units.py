"""The course's units, in teaching order, and the points each is worth (they add up to 100)."""

#: Points per unit; they add up to 100. A suite's `@pytest.mark.points(n)` values add up to these.
UNIT_POINTS = {
    "gates": 10,
    "activations": 20,
    "losses": 10,
    "layers": 15,
    "gradcheck": 5,
    "mlp": 15,
    "optim": 10,
    "train": 15,
}
UNITS = tuple(UNIT_POINTS)
