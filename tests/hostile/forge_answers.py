"""Replaces the worker's channel so every answer is True once activations is imported: gates,
graded before that, keep their 10 points; every forged answer is wrong, never right (the grader
only ever sees values) (base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full
import sys

protocol = sys.modules.get("grader.sandbox.protocol")
if protocol is not None:
    _encode = protocol.encode
    protocol.encode = lambda answer, *a, **k: _encode({"ok": True}, *a, **k)
