"""Starts up to 200 sleeping children and a 1 GiB child per sigmoid call; had more than 40 of
them started (no process limit), it would answer wrongly; on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; unit activations full
# needs: bubblewrap
import os
import time

_original_sigmoid = sigmoid
_started = []


def _spawn(count):
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            return
        if pid == 0:
            time.sleep(120)
            os._exit(0)
        _started.append(pid)


def sigmoid(x):
    if not _started:
        _spawn(200)
    if len(_started) > 40:
        return 0 * _original_sigmoid(x)
    return _original_sigmoid(x)
