"""Tries to rewrite the installed grader so every check passes
(base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full
# needs: bubblewrap
import os

import grader

for name in ("checks.py", "runner.py", "scoring.py"):
    path = os.path.join(os.path.dirname(grader.__file__), name)
    try:
        with open(path, "a") as stream:
            stream.write("\n\ndef fail(message):\n    return None\n")
    except OSError:
        pass
