"""sigmoid answers with 2.4 million tiny lists (cheap to pack, costly to decode), on top of
the reference: the grader refuses it by count and later calls fail at once."""
# target: activations
# base: solutions
# expect: unit gates full; some crashed; message sent an invalid answer
_bomb = [[[0]] * 600_000] * 4


def sigmoid(x):
    return _bomb
