"""Interval estimators against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from sim.stats.intervals import _median_ci_from, mean_ci, median_ci, newcombe_interval, wilson, wilson_arrays


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
    est, lo, hi = median_ci(np.array([np.nan, 1.0, 2.0, 3.0, np.nan]))
    assert est == 2.0 and lo <= 2.0 <= hi


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
        assert median_ci(x) == _median_ci_from(n, lambda ranks: {r: float(s[r]) for r in ranks})


def test_newcombe_interval_matches_its_definition_and_keeps_a_width_for_rare_events():
    diff, lo, hi = newcombe_interval(30, 1000, 10, 1000)
    pa, la, ha = wilson(30, 1000)
    pb, lb, hb = wilson(10, 1000)
    assert diff == pytest.approx(0.02) and lo == pytest.approx(diff - np.hypot(pa - la, hb - pb))
    assert hi == pytest.approx(diff + np.hypot(ha - pa, pb - lb))
    diff, lo, hi = newcombe_interval(0, 10000, 0, 10000)
    assert diff == 0 and lo < 0 < hi and -1 <= lo and hi <= 1
