"""The 2025 baseline against brief M§8, and the policy directions the literature supports.

Tolerances come from the standard error: a band is met when the whole 95% interval lies in it,
and a direction is shown when a paired difference exceeds 4 standard errors.
"""

from __future__ import annotations

import pytest

import sim
from helpers import paired_z
from sim.stats.targets import calibration_checks

RUN = ["run.replicates=10000", "run.progress=false", "run.seed=2025"]


@pytest.fixture(scope="module")
def runs():
    return {p: sim.run_ensemble(overrides=RUN + [f"policy={p}"])
            for p in ("baseline", "hotline_off", "no_third_parties", "gulf_facilitation")}


def test_baseline_lands_in_post_1998_ranges(runs):
    s = runs["baseline"].summary
    failed = [(text, detail) for text, ok, detail in calibration_checks(s) if not ok]
    assert not failed, failed
    # Whole 95% intervals inside the bands, not only the point estimates.
    assert 0.5 <= s["p_strikes"]["ci_low"] and s["p_strikes"]["ci_high"] <= 0.95
    assert s["p_war"]["ci_high"] <= 0.11
    assert s["p_nuclear"]["estimate"] <= s["p_war"]["estimate"]
    assert 14 <= s["median_duration_days"]["ci_low"] and s["median_duration_days"]["ci_high"] <= 56
    assert s["median_kinetic_days"]["ci_high"] <= 7


def test_baseline_tracks_the_2025_record(runs):
    """Observed: strikes (rung 3), ceasefire on day 18 agreed over the DGMO hotline."""
    s = runs["baseline"].summary
    assert 10 <= s["median_days_to_ceasefire"]["estimate"] <= 30
    assert s["share_brokered_bilateral"]["ci_low"] > 0.5


def test_hotline_off_escalates_accidentally_more_often(runs):
    base = runs["baseline"].outcomes["accidental_escalations"] > 0
    off = runs["hotline_off"].outcomes["accidental_escalations"] > 0
    assert paired_z(off, base) > 4


def test_no_third_parties_ends_later_or_less_often_in_a_ceasefire(runs):
    base, alone = runs["baseline"].outcomes, runs["no_third_parties"].outcomes
    less_often = paired_z(base["ceasefire"], alone["ceasefire"]) > 4
    later = runs["no_third_parties"].summary["median_days_to_ceasefire"]["ci_low"] \
        > runs["baseline"].summary["median_days_to_ceasefire"]["ci_high"]
    assert less_often or later
    assert less_often and later  # in fact both hold


def test_leverage_weighted_pressure_shortens_crises(runs):
    """No third parties (no pressure) means longer crises; Gulf facilitation means shorter ones."""
    base, alone, gulf = (runs[p].outcomes["duration_days"] for p in ("baseline", "no_third_parties", "gulf_facilitation"))
    assert paired_z(alone, base) > 4
    assert paired_z(base, gulf) > 4


def test_ally_backing_emboldens():
    """More backing weight means more escalation, on the same worlds."""
    low = sim.run_ensemble(overrides=RUN[:-1] + ["run.replicates=4000", "params.w_backing=0"])
    high = sim.run_ensemble(overrides=RUN[:-1] + ["run.replicates=4000", "params.w_backing=3"])
    assert paired_z(high.outcomes["highest_rung"], low.outcomes["highest_rung"]) > 4
