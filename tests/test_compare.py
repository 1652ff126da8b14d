"""Paired comparisons: both arms on the same seeds give intervals far narrower than independent runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.runs.ensemble import compare
from sim.stats.intervals import Z95, newcombe_interval, tango_interval

# Twin Peaks I, not the default 2025 case: encoded by the coding rules, the 2025 case strikes in every
# replicate (P(strikes) = 1 in both arms), which leaves a paired interval nothing to narrow.
RUN = ["scenario=twin_peaks_2001", "run.replicates=3000", "run.block_size=1000", "run.days=60", "run.progress=false"]


@pytest.fixture(scope="module")
def arms():
    return (sim.run_ensemble(overrides=RUN + ["policy=baseline"]),
            sim.run_ensemble(overrides=RUN + ["policy=hotline_off"]))


def test_paired_intervals_are_narrower_than_unpaired_on_the_same_data(arms):
    table = compare(*arms).set_index("outcome")
    for key in ("p_strikes", "p_ceasefire", "p_ceasefire_holding", "mean_duration_days", "mean_casualties",
                "mean_loc_incidents"):
        row = table.loc[key]
        paired = row["ci_high"] - row["ci_low"]
        unpaired = row["unpaired_ci_high"] - row["unpaired_ci_low"]
        assert 0 < paired < unpaired, key
        assert row["width_ratio"] == pytest.approx(paired / unpaired)
    # the attacks and incidents are common random numbers: LoC incidents barely differ
    assert table.loc["mean_loc_incidents", "width_ratio"] < 0.75  # incidents are common random numbers


def test_paired_difference_equals_the_mean_of_per_replicate_differences(arms):
    a, b = arms
    table = compare(a, b).set_index("outcome")
    row = table.loc["p_strikes"]
    xa, xb = a.outcomes["strikes"].to_numpy(float), b.outcomes["strikes"].to_numpy(float)
    d = xb - xa
    assert row["difference"] == pytest.approx(d.mean(), abs=1e-12)
    # a proportion: Tango's paired score interval from the discordant pairs, Newcombe's unpaired one
    assert (row["difference"], row["ci_low"], row["ci_high"]) == tango_interval(int((d > 0).sum()), int((d < 0).sum()),
                                                                                d.size)
    assert (row["unpaired_ci_low"], row["unpaired_ci_high"]) == newcombe_interval(int(xb.sum()), d.size,
                                                                                  int(xa.sum()), d.size)[1:]
    assert row["reference"] == pytest.approx(a.summary["p_strikes"]["estimate"], abs=1e-12)
    assert row["estimate"] == pytest.approx(b.summary["p_strikes"]["estimate"], abs=1e-12)
    # a mean: the normal interval of the mean difference
    row = table.loc["mean_casualties"]
    xa, xb = a.outcomes["casualties"].to_numpy(float), b.outcomes["casualties"].to_numpy(float)
    d = xb - xa
    assert row["difference"] == pytest.approx(d.mean(), rel=1e-12)
    assert row["ci_high"] - row["difference"] == pytest.approx(Z95 * d.std(ddof=1) / math.sqrt(d.size), rel=1e-9)
    half_u = Z95 * math.sqrt(xa.var(ddof=1) / d.size + xb.var(ddof=1) / d.size)
    assert row["unpaired_ci_high"] - row["difference"] == pytest.approx(half_u, rel=1e-9)


def test_a_rare_outcome_keeps_a_paired_interval(arms):
    """Where almost every per-replicate difference is 0 (war, nuclear use), the paired interval of a
    proportion still has a width and holds the difference (a normal interval would collapse)."""
    table = compare(*arms).set_index("outcome")
    for key in ("p_war", "p_nuclear"):
        row = table.loc[key]
        assert row["ci_low"] <= row["difference"] <= row["ci_high"], key
        assert row["ci_high"] - row["ci_low"] > 0 and np.isfinite(row["width_ratio"]), key
        assert -1 <= row["ci_low"] and row["ci_high"] <= 1


def test_arms_with_different_replicates_are_not_paired(arms):
    other = sim.run_ensemble(overrides=["run.replicates=200", "run.days=60", "run.progress=false"])
    with pytest.raises(sim.DiplosimError, match="not paired"):
        compare(arms[0], other)


def test_independent_seeds_show_what_pairing_buys(arms):
    """Against an arm run on other seeds, the 'paired' interval is no narrower than the unpaired one."""
    a, _ = arms
    b = sim.run_ensemble(overrides=RUN + ["policy=hotline_off", "run.seed=7"])
    ratio = compare(a, b).set_index("outcome").loc["p_strikes", "width_ratio"]
    assert 0.9 < ratio < 1.1
    assert np.isfinite(ratio)
