"""Ships a conftest.py whose hooks would mark every test passed
(base: the reference with activations stubbed)."""
# target: new:conftest
# base: partial
# expect: score 10; unit gates full
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
