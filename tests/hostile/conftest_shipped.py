"""Ships a conftest.py whose hooks would mark every test passed, on top of the stubs."""
# target: new:conftest
# base: exercises
# expect: score 0
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
