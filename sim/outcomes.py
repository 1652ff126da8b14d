"""From per-replicate outcomes to estimates with confidence intervals.

Proportions get Wilson score intervals; medians get distribution-free intervals from binomial
order statistics; means get normal intervals from the standard error. Never a bare point.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Estimate and Wilson score interval of a proportion k/n (MODEL.md §6).

    Returns:
        ``(estimate, low, high)``; all NaN when n is 0.
    """
    if n <= 0:
        return (math.nan, math.nan, math.nan)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return (p, low, high)


def median_ci(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Median and its distribution-free interval from binomial order statistics.

    The interval runs between the order statistics at ranks n/2 ∓ z·√n/2, so it holds without
    any assumption about the distribution (it is conservative for tied integer data).
    """
    x = np.sort(np.asarray(values, dtype=float)[~np.isnan(np.asarray(values, dtype=float))])
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    lo = max(0, int(math.floor(n / 2 - z * math.sqrt(n) / 2)))
    hi = min(n - 1, int(math.ceil(n / 2 + z * math.sqrt(n) / 2)) - 1)
    return (float(np.median(x)), float(x[lo]), float(x[max(hi, lo)]))


def mean_ci(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Mean and its normal interval (mean ± z·SE)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return (m, m - z * se, m + z * se)


#: The headline outcomes: key -> (label for the table, how it is computed).
HEADLINE = {
    "p_strikes": "P(strikes: highest rung >= 3)",
    "p_war": "P(war: highest rung >= 4)",
    "p_nuclear": "P(nuclear use: rung 5)",
    "p_ceasefire": "P(ceasefire reached)",
    "p_ceasefire_holding": "P(ceasefire holding at horizon)",
    "median_duration_days": "Median crisis duration (days)",
    "median_days_to_ceasefire": "Median days to ceasefire",
    "median_kinetic_days": "Median kinetic phase (days at rung >= 3 | strikes)",
    "p_accidental_escalation": "P(an escalation caused by misperception)",
    "p_third_party_engaged": "P(a third party engaged)",
    "median_casualties": "Median deaths (both sides)",
    "mean_loc_incidents": "Mean LoC incidents",
    "mean_crises_per_decade": "Mean crisis onsets per decade",
}


def _entry(est: tuple[float, float, float], n: int) -> dict[str, Any]:
    def clean(v: float) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
    return {"estimate": clean(est[0]), "ci_low": clean(est[1]), "ci_high": clean(est[2]), "n": int(n)}


def summarise(df: pd.DataFrame, days: int, broker_names: Iterable[str], third_parties: Iterable[str],
              belligerents: Iterable[str], horizon: str = "crisis") -> dict[str, dict[str, Any]]:
    """Estimates with 95% intervals from the per-replicate outcome table.

    Args:
        df: One row per replicate (see :meth:`sim.model.CrisisModel.outcomes`).
        days: The horizon in days (for the per-decade rate).
        broker_names: Names of the broker codes, code 0 first.
        third_parties: Third-party ids (for engagement and affinity-change entries).
        belligerents: The two belligerent ids.
        horizon: ``"era"`` adds the rate of crisis onsets per decade.

    Returns:
        ``{outcome: {estimate, ci_low, ci_high, n}}``.
    """
    n = len(df)
    out: dict[str, dict[str, Any]] = {}

    def prop(key: str, mask: pd.Series) -> None:
        out[key] = _entry(wilson(int(mask.sum()), n), n)

    prop("p_strikes", df["strikes"])
    prop("p_war", df["war"])
    prop("p_nuclear", df["nuclear"])
    prop("p_ceasefire", df["ceasefire"])
    prop("p_ceasefire_holding", df["ceasefire_holding"])
    out["median_duration_days"] = _entry(median_ci(df["duration_days"].to_numpy()), n)
    cf_days = df["day_ceasefire"].dropna().to_numpy()
    out["median_days_to_ceasefire"] = _entry(median_ci(cf_days), cf_days.size)
    kin = df.loc[df["strikes"], "kinetic_days"].to_numpy()
    out["median_kinetic_days"] = _entry(median_ci(kin), kin.size)
    prop("p_accidental_escalation", df["accidental_escalations"] > 0)
    prop("p_third_party_engaged", df["third_party_engaged"])
    out["median_casualties"] = _entry(median_ci(df["casualties"].to_numpy()), n)
    out["mean_loc_incidents"] = _entry(mean_ci(df["loc_incidents"].to_numpy()), n)
    if horizon == "era":
        per_decade = tuple(v * 3650.0 / days for v in mean_ci(df["crises"].to_numpy()))
        out["mean_crises_per_decade"] = _entry(per_decade, n)
    n_cf = int(df["ceasefire"].sum())
    for code, name in enumerate(broker_names):
        out[f"share_brokered_{name}"] = _entry(wilson(int((df["broker"] == code).sum()), n_cf), n_cf)
    for tp in third_parties:
        out[f"p_engaged_{tp}"] = _entry(wilson(int(df[f"engaged_{tp}"].sum()), n), n)
        for b in belligerents:
            key = f"affinity_change_{tp}_{b}"
            out[f"mean_{key}"] = _entry(mean_ci(df[key].to_numpy()), n)
    return out


# ----------------------------------------------------------------- calibration targets (MODEL.md §8)
def calibration_checks(summary: dict[str, dict[str, Any]]) -> list[tuple[str, bool, str]]:
    """The post-1998 calibration targets of MODEL.md §8, checked on a crisis-horizon summary.

    Returns:
        ``(target, met, detail)`` per target; the estimate must lie in the stated band.
    """
    def est(key: str) -> float:
        value = summary[key]["estimate"]
        return math.nan if value is None else float(value)

    checks = [
        ("strikes likely but not certain (post-2016 ≈ 0.75): P(strikes) in [0.5, 0.95]",
         0.5 <= est("p_strikes") <= 0.95, f"{est('p_strikes'):.3f}"),
        ("war rare: P(war) <= 0.11", est("p_war") <= 0.11, f"{est('p_war'):.4f}"),
        ("nuclear use rarer than war: P(nuclear) <= P(war) and < 0.01",
         est("p_nuclear") <= est("p_war") and est("p_nuclear") < 0.01, f"{est('p_nuclear'):.4f}"),
        ("weeks, not months: median duration in [14, 56] days",
         14 <= est("median_duration_days") <= 56, f"{est('median_duration_days'):.0f} d"),
        ("kinetic phase lasts days: median days at rung >= 3 (given strikes) <= 7",
         est("median_kinetic_days") <= 7, f"{est('median_kinetic_days'):.0f} d"),
        ("a third party engaged in ≈ 90% of crises: P in [0.8, 1]",
         0.8 <= est("p_third_party_engaged") <= 1.0, f"{est('p_third_party_engaged'):.3f}"),
    ]
    return checks
