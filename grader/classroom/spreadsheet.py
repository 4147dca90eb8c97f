"""Text cells a spreadsheet shows as text: one line, never a formula (CSV injection)."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """`value` as one line of text, prefixed with ' if a spreadsheet would read it as a formula.

    The prefix is OWASP's advice against CSV injection; numbers are not passed through here.
    """
    text = " ".join(str(value).split()) if value is not None else ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number(value: Any) -> str:
    """A score as a plain number: at most two decimals, no trailing zeros (-1.5 stays -1.5)."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
