"""Checks the suites use: each fails with a message that teaches, never with the answer.

A failed check raises `CheckFailed` (an AssertionError) whose message names the function,
the input in words, and the likely cause. Messages never print the expected array.

Tolerances (float64 unless a test says otherwise):
- values: rtol 1e-6, atol 1e-9 — closed forms vs. a student's float64 arithmetic differ only
  by rounding, a few ulps even after exp/log;
- float32 values: rtol 1e-4, atol 1e-6 — float32 has ~7 significant digits, and
  exp/log in float32 lose up to a few of them;
- gradients: relative error < 1e-6 against the contract — a closed form, or central differences
  of the grader's own forward pass on the same inputs and parameters (never only the student's
  forward, or a constant forward would make a zero gradient "right"). With h = 1e-6 on smooth
  functions in float64 the truncation error is O(h^2) ~ 1e-12 and the rounding error
  O(eps/h) ~ 1e-10, both far below it, while any real mistake gives an error near 1;
- a loss the contract lets take log(p + EPS) (the textbook's cross-entropy, EPS = 1e-7) may sit
  anywhere between the exact value and the EPS-shifted one: `check_loss_value` accepts that
  interval, widened by the value tolerance (the shift is EPS/p per sample, up to 1e-5 or more
  when a label's probability is small, so a fixed rtol alone would fail right code by the seed).

A gradient that is wrong against the contract earns nothing, even when it is consistent with the
student's own (wrong) forward: the message then says so ("your backward matches your forward, but
your forward is wrong"), so the student fixes the forward, and a constant forward with a zero
backward can never pay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import numpy as np

VALUE_RTOL, VALUE_ATOL = 1e-6, 1e-9
FLOAT32_RTOL, FLOAT32_ATOL = 1e-4, 1e-6
GRAD_MAX_RELATIVE_ERROR = 1e-6
NUMERIC_H = 1e-6


class CheckFailed(AssertionError):
    """A check on the student's result failed; the message is the feedback."""


def fail(message: str) -> NoReturn:
    """Fail the current test with `message` as the student's feedback."""
    raise CheckFailed(message)


def as_array(value: Any, what: str) -> np.ndarray:
    """The student's result as a numeric ndarray, or a failure that says what came back."""
    if isinstance(value, (bool, int, float, np.generic)) or isinstance(value, np.ndarray):
        array = np.asarray(value)
        if array.dtype.kind in "biufc":
            return array
    fail(f"{what} must return numbers (a numpy array or a float); it returned {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "None (did you forget `return`?)"
    return f"a {type(value).__name__}"


def check_shape(got: np.ndarray, shape: tuple[int, ...], what: str) -> None:
    """`got` must have exactly `shape`."""
    if tuple(got.shape) != tuple(shape):
        fail(f"{what} must have shape {tuple(shape)}; got shape {tuple(got.shape)}")


def check_dtype(got: np.ndarray, dtype: Any, what: str) -> None:
    """`got` must have `dtype` (float32 in -> float32 out; everything else -> float64)."""
    if got.dtype != np.dtype(dtype):
        fail(
            f"{what} must return {np.dtype(dtype).name} for this input; got {got.dtype.name} "
            "(float32 in gives float32 out, anything else gives float64)"
        )


def check_finite(got: np.ndarray, what: str) -> None:
    """No NaN or inf: a sign of overflow (exp of a large number) or log(0)."""
    if not np.all(np.isfinite(got)):
        bad = "nan" if np.any(np.isnan(got)) else "inf"
        fail(f"{what} gave {bad} — an overflow (exp of a large number?) or log(0)")


def check_close(
    got: Any,
    expected: Any,
    what: str,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    hint: str = "",
    batch_size: int | None = None,
) -> np.ndarray:
    """Values of `got` must match `expected` (shape, finiteness, then values).

    With `batch_size`, a wrong result is diagnosed (N times too large, sign flipped, ...) and the
    cause, when one is found, replaces the generic `hint`.
    """
    got_array = as_array(got, what)
    expected_array = np.asarray(expected)
    check_shape(got_array, expected_array.shape, what)
    if np.all(np.isfinite(expected_array)):
        check_finite(got_array, what)
    float32 = got_array.dtype == np.float32
    rtol = rtol if rtol is not None else (FLOAT32_RTOL if float32 else VALUE_RTOL)
    atol = atol if atol is not None else (FLOAT32_ATOL if float32 else VALUE_ATOL)
    if not np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True):
        wrong = int(np.sum(~np.isclose(got_array, expected_array, rtol=rtol, atol=atol)))
        message = f"{what} is wrong at {wrong} of {expected_array.size} values"
        if batch_size is not None:
            cause = diagnose(got_array, expected_array, batch_size)
            hint = hint if cause.startswith(("relative error", "it is wrong at")) else cause
        fail(f"{message}; {hint}" if hint else message)
    return got_array


def check_value_at(
    got: Any, expected: float, what: str, hint: str = "", *, batch_size: int | None = None
) -> None:
    """A single value, named in words: "sigmoid(-1e4) must be 0.0 without overflow; got nan"."""
    number = single_number(got, what)
    if not np.isclose(number, expected, rtol=VALUE_RTOL * 10, atol=1e-7):
        cause = value_cause(number, expected, batch_size) or hint
        extra = f" ({cause})" if cause else ""
        fail(f"{what} must be {expected:g}; got {number:g}{extra}")


