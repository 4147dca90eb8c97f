"""sigmoid answers three times, then spins with SIGTERM ignored, on top of the reference:
one call limit is spent, every later call to it fails at once saying why."""
# target: activations
# base: solutions
# expect: unit gates full; some timeout; message did not return within 2 s earlier in this run
import signal

_original_sigmoid = sigmoid
_calls = []


def sigmoid(x):
    _calls.append(1)
    if len(_calls) > 3:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            pass
    return _original_sigmoid(x)
