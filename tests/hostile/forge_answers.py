"""Replaces the worker's channel so every answer is True, on top of the stubs."""
# target: activations
# base: exercises
# expect: score 0
import sys

protocol = sys.modules.get("grader.sandbox.protocol")
if protocol is not None:
    _encode = protocol.encode
    protocol.encode = lambda answer, *a, **k: _encode({"ok": True}, *a, **k)
