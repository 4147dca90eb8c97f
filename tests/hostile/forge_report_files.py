"""Writes forged full-marks reports wherever it can at import
(base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full
import os

FORGED = "schema: backprop-lab/report/1\nscore: 100\nmax_score: 100\n"
for folder in (".", "..", os.path.expanduser("~")):
    for name in ("grade-report.yaml", "results.json"):
        try:
            with open(os.path.join(folder, name), "w") as stream:
                stream.write(FORGED)
        except OSError:
            pass