def check_loss_value(
    got: Any,
    exact: float,
    eps_shifted: float,
    what: str,
    hint: str = "",
    *,
    batch_size: int | None = None,
) -> None:
    """A cross-entropy: exact, or with EPS inside the log (the textbook's form), or in between."""
    number = single_number(got, what)
    low, high = min(exact, eps_shifted), max(exact, eps_shifted)
    slack = VALUE_RTOL * 10 * abs(high) + 1e-7
    if not low - slack <= number <= high + slack:
        cause = (
            value_cause(number, exact, batch_size)
            or value_cause(number, eps_shifted, batch_size)
            or hint
        )
        extra = f" ({cause})" if cause else ""
        fail(f"{what} must be {exact:g}; got {number:g}{extra}")


def single_number(got: Any, what: str) -> float:
    """The student's result as one real number, or a failure that says what came back."""
    value = as_array(got, what)
    if value.size != 1:
        fail(f"{what} must be a single number; got shape {value.shape}")
    return complex(value.reshape(-1)[0]).real


def value_cause(got: float, expected: float, batch_size: int | None) -> str:
    """The likely cause of a wrong loss value: summed instead of averaged, and the like."""
    if not (np.isfinite(got) and expected != 0):
        return ""
    ratio = got / expected
    if batch_size and batch_size > 1 and np.isclose(ratio, batch_size, rtol=1e-3):
        return f"it is {batch_size} times too large: summed over the batch instead of averaged"
    if batch_size and batch_size > 1 and np.isclose(ratio, 1 / batch_size, rtol=1e-3):
        return f"it is {batch_size} times too small: divided by the batch size once too often"
    if np.isclose(ratio, -1, rtol=1e-6):
        return "its sign is flipped"
    return ""


# ---------------------------------------------------------------- gradients


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = NUMERIC_H):
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h, computed in the grader."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        plus = float(f(x.copy()))
        x[index] = original - h
        minus = float(f(x.copy()))
        x[index] = original
        grad[index] = (plus - minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), elementwise."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def check_gradient(
    got: Any,
    expected: np.ndarray,
    what: str,
    *,
    batch_size: int | None = None,
    max_error: float = GRAD_MAX_RELATIVE_ERROR,
    own: Callable[[], np.ndarray] | None = None,
    kinks: bool = False,
) -> np.ndarray:
    """A gradient must match the contract's (`expected`: a closed form or central differences
    of the grader's own forward); on failure, name the likely mistake.

    `own`, when given, computes central differences of the student's own forward: a gradient
    that matches it but not the contract still fails, with a message pointing at the forward.
    `kinks`: the function has kinks, so a few wrong entries may be an edge case.
    """
    got_array = as_array(got, what)
    expected = np.asarray(expected)
    if got_array.shape != expected.shape:
        transposed = got_array.ndim == 2 and got_array.T.shape == expected.shape
        fail(
            f"{what} has shape {got_array.shape} but must have the shape of what it is the "
            f"gradient of, {expected.shape}"
            + ("; it looks transposed (x^T dout vs. dout^T x?)" if transposed else "")
        )
    check_finite(got_array, what)
    error = relative_error(got_array, expected)
    if error > max_error:
        if own is not None and _matches(got_array, own):
            fail(
                f"{what} is wrong, although it matches central differences of your own forward: "
                "your backward matches your forward, but your forward is wrong (fix the forward "
                "first; its own test says how)"
            )
        fail(f"{what} is wrong; {diagnose(got_array, expected, batch_size, kinks=kinks)}")
    return got_array


def _matches(got: np.ndarray, own: Callable[[], np.ndarray]) -> bool:
    try:
        numeric = np.asarray(own(), dtype=np.float64)
    except AssertionError:
        return False
    return numeric.shape == got.shape and relative_error(got, numeric) < 1e-5


def diagnose(
    got: np.ndarray, expected: np.ndarray, batch_size: int | None = None, *, kinks: bool = False
) -> str:
    """Name the likely mistake behind a wrong gradient or derivative, without the answer."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if not np.any(got) and np.any(expected):
        return "it is zero everywhere (is it written yet?)"
    ratio = _constant_ratio(got, expected)
    if ratio is not None:
        if batch_size and batch_size > 1 and np.isclose(ratio, batch_size, rtol=1e-3):
            return f"it is {batch_size} times too large: divide by the batch size N"
        if batch_size and batch_size > 1 and np.isclose(ratio, 1 / batch_size, rtol=1e-3):
            return f"it is {batch_size} times too small: divided by the batch size once too often"
        if np.isclose(ratio, -1, rtol=1e-6):
            return "its sign is flipped"
        if np.isclose(ratio, 1, rtol=1e-3):
            return (
                f"it is off by a relative {abs(ratio - 1):.1g}, more than the 1e-6 allowed: a "
                "small offset (an EPS where the formula has none?) or a float32 step"
            )
        return f"it is off by a constant factor of {ratio:.3g}: a factor is missing or extra"
    if got.ndim == 2 and got.shape[0] == got.shape[1] and relative_error(got.T, expected) < 1e-6:
        return "it looks transposed"
    wrong = ~np.isclose(got, expected, rtol=1e-5, atol=1e-7)
    if np.any(wrong) and np.sum(wrong) <= max(1, wrong.size // 10):
        count = int(np.sum(wrong))
        where = " (a kink or edge case?)" if kinks else ""
        return f"it is wrong at only {count} of {wrong.size} entries{where}"
    return f"relative error {relative_error(got, expected):.2g}"


def _constant_ratio(got: np.ndarray, expected: np.ndarray) -> float | None:
    mask = np.abs(expected) > 1e-8
    if not np.any(mask) or np.any(np.abs(got[~mask]) > 1e-8):
        return None
    ratios = got[mask] / expected[mask]
    if np.allclose(ratios, ratios.flat[0], rtol=1e-5) and not np.isclose(
        ratios.flat[0], 1, rtol=1e-9
    ):
        return float(ratios.flat[0])
    return None
