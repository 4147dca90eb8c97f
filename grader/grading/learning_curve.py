"""The learning curve of the student's `train`: loss and accuracy per epoch, as the suite saw them.

The train suite records the history its `train` call returned (metric `train_history`: lists
`loss`, `train_acc`, `val_acc`); this draws it beside the report when the train unit lost points
(a plot only where it helps: a full train unit gets none, and `grade` does not pay for matplotlib).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

HISTORY_METRIC = "train_history"
FILE_NAME = "learning-curve.png"


def wanted(results: list) -> bool:
    """Whether the curve helps: a test of the train unit earned less than its points."""
    return any(r.unit == "train" and r.points < r.max_points for r in results)


def usable_history(metrics: dict[str, Any]) -> dict[str, list[float]] | None:
    """The recorded history as lists of finite-or-nan floats, or None if there is none to draw."""
    history = metrics.get(HISTORY_METRIC)
    if not isinstance(history, dict):
        return None
    curves = {}
    for key in ("loss", "train_acc", "val_acc"):
        values = history.get(key)
        if isinstance(values, list) and values:
            try:
                curves[key] = [float(v) for v in values]
            except (TypeError, ValueError):
                continue
    return curves if "loss" in curves or "train_acc" in curves else None


def write_plot(metrics: dict[str, Any], out_dir: Path) -> list[Path]:
    """learning-curve.png in out_dir from the recorded history ([] if none was recorded)."""
    curves = usable_history(metrics)
    if curves is None:
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    if "loss" in curves:
        epochs = range(1, len(curves["loss"]) + 1)
        left.plot(epochs, curves["loss"], marker="o")
        if not all(math.isfinite(v) for v in curves["loss"]):
            left.text(0.5, 0.5, "the loss became nan or inf", ha="center", color="C3",
                      transform=left.transAxes)  # fmt: skip
    left.set(title="your train() in the train suite: mean loss", xlabel="epoch")
    for key, label in (("train_acc", "training data"), ("val_acc", "validation data")):
        if key in curves:
            right.plot(range(1, len(curves[key]) + 1), curves[key], marker="o", label=label)
    right.set(title="accuracy per epoch", xlabel="epoch", ylim=(0, 1.02))
    right.legend()
    for ax in (left, right):
        ax.grid(True)
    fig.tight_layout()
    target = out_dir / FILE_NAME
    fig.savefig(target, dpi=80)
    plt.close(fig)
    return [target]
