"""sigmoid calls pytest.skip, hoping a skipped test counts as passed
(base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full
import pytest


def sigmoid(x):
    pytest.skip("nothing to see here")


def relu(x):
    pytest.xfail("expected to fail")
