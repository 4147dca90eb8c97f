"""The test suites, one file per unit, with the checks and probes they share.

The runner hands the submission to the suites' `sub` fixture through `SUBMISSION_KEY`.
"""

import pytest

from grader.sandbox.proxy import Submission

SUBMISSION_KEY = pytest.StashKey[Submission]()
