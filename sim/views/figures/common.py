"""What the figures share: runs from any input, a summary's estimates, the day axis, offsets.

Small helpers of the figure modules, none of which draws anything by itself.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from sim.runs.reader import RunData, load_runs


def runs_of(runs: Any, labels: Sequence[str] | None = None) -> list[RunData]:
    """One run or a list of runs (EnsembleResults, results directories, RunData) as RunData."""
    return load_runs(list(runs) if isinstance(runs, (list, tuple)) else [runs], labels)


def est(summary: Mapping[str, Any], key: str) -> tuple[float, float, float, int] | None:
    """``(estimate, low, high, n)`` of a summary entry (NaN for a missing bound), or None if it has none."""
    e = summary.get(key)
    if not e or e.get("estimate") is None:
        return None
    lo = e["ci_low"] if e.get("ci_low") is not None else math.nan
    hi = e["ci_high"] if e.get("ci_high") is not None else math.nan
    return float(e["estimate"]), float(lo), float(hi), int(e.get("n", 0))


def day_axis_label(run: RunData) -> str:
    """The label of a day axis, naming the trigger's date where the scenario gives it."""
    d = run.trigger_date
    return f"days since the trigger (day 0 = {d.day} {d:%b %Y})" if d else "days since the trigger"


def offsets(k: int, spread: float = 0.7) -> np.ndarray:
    """Vertical offsets that set k series side by side around each row of a dot plot."""
    return (np.arange(k) - (k - 1) / 2) * (spread / k) if k > 1 else np.zeros(1)


def baseline_index(runs: Sequence[RunData], baseline: int | str) -> int:
    """The position of the baseline among the runs, given by index or by label (or policy name).

    Raises:
        ValueError: no run is that baseline.
    """
    if isinstance(baseline, int):
        if not -len(runs) <= baseline < len(runs):
            raise ValueError(f"baseline={baseline}: there are {len(runs)} runs")
        return baseline % len(runs)
    for i, r in enumerate(runs):
        if baseline in (r.label, r.policy):
            return i
    raise ValueError(f"baseline='{baseline}' is none of the runs ({', '.join(r.label for r in runs)})")
