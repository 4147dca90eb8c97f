"""For each activation whose test failed: a PNG of the student's curve next to the right one."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from grader.grading.scoring import TestResult
from grader.sandbox.process import Limits
from grader.sandbox.proxy import Submission, SubmissionError
from grader.submissions.sources import open_submission
from grader.suites import closed_forms as cf
from grader.suites.checks import as_array

X = np.linspace(-5, 5, 401)
PLOT_BUDGET_S = 3.0  # the plots are a bonus: a hanging activation must not hold `grade` up


def failed_activations(results: list[TestResult]) -> list[str]:
    """Names of activations that some failing activations test was about, in table order."""
    failing = [r.id for r in results if r.unit == "activations" and r.status != "passed"]
    named = {n for test in failing for n in re.findall(r"[\[-](\w+)\]", test)}
    return [name for name in cf.ACTIVATIONS if name in named]


def student_curve(sub: Submission, name: str) -> np.ndarray | None:
    """The student's values on X, or None if the call fails or returns the wrong kind."""
    try:
        values = as_array(getattr(sub.activations, name)(X), name).astype(float)
    except (SubmissionError, AssertionError, ValueError):
        return None
    return values if values.shape == X.shape else None


def write_plots(
    path: Path, results: list[TestResult], out_dir: Path, isolation: str, limits: Limits
) -> list[Path]:
    """One PNG per failed activation in out_dir: f and f' against the right curves."""
    names = failed_activations(results)
    if not names:
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with open_submission(path, limits=limits, isolation=isolation) as sub:
        sub.set_budget(PLOT_BUDGET_S)
        for name in names:
            fig, axes = plt.subplots(1, 2, figsize=(10, 4))
            for ax, suffix, column in ((axes[0], "", 0), (axes[1], "_grad", 1)):
                ax.plot(X, cf.ACTIVATIONS[name][column](X), color="0.6", lw=4, label="expected")
                mine = student_curve(sub, name + suffix)
                if mine is not None:
                    ax.plot(X, mine, color="C3", lw=1.5, label="yours")
                else:
                    ax.text(0.5, 0.5, "no values (it raised)", ha="center", transform=ax.transAxes)
                ax.set(title=f"{name}{suffix}(x)", xlabel="x")
                ax.grid(True)
                ax.legend()
            fig.tight_layout()
            target = out_dir / f"{name}.png"
            fig.savefig(target, dpi=80)
            plt.close(fig)
            written.append(target)
    return written
