"""Unit 4: layers of a computation graph, forward and backward (15 points): hidden tests."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites.checks import check_close, check_dtype
from grader.suites.public.test_layers import affine_case


@pytest.mark.points(0.5)
def test_layers_keep_float32(sub):
    x, W, b, dout = (a.astype(np.float32) for a in affine_case((4, 5)))
    affine, relu = sub.layers.Affine(W, b), sub.layers.Relu()
    out = check_close(relu.forward(affine.forward(x)), np.maximum(x @ W + b, 0), "Affine→Relu")
    check_dtype(out, np.float32, "Affine→Relu forward on float32 x, W, b")
    dx = check_close(
        affine.backward(relu.backward(dout)), ((x @ W + b > 0) * dout) @ W.T, "Affine→Relu backward"
    )
    check_dtype(dx, np.float32, "Affine→Relu backward on float32")
