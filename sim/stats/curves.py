"""Curves over days from a run's aggregates: the time to ceasefire and the quantiles of a rung.

Both reduce a run to a few numbers per day (one ``bincount``, or the daily shares per rung), so
their cost does not grow with the number of replicates; the figures draw them as they are. The
time to ceasefire can be counted a block at a time (:func:`ceasefire_survival_blocks`): the
counts are whole numbers, so the curve is exactly that of the whole column.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from sim.stats.intervals import wilson_arrays


def ceasefire_survival(day_ceasefire: np.ndarray, days: int) -> pd.DataFrame:
    """Kaplan-Meier share of replicates with no ceasefire yet, by day, with 95% bands.

    A replicate's event is its first ceasefire (``day_ceasefire``, NaN if none); replicates without
    one are censored at the horizon. As every replicate is followed to the horizon (one that ends
    in nuclear use never reaches a ceasefire and stays "no ceasefire yet"), the Kaplan-Meier
    estimate is the share with no ceasefire by the end of day t, and Greenwood's variance is the
    binomial one; the band is that share's Wilson interval, which stays inside [0, 1].

    Returns:
        One row per day 0..days: ``day``, ``at_risk``, ``events``, ``survival``, ``ci_low``, ``ci_high``.
    """
    return _survival(*_ceasefire_counts(day_ceasefire, days), days)


def ceasefire_survival_blocks(blocks: Iterable[np.ndarray], days: int) -> pd.DataFrame:
    """:func:`ceasefire_survival` of the concatenated blocks of ``day_ceasefire``, counted a block at a time.

    Memory is bounded by a block whatever the number of replicates, and the table is exactly
    that of the whole column (it depends on the counts of events per day and of replicates only).
    """
    events, n = np.zeros(days + 1, dtype=np.int64), 0
    for block in blocks:
        e, k = _ceasefire_counts(block, days)
        events += e
        n += k
    return _survival(events, n, days)


def _ceasefire_counts(day_ceasefire: np.ndarray, days: int) -> tuple[np.ndarray, int]:
    """First ceasefires on each day 0..days (later days counted on the last), and the replicates."""
    x = np.asarray(day_ceasefire, dtype=float)
    ev = x[~np.isnan(x)].astype(np.int64)
    return np.bincount(np.clip(ev, 0, days), minlength=days + 1)[:days + 1], x.size


def _survival(events: np.ndarray, n: int, days: int) -> pd.DataFrame:
    cum = np.cumsum(events)
    at_risk = n - np.concatenate([[0], cum[:-1]])
    _, low, high = wilson_arrays(n - cum, n)
    surv = (n - cum) / n if n else np.full(days + 1, np.nan)
    return pd.DataFrame({"day": np.arange(days + 1), "at_risk": at_risk, "events": events,
                         "survival": surv, "ci_low": low, "ci_high": high})


def rung_quantiles(daily: pd.DataFrame, qs: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
                   prefix: str = "share_highest_rung") -> pd.DataFrame:
    """Quantiles, by day, of a rung whose distribution the daily frame gives as shares per rung.

    The q-quantile is the lowest rung k whose cumulative share reaches q (ties to the lower rung).
    """
    shares = daily[[f"{prefix}{k}" for k in range(6)]].to_numpy(dtype=float)
    cdf = np.cumsum(shares, axis=1)
    out = {"day": daily["day"].to_numpy()}
    for q in qs:
        out[f"q{q:g}"] = (cdf < q - 1e-12).sum(axis=1).clip(0, 5)
    out["mean"] = shares @ np.arange(6)
    return pd.DataFrame(out)
