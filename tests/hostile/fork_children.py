"""sigmoid forks children that ignore SIGTERM and sleep, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full
import os
import signal
import time

_forked = []
_original_sigmoid = sigmoid


def sigmoid(x):
    if len(_forked) < 3:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(600)
            os._exit(0)
        _forked.append(pid)
    return _original_sigmoid(x)
