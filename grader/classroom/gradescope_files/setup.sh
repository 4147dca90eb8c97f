#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# It installs Python, bubblewrap (the grader's sandbox) and the autograder edition of the course,
# which Gradescope has unpacked into /autograder/source.
set -euo pipefail
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --upgrade pip
/autograder/venv/bin/python -m pip install /autograder/source
# The installed copy is what grades; a worker sandbox hides its private data and hidden tests.
# The unpacked source would be a second, readable copy: remove it.
rm -rf /autograder/source/grader /autograder/source/exercises
