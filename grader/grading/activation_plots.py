"""Plots of activations that show a mistake: the student's curve next to the right one.

A plot is drawn only where it shows something: the student's values differ from the closed form
somewhere on [-5, 5] (those inputs are marked) or at the extremes ±1e4, or the call warned (the
warning is named). Untouched stubs (NotImplementedError) get no plot. The student's functions are
called in a sandboxed worker, never in the grader's process.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np

from grader.grading import learning_curve
from grader.grading.scoring import TestResult
from grader.sandbox.process import Limits
from grader.sandbox.proxy import StudentError, Submission, SubmissionError
from grader.submissions.sources import open_submission
from grader.suites import closed_forms as cf
from grader.suites.checks import as_array

X = np.linspace(-5, 5, 401).round(12)  # steps of 0.025, rounded: the kinks 0 and ±0.5 exactly
EXTREMES = np.array([-1e4, -1e3, 1e3, 1e4])  # large inputs: overflow shows here
PLOT_BUDGET_S = 3.0  # the plots are a bonus: a hanging activation must not hold `grade` up


def plot_names() -> set[str]:
    """Every file name this grader writes into the plots folder."""
    return {f"{name}.png" for name in cf.ACTIVATIONS} | {learning_curve.FILE_NAME}


def clean(out_dir: Path) -> None:
    """Remove the grader's own plots of an earlier run (and nothing else) from out_dir."""
    if not out_dir.is_dir():
        return
    for name in plot_names():
        target = out_dir / name
        if target.is_file() and not target.is_symlink():
            target.unlink()
    if not any(out_dir.iterdir()):
        out_dir.rmdir()


@dataclasses.dataclass
class Curve:
    """The student's values of one function, or why there are none."""

    values: np.ndarray | None = None
    wrong: np.ndarray | None = None  # mask over X: where the values are not the expected ones
    extremes_wrong: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    error: str = ""  # "not written yet" for a stub, else what the call raised

    @property
    def shows_something(self) -> bool:
        """Wrong values or a warning; a stub or a call that raised has nothing to draw (the
        report's message says what it raised)."""
        wrong = self.wrong is not None and bool(self.wrong.any())
        return wrong or bool(self.extremes_wrong or self.warnings)


NOT_WRITTEN = "not written yet"


def mismatch(mine: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Where two curves differ beyond 1e-6 + 1e-4·|expected| (NaN never matches a number)."""
    with np.errstate(invalid="ignore"):
        close = np.isclose(mine, expected, rtol=1e-4, atol=1e-6, equal_nan=True)
    return ~close


def _call(sub: Submission, name: str, x: np.ndarray) -> tuple[np.ndarray | None, list[str], str]:
    try:
        values = as_array(getattr(sub.activations, name)(x), name).astype(float)
    except StudentError as exc:
        reason = NOT_WRITTEN if exc.type_name == "NotImplementedError" else str(exc)
        return None, [], reason
    except (AssertionError, ValueError) as exc:
        return None, [], str(exc).splitlines()[0]
    if values.shape != x.shape:
        return None, [], f"returned shape {values.shape} for an input of shape {x.shape}"
    return values, list(sub.last_warnings), ""


def student_curve(sub: Submission, name: str, expected) -> Curve:
    """The student's `name` on X and at the extremes, compared with `expected`."""
    values, warned, error = _call(sub, name, X)
    if values is None:
        return Curve(error=error)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        right = expected(X)
        curve = Curve(values=values, wrong=mismatch(values, right), warnings=warned)
        at_extremes, warned_extremes, _ = _call(sub, name, EXTREMES)
        if at_extremes is not None:
            curve.warnings += [f"at x = ±1e4, ±1e3: {w}" for w in warned_extremes]
            right = expected(EXTREMES)
            bad = mismatch(at_extremes, right)
            curve.extremes_wrong = [
                f"x={x:g}: {got:.4g} (expected {want:.4g})"
                for x, got, want, b in zip(EXTREMES, at_extremes, right, bad, strict=True)
                if b
            ]
    return curve


def write_plots(
    path: Path, results: list[TestResult], out_dir: Path, isolation: str, limits: Limits
) -> list[Path]:
    """One PNG per activation whose values show the mistake, in out_dir; returns the paths."""
    if not any(r.unit == "activations" and r.status != "passed" for r in results):
        return []
    curves: dict[str, tuple[Curve, Curve]] = {}
    with open_submission(path, limits=limits, isolation=isolation) as sub:
        sub.set_budget(PLOT_BUDGET_S)
        for name, (f, f_grad) in cf.ACTIVATIONS.items():
            try:
                pair = (student_curve(sub, name, f), student_curve(sub, f"{name}_grad", f_grad))
            except SubmissionError:  # a hang or a crash: the report says so; no more plots
                break
            if pair[0].shows_something or pair[1].shows_something:
                curves[name] = pair
    return [draw(name, pair, out_dir) for name, pair in curves.items()]


def draw(name: str, pair: tuple[Curve, Curve], out_dir: Path) -> Path:
    """f and f' side by side: expected in grey, the student's in red, wrong inputs marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    for ax, suffix, column, curve in zip(axes, ("", "_grad"), (0, 1), pair, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ax.plot(X, cf.ACTIVATIONS[name][column](X), color="0.6", lw=4, label="expected")
        if curve.values is not None:
            ax.plot(X, curve.values, color="C3", lw=1.5, label="yours")
            if curve.wrong is not None and curve.wrong.any():
                xs = X[curve.wrong]
                ax.plot(xs, curve.values[curve.wrong], "x", color="k", ms=8,
                        label=f"wrong at {len(xs)} input(s)" + (f", e.g. x={xs[0]:g}"))  # fmt: skip
        else:
            ax.text(0.5, 0.5, curve.error[:60], ha="center", transform=ax.transAxes, wrap=True)
        notes = [*curve.extremes_wrong, *curve.warnings][:3]
        if notes:
            ax.text(0.02, 0.02, "\n".join(notes), transform=ax.transAxes, fontsize=8,
                    color="C3", va="bottom")  # fmt: skip
        ax.set(title=f"{name}{suffix}(x)", xlabel="x")
        ax.grid(True)
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    target = out_dir / f"{name}.png"
    fig.savefig(target, dpi=80)
    plt.close(fig)
    return target
