"""sigmoid answers right only if the worker has no network but loopback, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; unit activations full
# needs: bubblewrap
import socket

_original_sigmoid = sigmoid


def sigmoid(x):
    interfaces = [name for _, name in socket.if_nameindex()]
    if interfaces != ["lo"]:
        raise RuntimeError(f"the worker can reach a network through {interfaces}")
    return _original_sigmoid(x)
