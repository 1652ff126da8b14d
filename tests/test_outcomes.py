"""Interval estimators against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, binomtest

from sim.stats.intervals import (
    _median_ci_from,
    mean_ci,
    median_ci,
    median_ranks,
    newcombe_interval,
    wilson,
    wilson_arrays,
)


@pytest.mark.parametrize("k,n", [(0, 10), (3, 10), (10, 10), (7233, 10000), (1, 1)])
def test_wilson_matches_scipy(k, n):
    est, lo, hi = wilson(k, n)
    ref = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert est == k / n
    assert lo == pytest.approx(ref.low, abs=1e-12) and hi == pytest.approx(ref.high, abs=1e-12)


def test_wilson_of_nothing_is_undefined():
    assert all(np.isnan(v) for v in wilson(0, 0))


def test_median_interval_covers_the_true_median_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    trials, n = 2000, 101
    hits = sum(lo <= 0.0 <= hi for _, lo, hi in (median_ci(rng.standard_normal(n)) for _ in range(trials)))
    coverage = hits / trials
    se = np.sqrt(0.95 * 0.05 / trials)
    assert 0.95 - 4 * se <= coverage <= 0.99  # order-statistic intervals are exact or conservative


def test_mean_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(4)
    trials, n = 2000, 200
    hits = sum(lo <= 1.0 <= hi for _, lo, hi in (mean_ci(rng.exponential(1.0, n)) for _ in range(trials)))
    se = np.sqrt(0.95 * 0.05 / trials)
    assert abs(hits / trials - 0.95) <= 4 * se + 0.01  # normal approximation on a skewed law


def test_median_ignores_missing_values():
    est, lo, hi = median_ci(np.array([np.nan, 3.0, 1.0, 2.0, 7.0, 5.0, 4.0, 6.0, np.nan]))
    assert (est, lo, hi) == (4.0, 1.0, 7.0)  # 7 values: [x_(1), x_(7)]


def _scipy_ranks(n: int) -> tuple[int, int] | None:
    """The 0-based ranks (j - 1, n - j) for the largest j with P(B <= j - 1) <= 0.025, from scipy."""
    start = max(0, n // 2 - int(3 * np.sqrt(n)))  # six standard deviations below the centre
    assert start == 0 or binom.cdf(start, n, 0.5) <= 0.025
    k = np.arange(start, n // 2 + 1)
    j = start + int((binom.cdf(k, n, 0.5) <= 0.025).sum())  # the k = 0..j-1 with P(B <= k) <= 0.025
    return None if j == 0 else (j - 1, n - j)


def test_median_ranks_are_the_exact_binomial_ones():
    assert median_ranks(6) == (0, 5) and median_ranks(11) == (1, 9)  # 1-based (1, 6) and (2, 10)
    ns = [*range(1, 400), 999, 1000, 1001, 4096, 12345, 10**5 + 1, 10**6, 10**7]
    for n in ns:
        assert median_ranks(n) == _scipy_ranks(n), n
    for n in ns[5:]:  # the coverage 1 - 2·P(B <= j - 1) reaches 95%, and one rank further in would not
        lo, hi = median_ranks(n)
        assert binom.cdf(hi, n, 0.5) - binom.cdf(lo, n, 0.5) >= 0.95
        assert binom.cdf(hi - 1, n, 0.5) - binom.cdf(lo + 1, n, 0.5) < 0.95


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_the_median_interval_of_at_most_five_values_is_unbounded(n):
    # even [x_(1), x_(n)] covers with probability 1 - 2·2^-n < 0.95: no finite interval is honest
    assert median_ranks(n) is None
    x = np.arange(n, dtype=float)
    est, lo, hi = median_ci(x)
    assert est == np.median(x) and np.isnan(lo) and np.isnan(hi)
    assert all(np.isnan(v) for v in median_ci(np.zeros(0)))  # no values: no estimate either


@pytest.mark.parametrize("n, trials, law", [(5, 20000, "normal"), (11, 20000, "normal"), (50, 20000, "normal"),
                                            (1000, 4000, "normal"), (50, 20000, "poisson")])
def test_median_interval_covers_at_least_95_percent(n, trials, law):
    rng = np.random.default_rng(n + trials)
    # a continuous law (median 0) and a tied one: Poisson(2) has median 2 with P(X < 2) = 0.41
    x = rng.standard_normal((trials, n)) if law == "normal" else rng.poisson(2.0, (trials, n)).astype(float)
    truth = 0.0 if law == "normal" else 2.0
    hits = 0
    for row in x:
        _, lo, hi = median_ci(row)
        hits += (np.isnan(lo) or lo <= truth) and (np.isnan(hi) or truth <= hi)  # NaN bounds: unbounded
    coverage = hits / trials
    se = np.sqrt(0.95 * 0.05 / trials)
    assert coverage >= 0.95 - 3 * se, coverage
    if law == "normal" and n > 5:  # and, for continuous data, it is the exact binomial coverage
        lo, hi = median_ranks(n)
        exact = binom.cdf(hi, n, 0.5) - binom.cdf(lo, n, 0.5)
        assert abs(coverage - exact) <= 4 * np.sqrt(exact * (1 - exact) / trials), (coverage, exact)


def test_scalar_and_vectorised_wilson_give_the_same_floats():
    rng = np.random.default_rng(11)
    n = rng.integers(1, 2_000_000, 5000)
    k = np.concatenate([[0, 0], rng.integers(0, n[2:] + 1)])
    k[-1] = n[-1]
    p, lo, hi = wilson_arrays(k, n)
    for i in range(n.size):
        assert wilson(int(k[i]), int(n[i])) == (p[i], lo[i], hi[i])  # bit for bit, not approximately
    assert all(np.isnan(v).all() for v in wilson_arrays(np.array([0, 3]), np.array([0, 0])))


def test_the_streamed_median_interval_is_the_one_in_memory():
    rng = np.random.default_rng(12)
    for n in (1, 2, 3, 10, 101, 1000):
        x = rng.integers(0, 40, n).astype(float)
        s = np.sort(x)
        np.testing.assert_array_equal(median_ci(x), _median_ci_from(n, lambda ranks: {r: float(s[r]) for r in ranks}))


def test_newcombe_interval_matches_its_definition_and_keeps_a_width_for_rare_events():
    diff, lo, hi = newcombe_interval(30, 1000, 10, 1000)
    pa, la, ha = wilson(30, 1000)
    pb, lb, hb = wilson(10, 1000)
    assert diff == pytest.approx(0.02) and lo == pytest.approx(diff - np.hypot(pa - la, hb - pb))
    assert hi == pytest.approx(diff + np.hypot(ha - pa, pb - lb))
    diff, lo, hi = newcombe_interval(0, 10000, 0, 10000)
    assert diff == 0 and lo < 0 < hi and -1 <= lo and hi <= 1
