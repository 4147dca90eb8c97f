"""Closes every file descriptor at import, the grader's pipes included, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; unit activations crashed
import os

os.closerange(3, 1024)
