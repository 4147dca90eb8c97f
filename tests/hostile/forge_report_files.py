"""Writes forged full-marks reports wherever it can at import, on top of the stubs."""
# target: activations
# base: exercises
# expect: score 0
import os

FORGED = "schema: backprop-lab/report/1\nscore: 100\nmax_score: 100\n"
for folder in (".", "..", os.path.expanduser("~")):
    for name in ("grade-report.yaml", "results.json"):
        try:
            with open(os.path.join(folder, name), "w") as stream:
                stream.write(FORGED)
        except OSError:
            pass
