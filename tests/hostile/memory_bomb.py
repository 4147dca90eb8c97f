"""relu allocates far beyond the memory limit (MemoryError, or the call limit while filling
its first 2 GiB under the memory cgroup), on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; some error-or-crashed-or-timeout
import numpy as np


def relu(x):
    hoard = [np.ones(2**28) for _ in range(64)]  # 128 GiB if nothing stopped it
    return hoard[0][: np.size(x)]
