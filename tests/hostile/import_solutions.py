"""Imports the reference solutions and delegates to them, on top of the stubs."""
# target: activations
# base: exercises
# expect: unit activations error; unit gates error
# needs: bubblewrap
from solutions.activations import *  # noqa: F403
