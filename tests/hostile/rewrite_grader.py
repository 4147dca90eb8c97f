"""Tries to rewrite the installed grader so every check passes, on top of the stubs."""
# target: activations
# base: exercises
# expect: score 0
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
