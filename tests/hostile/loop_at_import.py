"""Loops forever at import with SIGTERM ignored, on top of the reference."""
# target: activations
# base: solutions
# expect: unit gates full; unit activations timeout
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    pass
