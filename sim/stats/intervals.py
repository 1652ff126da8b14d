"""Confidence intervals: the one implementation of each, used by summaries, comparisons and figures.

Proportions get Wilson score intervals; medians get distribution-free intervals from binomial
order statistics; means get normal intervals from the standard error; differences of paired
proportions get Tango's score interval and differences of independent ones Newcombe's hybrid
score interval. Never a bare point.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Estimate and Wilson score interval of a proportion k/n (brief M§6).

    The scalar face of :func:`wilson_arrays` (one implementation, so a summary and a figure band
    give the same floats).

    Returns:
        ``(estimate, low, high)``; all NaN when n is 0.
    """
    p, low, high = wilson_arrays(k, n, z)
    return (float(p), float(low), float(high))


def median_ci(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Median and its distribution-free interval from binomial order statistics.

    The interval runs between the order statistics at ranks n/2 ∓ z·√n/2, so it holds without
    any assumption about the distribution (it is conservative for tied integer data). NaN values
    are ignored.
    """
    x = np.asarray(values, dtype=float)
    x = np.sort(x[~np.isnan(x)])
    return _median_ci_from(x.size, lambda ranks: {r: float(x[r]) for r in ranks}, z)


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


def _median_ranks(n: int, z: float = Z95) -> tuple[int, int]:
    """The 0-based ranks of the order statistics bounding the median's interval among n values."""
    lo = max(0, int(math.floor(n / 2 - z * math.sqrt(n) / 2)))
    hi = min(n - 1, int(math.ceil(n / 2 + z * math.sqrt(n) / 2)) - 1)
    return lo, max(hi, lo)


def _median_ci_from(n: int, select: Callable[[list[int]], dict[int, float]], z: float = Z95
                    ) -> tuple[float, float, float]:
    """The median and its interval (see :func:`median_ci`) from a function returning the order
    statistics at 0-based ranks: the one implementation, for values in memory or streamed."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    lo, hi = _median_ranks(n, z)
    mids = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    got = select([lo, hi, *mids])
    med = got[mids[0]] if n % 2 else (got[mids[0]] + got[mids[1]]) / 2.0
    return (float(med), got[lo], got[hi])


def wilson_arrays(k: np.ndarray, n: int | np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimate and Wilson score interval of proportions k/n, element by element: ``(p, low, high)``.

    The one Wilson implementation (:func:`wilson` is its scalar face). Where n is 0 all three are NaN.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(k == 0, 0.0, np.maximum(0.0, centre - half))
        high = np.where(k == n, 1.0, np.minimum(1.0, centre + half))
    empty = n <= 0
    if np.any(empty):
        p, low, high = (np.where(empty, math.nan, v) for v in (p, low, high))
    return p, low, high


def newcombe_interval(k_a: int, n_a: int, k_b: int, n_b: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference of two independent proportions k_a/n_a - k_b/n_b and Newcombe's hybrid score interval.

    Built from the two Wilson intervals (Newcombe 1998, method 10), so like them it keeps a width
    and stays in [-1, 1] for rare events, where a normal interval collapses to a point.

    Returns:
        ``(difference, low, high)``; all NaN when either n is 0.
    """
    pa, la, ha = wilson(k_a, n_a, z)
    pb, lb, hb = wilson(k_b, n_b, z)
    diff = pa - pb
    return (diff, diff - math.sqrt((pa - la) ** 2 + (hb - pb) ** 2),
            diff + math.sqrt((ha - pa) ** 2 + (pb - lb) ** 2))


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
