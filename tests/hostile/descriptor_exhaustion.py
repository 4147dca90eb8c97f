"""Uses up its own descriptors, then kills its worker on every sigmoid call, on top of the
reference: dozens of worker starts must not leak one descriptor in the grader."""
# target: activations
# base: solutions
# expect: unit gates full; some crashed
import os
import resource

_held = []
try:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    for _ in range(min(soft, 4096)):
        _held.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass


def sigmoid(x):
    os._exit(3)
