"""XOR as a comparison of the inputs, not as two layers of gates: right table, wrong lesson."""
# target: gates


def XOR(x1, x2):
    return int(x1 != x2)
