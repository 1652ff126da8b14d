"""Confidence intervals: the one implementation of each, used by summaries, comparisons and figures.

Proportions get Wilson score intervals; medians get distribution-free intervals from binomial
order statistics; means get normal intervals from the standard error; differences of paired
proportions get Tango's score interval. Never a bare point.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

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


def _moments_ci(a: dict[str, Any], z: float = Z95) -> tuple[float, float, float]:
    """Like :func:`mean_ci`, from merged moments."""
    n = a["n"]
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = a["mean"]
    se = math.sqrt(a["m2"] / (n - 1)) / math.sqrt(n) if n > 1 else math.nan
    return (m, m - z * se, m + z * se)


def _median_ci_from(n: int, select: Callable[[list[int]], dict[int, float]], z: float = Z95
                    ) -> tuple[float, float, float]:
    """Like :func:`median_ci`, from a function returning order statistics at 0-based ranks."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    lo = max(0, int(math.floor(n / 2 - z * math.sqrt(n) / 2)))
    hi = min(n - 1, int(math.ceil(n / 2 + z * math.sqrt(n) / 2)) - 1)
    mids = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    got = select([lo, max(hi, lo), *mids])
    med = got[mids[0]] if n % 2 else (got[mids[0]] + got[mids[1]]) / 2.0
    return (float(med), got[lo], got[max(hi, lo)])


def wilson_arrays(k: np.ndarray, n: int | np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised Wilson score interval (as :func:`sim.outcomes.wilson`): ``(p, low, high)``."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(k == 0, 0.0, np.maximum(0.0, centre - half))
        high = np.where(k == n, 1.0, np.minimum(1.0, centre + half))
    return p, low, high


def tango_interval(b: int, c: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference of two paired proportions and its 95% score interval (Tango 1998).

    ``b`` pairs have the outcome only in the first run, ``c`` only in the second (the per-replicate
    differences +1 and -1), out of ``n`` pairs. The score interval keeps a non-zero width when
    there are no discordant pairs (unlike mean ± 1.96·SE of the differences) and stays in [-1, 1].

    Returns:
        ``(difference, low, high)``.
    """
    if n <= 0:
        return (math.nan, math.nan, math.nan)
    est = (b - c) / n

    def score(delta: float) -> float:
        a_, b_ = 2.0 * n, -b - c + (2.0 * n - b + c) * delta
        c_ = -c * delta * (1.0 - delta)
        q21 = (math.sqrt(max(b_ * b_ - 4 * a_ * c_, 0.0)) - b_) / (2 * a_)
        var = n * (2 * q21 + delta * (1.0 - delta))
        return (b - c - n * delta) / math.sqrt(var) if var > 0 else (math.inf if b - c - n * delta > 0 else -math.inf)

    def bound(lo: float, hi: float, upper: bool) -> float:
        # score() falls as delta rises; find where it crosses -z (upper bound) or +z (lower bound)
        target = -z if upper else z
        for _ in range(100):
            mid = (lo + hi) / 2
            if score(mid) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = -1.0 if score(-1.0 + 1e-12) <= z else bound(-1.0 + 1e-12, est, upper=False)
    high = 1.0 if score(1.0 - 1e-12) >= -z else bound(est, 1.0 - 1e-12, upper=True)
    return est, low, high


