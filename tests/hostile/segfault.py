"""sigmoid kills itself with SIGSEGV, as a segfault in C code would, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; some crashed
import os
import signal


def sigmoid(x):
    os.kill(os.getpid(), signal.SIGSEGV)
