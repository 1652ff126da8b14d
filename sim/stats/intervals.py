"""Confidence intervals: the one implementation of each, used by summaries, comparisons and figures.

Proportions get Wilson score intervals; medians get distribution-free intervals from order
statistics at exact binomial ranks (unbounded below 6 values); means get normal intervals from
the standard error; differences of paired proportions get Tango's score interval and differences
of independent ones Newcombe's hybrid score interval. Never a bare point.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np

Z95 = 1.959963984540054
LEVEL95 = 0.95


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Estimate and Wilson score interval of a proportion k/n (brief M§6).

    The scalar face of :func:`wilson_arrays` (one implementation, so a summary and a figure band
    give the same floats).

    Returns:
        ``(estimate, low, high)``; all NaN when n is 0.
    """
    p, low, high = wilson_arrays(k, n, z)
    return (float(p), float(low), float(high))


def median_ci(values: np.ndarray, level: float = LEVEL95) -> tuple[float, float, float]:
    """Median and its distribution-free interval from exact binomial order statistics.

    With the n non-missing values sorted, ``x_(1) <= ... <= x_(n)``, the interval is
    ``[x_(j), x_(n+1-j)]`` for the largest j with ``P(B <= j-1) <= (1 - level)/2``, B ~
    Binomial(n, 1/2) (the count of values below the true median). It covers the median with
    probability ``1 - 2·P(B <= j-1) >= level`` for any continuous distribution, and at least that
    for tied data (the interval is closed). The binomial tail is computed exactly (see
    :func:`median_ranks`), not from a normal approximation, which under-covers.

    Below 6 values (for ``level`` 0.95) even ``[x_(1), x_(n)]`` covers with probability
    ``1 - 2·2^-n < 0.95``: no finite distribution-free interval exists, so the honest interval is
    unbounded and both bounds are NaN (``null`` in ``summary.json``, "n too small" in tables)
    while the estimate is still the sample median. NaN values are ignored; with none left all
    three are NaN.

    Args:
        values: The sample.
        level: The confidence level.

    Returns:
        ``(median, low, high)``.
    """
    x = np.asarray(values, dtype=float)
    x = np.sort(x[~np.isnan(x)])
    return _median_ci_from(x.size, lambda ranks: {r: float(x[r]) for r in ranks}, level)


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


def _stirlerr(x: float) -> float:
    """``log(x!) - [(x + 1/2)·log(x) - x + log(2π)/2]``, accurate to about 1e-16 for x >= 1.

    Computed directly for small x and from its asymptotic series beyond (Loader 2000), where
    the direct difference would lose digits to cancellation between terms of size x·log(x).
    """
    if x <= 15:
        return math.lgamma(x + 1) - (x + 0.5) * math.log(x) + x - 0.5 * math.log(2 * math.pi)
    x2 = x * x
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) / x


@functools.lru_cache(maxsize=256)
def median_ranks(n: int, level: float = LEVEL95) -> tuple[int, int] | None:
    """The 0-based ranks ``(j - 1, n - j)`` of the order statistics bounding the median's interval.

    j is the largest with ``P(B <= j-1) <= (1 - level)/2``, B ~ Binomial(n, 1/2) (see
    :func:`median_ci`); None when there is none (n <= 5 at the 95% level): the interval is unbounded.

    The tail is summed from the binomial probabilities themselves, in floating point but without
    approximation: the probability at the centre, ``n // 2``, in closed form (Stirling's series
    with its error term), then the others down from it by the exact ratio
    ``P(B = k-1)/P(B = k) = k/(n-k+1)``, in logs, as ``log1p`` of small numbers so that no digit is
    lost. Probabilities more than 16 standard deviations below the centre (under 1e-55 in all)
    are left out: they cannot move a tail that is compared with 0.025. The work is
    ``O(sqrt(n))``: well under a millisecond at n = 10^7.
    """
    tail = (1.0 - level) / 2.0
    m = n // 2
    # P(B = n//2) for n even is sqrt(2/(πn))·exp(s(n) - 2·s(n/2)); for odd n it equals the
    # central probability of n + 1 (C(n, m)/2^n = C(n+1, m+1)/2^(n+1)).
    even = n + n % 2
    log_centre = 0.5 * math.log(2.0 / (math.pi * even)) + _stirlerr(even) - 2.0 * _stirlerr(even / 2)
    low = max(0, m - math.ceil(16 * math.sqrt(n) / 2))
    k = np.arange(m, low, -1, dtype=float)  # log P(k-1) - log P(k), for k = m, m-1, ..., low+1
    steps = np.log1p(-(n + 1 - 2 * k) / (n - k + 1))
    log_pmf = log_centre + np.concatenate([[0.0], np.cumsum(steps)])[::-1]  # ranks low..m
    cdf = np.cumsum(np.exp(log_pmf))  # P(B <= low), ..., P(B <= m)
    j = low + int(np.searchsorted(cdf, tail, side="right"))  # the count of ranks k with P(B <= k) <= tail
    if j == 0:
        return None
    return j - 1, n - j


