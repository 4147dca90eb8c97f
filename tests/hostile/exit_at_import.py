"""Calls os._exit(0) while the activations module is imported, on top of the reference."""
# target: activations
# base: solutions
# expect: unit activations crashed; unit gates full
import os

os._exit(0)
