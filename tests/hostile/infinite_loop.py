"""sigmoid loops forever and ignores SIGTERM, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; some timeout; message did not return within 2 s earlier in this run
import signal


def sigmoid(x):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        pass
