"""Paired comparisons: both arms on the same seeds give intervals far narrower than independent runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.runs.ensemble import compare
from sim.stats.intervals import Z95

RUN = ["run.replicates=3000", "run.block_size=1000", "run.days=60", "run.progress=false"]


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
    row = compare(a, b).set_index("outcome").loc["p_strikes"]
    d = b.outcomes["strikes"].to_numpy(float) - a.outcomes["strikes"].to_numpy(float)
    assert row["difference"] == pytest.approx(d.mean(), abs=1e-12)
    assert row["ci_high"] - row["difference"] == pytest.approx(Z95 * d.std(ddof=1) / math.sqrt(d.size), rel=1e-9)
    assert row["reference"] == pytest.approx(a.summary["p_strikes"]["estimate"], abs=1e-12)
    assert row["estimate"] == pytest.approx(b.summary["p_strikes"]["estimate"], abs=1e-12)


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