def _median_ci_from(n: int, select: Callable[[list[int]], dict[int, float]], level: float = LEVEL95
                    ) -> tuple[float, float, float]:
    """The median and its interval (see :func:`median_ci`) from a function returning the order
    statistics at 0-based ranks: the one implementation, for values in memory or streamed."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    ranks = median_ranks(n, level)
    mids = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    got = select([*(ranks or ()), *mids])
    med = got[mids[0]] if n % 2 else (got[mids[0]] + got[mids[1]]) / 2.0
    if ranks is None:  # too few values for any finite interval: unbounded, as NaN bounds
        return (float(med), math.nan, math.nan)
    return (float(med), got[ranks[0]], got[ranks[1]])


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


LEVEL90 = 0.90


class DrawMoments:
    """Count, mean and sum of squared deviations of a value per posterior draw, merged block by block.

    ``add(draw, x)`` takes the draw index and the value of each row (NaN values are skipped); the
    arrays grow to the largest draw index seen. Merging is Chan et al.'s, as for the run's means.
    """

    def __init__(self) -> None:
        self.n = np.zeros(0)
        self.mean = np.zeros(0)
        self.m2 = np.zeros(0)

    def _grow(self, size: int) -> None:
        if size > self.n.size:
            pad = size - self.n.size
            self.n, self.mean, self.m2 = (np.concatenate([a, np.zeros(pad)]) for a in (self.n, self.mean, self.m2))

    def add(self, draw: np.ndarray, x: np.ndarray) -> None:
        draw = np.asarray(draw, dtype=np.int64).reshape(-1)
        x = np.asarray(x, dtype=float).reshape(-1)
        ok = ~np.isnan(x)
        draw, x = draw[ok], x[ok]
        if x.size == 0:
            return
        size = int(draw.max()) + 1
        self._grow(size)
        nb = np.bincount(draw, minlength=size).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mb = np.where(nb > 0, np.bincount(draw, weights=x, minlength=size) / nb, 0.0)
        m2b = np.bincount(draw, weights=(x - mb[draw]) ** 2, minlength=size)
        n0, mean0, m20 = self.n[:size], self.mean[:size], self.m2[:size]
        n = n0 + nb
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = mb - mean0
            self.mean[:size] = np.where(n > 0, mean0 + delta * np.where(n > 0, nb / n, 0.0), 0.0)
            self.m2[:size] = m20 + m2b + np.where(n > 0, delta * delta * n0 * nb / n, 0.0)
        self.n[:size] = n

    def estimates(self) -> tuple[np.ndarray, np.ndarray]:
        """Per draw: the mean and the squared standard error of the mean, s²/n (NaN without values)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            est = np.where(self.n > 0, self.mean, np.nan)
            var = np.where(self.n > 1, self.m2 / (self.n - 1), np.nan)
            return est, var / self.n


def credible_interval(estimates: np.ndarray, mc_var: np.ndarray, level: float = LEVEL90
                      ) -> tuple[float, float, int]:
    """The interval over parameter draws of an outcome, with the Monte Carlo noise taken out.

    ``estimates`` holds the outcome's estimate over each posterior draw's replicates, ``mc_var`` the
    squared Monte Carlo standard error of each (p(1-p)/n_d for a proportion, s²/n_d for a mean,
    the order-statistic approximation for a median). Their spread mixes the parameter uncertainty
    with that noise, so it is shrunk by method of moments, as for the between-study variance of a
    random-effects meta-analysis (DerSimonian & Laird 1986): with m the mean of the estimates, V_b
    their variance (ddof 1) and V_w the mean of ``mc_var``, the bounds are
    ``m + (q - m)·sqrt(max(0, 1 - V_w/V_b))`` at q the (1-level)/2 and (1+level)/2 quantiles of the
    estimates. Identical draws give V_b ≈ V_w and an interval of width ≈ 0; draws that differ
    far more than the noise keep nearly the whole spread. Draws without an estimate (no values)
    are left out; if the noise of any remaining draw is unknown (a median of under 6 values) the
    spread is not shrunk (a conservative interval).

    Returns:
        ``(low, high, draws)``: NaN bounds with fewer than 2 draws with an estimate.
    """
    e = np.asarray(estimates, dtype=float).reshape(-1)
    w = np.asarray(mc_var, dtype=float).reshape(-1)
    ok = np.isfinite(e)
    e, w = e[ok], w[ok]
    d = int(e.size)
    if d < 2:
        return (math.nan, math.nan, d)
    m = float(e.mean())
    vb = float(e.var(ddof=1))
    vw = float(w.mean()) if np.isfinite(w).all() else math.nan
    if not math.isfinite(vw):
        shrink = 1.0
    elif vb <= 0:
        shrink = 0.0
    else:
        shrink = math.sqrt(max(0.0, 1.0 - vw / vb))
    q_lo, q_hi = np.quantile(e, [(1 - level) / 2, (1 + level) / 2])
    return (m + (float(q_lo) - m) * shrink, m + (float(q_hi) - m) * shrink, d)
