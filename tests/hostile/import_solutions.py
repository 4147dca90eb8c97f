"""Imports the reference solutions and delegates to them
(base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full; unit activations error
# needs: bubblewrap
from solutions.activations import *  # noqa: F403
