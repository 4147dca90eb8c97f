"""relu writes a 1 GB file, on top of the reference: the file-size limit stops it."""
# target: activations
# base: solutions
# expect: unit gates full; some error-or-crashed


def relu(x):
    block = b"\0" * 2**20
    with open("big.bin", "wb") as stream:
        for _ in range(1024):
            stream.write(block)
    return np.maximum(x, 0)
