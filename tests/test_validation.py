"""The honest validation: proper scores, benchmarks, the fit's leave-one-out, and its leakage test."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim.drivers.calibration import FitSettings, Record, crisis_discrepancy, fit, posterior_sample, record
from sim.drivers.validation import loo_fold
from sim.inputs.scenario.coding import historical_presets
from sim.stats import benchmarks
from sim.stats.scores import bootstrap_mean_ci, brier, log_score, rps, rung_distribution, skill_ci

TINY = FitSettings(draws=60, reps=2, generations=2, quantile=0.2, days=60, posterior_size=20, forecast_reps=3,
                   seed=11)
CRISES = ("mumbai_2008", "uri_2016", "pulwama_2019")


# ------------------------------------------------------------------ scoring rules (known answers)
def test_rps_is_zero_for_a_sure_hit_and_one_for_the_farthest_miss():
    sure = np.eye(6)[3]
    assert rps(sure, 3) == 0.0
    assert rps(np.eye(6)[0], 5) == pytest.approx(1.0)
    # A forecast one rung off is better than one three rungs off (sensitivity to distance).
    assert rps(np.eye(6)[2], 3) < rps(np.eye(6)[0], 3)


def test_rps_is_proper_the_truth_scores_best_in_expectation():
    truth = np.array([0.1, 0.4, 0.2, 0.2, 0.1, 0.0])
    def expected(f):
        return sum(truth[k] * rps(f, k) for k in range(6))
    for other in (np.full(6, 1 / 6), np.eye(6)[1], np.array([0.0, 0.5, 0.5, 0.0, 0.0, 0.0])):
        assert expected(truth) < expected(other)


def test_log_score_is_finite_for_a_rung_never_forecast():
    p = np.eye(6)[3]
    assert log_score(p, 3) == pytest.approx(-np.log(0.99 + 0.01 / 6))
    assert np.isfinite(log_score(p, 0)) and log_score(p, 0) > 5


def test_brier_and_rung_distribution():
    assert brier(0.7, True) == pytest.approx(0.09) and brier(0.7, False) == pytest.approx(0.49)
    assert rung_distribution(np.array([1, 1, 3, 7])).tolist() == [0, 0.5, 0, 0.25, 0, 0.25]


def test_skill_is_positive_when_the_model_scores_lower_and_the_bootstrap_is_seeded():
    model, bench = np.array([0.1, 0.2, 0.1, 0.15]), np.array([0.3, 0.3, 0.2, 0.3])
    est, lo, hi = skill_ci(model, bench, seed=1)
    assert est == pytest.approx(1 - model.mean() / bench.mean()) and 0 < lo <= est <= hi
    assert skill_ci(model, bench, seed=1) == (est, lo, hi)
    assert skill_ci(bench, model, seed=1)[0] < 0
    m, lo, hi = bootstrap_mean_ci(model, seed=2)
    assert lo <= m <= hi


# ------------------------------------------------------------------ benchmarks
def test_climatology_is_the_training_frequencies():
    probs, med = benchmarks.climatology(np.array([1, 1, 3, 4]), np.array([10, 20, 30, 40]))
    assert probs.tolist() == [0, 0.5, 0, 0.25, 0.25, 0] and med == 25


def test_ordered_logit_forecasts_higher_rungs_where_the_feature_is_higher():
    X = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
    y = np.array([1, 1, 2, 3, 3, 4])
    dur = np.array([10.0, 12, 14, 40, 50, 60])
    low, med_low = benchmarks.ordered_logit(X, y, dur, np.array([0.0]))
    high, med_high = benchmarks.ordered_logit(X, y, dur, np.array([1.0]))
    assert low.sum() == pytest.approx(1) and high.sum() == pytest.approx(1)
    assert high[3:].sum() > 0.6 > 0.4 > low[3:].sum()
    assert low[0] == 0 and low[5] == 0  # outside the training range
    assert med_high > med_low


def test_two_feature_rule_uses_the_crises_on_the_same_side():
    probs, _ = benchmarks.two_feature_rule(np.array([True, True, False]), np.array([3, 3, 1]),
                                           np.array([5.0, 6, 7]), True)
    assert probs[3] == 1.0
    probs, _ = benchmarks.two_feature_rule(np.array([False, False]), np.array([3, 1]), np.array([5.0, 6]), True)
    assert probs[3] == 0.5  # nobody on its side: all training crises


# ------------------------------------------------------------------ the fit
def test_a_perfect_predictive_distribution_has_zero_discrepancy():
    sim = pd.DataFrame({"highest_rung": [3, 3, 1, 1], "crisis_days": [20, 20, 100, 100],
                        "ceasefire": [True, True, False, False], "draw": [0, 0, 1, 1]})
    d = crisis_discrepancy(sim, Record("x", "2000-01-01", 3, 20.0, True), 2)
    assert d[0] == 0.0 and d[1] > 1.0


def test_the_record_holds_every_preset_with_an_observed_outcome_in_date_order():
    names = historical_presets()
    assert len(names) >= 9 and "era_2025" not in names
    dates = [r.trigger_date for r in record(names)]
    assert dates == sorted(dates)


def test_systematic_resampling_follows_the_weights():
    draws = pd.DataFrame({"a": [0.0, 1.0]})
    s = posterior_sample(draws, np.array([0.25, 0.75]), 400, seed=3)
    assert len(s) == 400 and s["a"].mean() == pytest.approx(0.75, abs=0.01)


@pytest.fixture(scope="module")
def records():
    return record(CRISES)


def test_the_fit_is_reproducible_from_its_seed(records):
    a = fit(records, TINY).sample()
    b = fit(records, TINY).sample()
    pd.testing.assert_frame_equal(a, b)
    c = fit(records, dataclasses.replace(TINY, seed=12)).sample()
    assert not a.equals(c)


def test_leave_one_out_never_sees_the_left_out_outcome(records):
    """Changing the left-out crisis's observed outcome leaves its forecast unchanged, bit for bit;
    changing an outcome the fold does see changes it (so the test can fail)."""
    base = loo_fold(records, "uri_2016", TINY)
    flipped = [dataclasses.replace(r, highest_rung=0, duration_days=400.0, ceasefire=not r.ceasefire)
               if r.scenario == "uri_2016" else r for r in records]
    same = loo_fold(flipped, "uri_2016", TINY)
    assert np.array_equal(base["probs"], same["probs"]) and base["median_duration"] == same["median_duration"]
    seen = [dataclasses.replace(r, highest_rung=0, duration_days=400.0, ceasefire=not r.ceasefire)
            if r.scenario == "pulwama_2019" else r for r in records]
    moved = loo_fold(seen, "uri_2016", TINY)
    assert not np.array_equal(base["probs"], moved["probs"])


# ------------------------------------------------------------------ agreement between encodings
def test_krippendorff_alpha_reproduces_the_textbook_example():
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', four coders, 12 units:
    nominal 0.743, ordinal 0.815, interval 0.849."""
    from sim.stats.agreement import krippendorff_alpha
    N = None
    coders = ([1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
              [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N])
    units = list(zip(*coders))
    assert round(krippendorff_alpha(units, "nominal"), 3) == 0.743
    assert round(krippendorff_alpha(units, "ordinal"), 3) == 0.815
    assert round(krippendorff_alpha(units, "interval"), 3) == 0.849
    assert krippendorff_alpha([(1, 1), (2, 2), (3, 3)], "ordinal") == 1.0
    assert np.isnan(krippendorff_alpha([(1, 1), (1, 1)]))
