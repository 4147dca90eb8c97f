"""Unit 2: activation functions and their derivatives (20 points): hidden tests."""

from __future__ import annotations

import pytest

from grader.suites import closed_forms as cf
from grader.suites.checks import check_close, fail
from grader.suites.probing import (
    random_points,
)
from grader.suites.public.test_activations import NAMES


@pytest.mark.points(0.5)
def test_activations_table(sub):
    table = sub.ref(sub.activations, "ACTIVATIONS")
    names = sub.fetch(sub.probe("list")(table))
    missing = sorted(set(NAMES) - set(names))
    if missing:
        fail(f"ACTIVATIONS is missing {', '.join(missing)}")
    x = random_points((6,), seed=6, avoid=[0.0, -0.5, 0.5])
    for name in NAMES:
        f, f_grad = table[name]
        check_close(f(x), cf.ACTIVATIONS[name][0](x), f"ACTIVATIONS[{name!r}][0]")
        check_close(f_grad(x), cf.ACTIVATIONS[name][1](x), f"ACTIVATIONS[{name!r}][1]")
