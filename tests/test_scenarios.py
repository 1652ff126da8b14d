"""The scenario library: every scenario with every policy, the pre-nuclear contrast,
inheritance between scenario folders, and conditions resolved from the record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from helpers import paired_z
from sim.inputs.scenario.coding import historical_presets
from sim.inputs.compose import available
from sim.core.model import CrisisModel
from sim.inputs.resolve import build_inputs
from sim.inputs.scenario import list_scenarios, load_scenario

SCENARIOS = list_scenarios()
HISTORICAL = historical_presets()
POLICIES = available("policy")


def test_the_library_holds_the_presets_of_the_record():
    for name in (*HISTORICAL, "era_2025"):
        assert name in SCENARIOS
    for name in HISTORICAL:
        sc = load_scenario(name)
        assert {"highest_rung", "duration_days", "ending"} <= set(sc.observed), name
        assert sc.sources, name


def _runs_with_invariants(scenario: str, policy: str) -> None:
    cfg = sim.compose_config([f"scenario={scenario}", f"policy={policy}", "run.days=40"])
    m = CrisisModel(build_inputs(cfg), replicates=64, seed=3)
    while m.running:
        m.step()
        assert 0 <= m.rung.min() and m.rung.max() <= 5
        assert np.isfinite(m.grievance).all() and np.isfinite(m.aff).all()
        assert (m.daily_rungs[m.day].sum(1) == 64).all()
    out = m.outcomes()
    assert (out["nuclear"] <= out["war"]).all()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_runs_with_invariants(scenario):
    """Every preset loads and runs (the baseline and the policy that changes most: no third parties)."""
    for policy in ("baseline", "no_third_parties"):
        _runs_with_invariants(scenario, policy)


def test_every_policy_runs_on_the_reference_case_with_invariants():
    for policy in POLICIES:
        _runs_with_invariants("pahalgam_2025", policy)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_policy_runs_on_every_scenario_with_invariants(scenario):
    for policy in POLICIES:
        _runs_with_invariants(scenario, policy)


def test_pre_nuclear_presets_fight_wars_more_often_than_nuclear_ones():
    war = {name: sim.run_ensemble(overrides=[f"scenario={name}", "run.replicates=500", "run.days=180",
                                             "run.progress=false", "run.figures=false"]).outcomes["war"].mean()
           for name in HISTORICAL}
    pre = np.mean([w for name, w in war.items() if not load_scenario(name).nuclear])
    post = np.mean([w for name, w in war.items() if load_scenario(name).nuclear])
    assert pre > post + 0.05


def test_nuclear_weapons_make_war_rarer_in_the_same_crisis():
    """Metamorphic: the 1965 war preset with both sides nuclear (scenario.nuclear=true) fights
    fewer wars than as it was, paired on the same seed (deterrence, ODD §7.4)."""
    runs = {flag: sim.run_ensemble(overrides=["scenario=kashmir_1965", f"scenario.nuclear={flag}",
                                              "run.replicates=2000", "run.days=180", "run.progress=false",
                                              "run.figures=false"]).outcomes for flag in ("false", "true")}
    z = paired_z(runs["false"]["war"].to_numpy(float), runs["true"]["war"].to_numpy(float))
    assert runs["true"]["war"].mean() < runs["false"]["war"].mean() and z > 4, z


def test_a_child_scenario_inherits_and_overrides_its_base():
    # The historical presets are complete in themselves; era_2025 is built on pahalgam_2025.
    base, child = load_scenario("pahalgam_2025"), load_scenario("era_2025")
    assert child.actors == base.actors  # the actor rows are inherited
    assert child.trigger["date"] == "2025-06-01" and base.trigger["date"] == "2025-04-22"
    assert not child.observed and base.observed["highest_rung"] == 3  # never inherited
    usa = child.third_party_ids.index("USA")
    assert child.third_party_params["public_mediation"][usa] == 1 and base.third_party_params["public_mediation"][usa] == 0
    assert child.rates["attack_rate_per_year"] == 0.41 and base.rates["attack_rate_per_year"] == 0.26
    assert child.rates["attack_deaths_median"] == base.rates["attack_deaths_median"]  # inherited entry by entry
    # The UAE exists only from 2 Dec 1971 (coding rules §D)
    assert "ARE" not in load_scenario("bangladesh_1971").actors and "ARE" in load_scenario("siachen_1984").actors


def test_the_starting_rungs_follow_the_trigger_kind():
    def rungs(name):
        sc = load_scenario(name)
        return dict(zip(sc.belligerent_ids, sc.belligerent_params["rung0"]))
    assert rungs("kargil_1999") == {"IND": 0, "PAK": 2}  # incursion: the intruder at 2
    assert rungs("rann_kutch_1965") == {"IND": 2, "PAK": 2}  # clash: both at 2
    assert rungs("punjab_1951") == {"IND": 1, "PAK": 0}  # mobilisation: the mobiliser (India) at 1
    assert rungs("kaluchak_2002") == {"IND": 0, "PAK": 0}  # attack: both at 0 (was 1, 1 by hand)


def test_baseline_takes_the_conditions_of_each_year():
    def conditions(name, *extra):
        return build_inputs(sim.compose_config([f"scenario={name}", *extra])).conditions
    assert conditions("pahalgam_2025")["loc_understanding"] is True
    assert conditions("twin_peaks_2001")["loc_understanding"] is False  # before the 2003 ceasefire
    assert conditions("kashmir_1965")["hotline"] is False
    assert conditions("twin_peaks_2001", "policy=cbm_package")["loc_understanding"] is True
    assert conditions("pahalgam_2025", "policy=economic_cooperation")["indus_waters_treaty"] == "in_force"


def test_public_mediation_follows_the_record_unless_a_policy_sets_it():
    def offers(name, policy="baseline"):
        inp = build_inputs(sim.compose_config([f"scenario={name}", f"policy={policy}"]))
        return dict(zip(inp.scenario.third_party_ids, zip(inp.tp_policy["public_mediation"],
                                                           inp.tp_policy["public_mediation_from_day"])))
    # Trump's offer of 11 May 2025 came after the trigger: outcome, not input (coding rules §D); the
    # era that starts after it has it standing from day 0.
    assert offers("pahalgam_2025")["USA"] == (0.0, 0.0)
    assert offers("era_2025")["USA"] == (1.0, 0.0)
    assert offers("pulwama_2019")["USA"][0] == 0.0
    assert offers("pulwama_2019", "us_public_mediation")["USA"] == (1.0, 0.0)


def test_the_nuclear_counterfactual_switch():
    on = build_inputs(sim.compose_config(["scenario=pahalgam_2025"]))
    off = build_inputs(sim.compose_config(["scenario=pahalgam_2025", "scenario.nuclear=false"]))
    assert on.nuclear and not off.nuclear and not build_inputs(sim.compose_config(["scenario=kashmir_1965"])).nuclear


def test_era_preset_sets_the_era_horizon():
    cfg = sim.compose_config(["scenario=era_2025"])
    assert cfg.run.horizon == "era" and cfg.run.days == 3650
    assert sim.compose_config(["scenario=era_2025", "run.days=365"]).run.days == 365


def test_parameter_arrays_equal_to_the_defaults_change_nothing():
    # Pulwama 2019 at the point, not the default 2025 case: recoded by the rules (no post-trigger
    # mediation offers), the 2025 case strikes in nearly every replicate whatever the threshold, so
    # the threshold's effect is measured where it is not saturated.
    cfg = sim.compose_config(["scenario=pulwama_2019", "run.replicates=600", "run.days=60", "run.progress=false",
                              "run.block_size=300", "run.parameters=point"])
    plain = sim.run_ensemble(cfg)
    arrays = {k: np.full(600, float(cfg.params[k])) for k in ("threshold_rung3", "w_pressure", "cf_intercept")}
    design = sim.run_ensemble(cfg, param_arrays=arrays)
    pd.testing.assert_frame_equal(plain.outcomes, design.outcomes, check_exact=True)
    moved = sim.run_ensemble(cfg, param_arrays={"threshold_rung3": np.linspace(2, 12, 600)})
    hi = moved.outcomes["strikes"].to_numpy()
    assert hi[:200].mean() > hi[-200:].mean() + 0.2  # low thresholds strike more


# ------------------------------------------------------------ mechanisms of the pre-2016 record
def _run(scenario: str, *params: str, replicates: int = 2000) -> pd.DataFrame:
    # at the point: these tests set the mechanisms' parameters by hand (dynamics, not the posterior)
    return sim.run_ensemble(overrides=[f"scenario={scenario}", f"run.replicates={replicates}", "run.days=120",
                                       "run.seed=11", "run.progress=false", "run.parameters=point", *params]).outcomes


def test_strategic_restraint_applies_only_without_a_retaliation_norm():
    # 2025: India has the norm and Pakistan has no attack to answer, so the share cannot matter
    # in any world without a further attack (one on Pakistan would leave it an attack unanswered).
    a = _run("pahalgam_2025", "params.grievance_share_without_norm=0", replicates=1000)
    b = _run("pahalgam_2025", "params.grievance_share_without_norm=1", replicates=1000)
    calm = (a["attacks"] == 0).to_numpy()
    assert calm.mean() > 0.8
    pd.testing.assert_frame_equal(a[calm], b[calm])
    assert not a[~calm].equals(b[~calm])  # and where Pakistan was attacked, it can


def test_strategic_restraint_holds_india_at_coercion_after_mumbai():
    # Same worlds (common random numbers), grievance all or none: the paired difference in
    # P(strikes) must exceed 4 standard errors.
    free = _run("mumbai_2008", "params.grievance_share_without_norm=1")["strikes"]
    held = _run("mumbai_2008", "params.grievance_share_without_norm=0")["strikes"]
    assert paired_z(free, held) > 4


def test_incursion_parameters_do_not_touch_crises_set_off_by_attacks():
    a = _run("pahalgam_2025", "params.incursion_danger_factor=0", "params.grievance_from_standing_cause=0", replicates=500)
    b = _run("pahalgam_2025", "params.incursion_danger_factor=1", "params.grievance_from_standing_cause=2", replicates=500)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("lower, higher", [
    (["params.incursion_danger_factor=1"], ["params.incursion_danger_factor=0"]),  # less danger fighting at home
    (["params.grievance_from_standing_cause=0"], ["params.grievance_from_standing_cause=1"]),  # the intruders' positions
])
def test_kargil_reaches_war_through_the_incursion(lower, higher):
    base = ["params.grievance_from_standing_cause=1", "params.incursion_danger_factor=0.2"]
    lo = _run("kargil_1999", *base, *lower)["war"]
    hi = _run("kargil_1999", *base, *higher)["war"]
    assert paired_z(hi, lo) > 4


def test_the_intruders_positions_add_to_the_victims_grievance_only_while_held():
    def day_one(rate: float) -> CrisisModel:
        cfg = sim.compose_config(["scenario=kargil_1999", f"params.grievance_from_standing_cause={rate}",
                                  "run.parameters=point"])
        m = CrisisModel(build_inputs(cfg), replicates=400, seed=5)
        m.step()
        return m

    without, with_ = day_one(0.0), day_one(1.5)
    ind, pak = without.inputs.scenario.belligerent_ids.index("IND"), without.inputs.scenario.belligerent_ids.index("PAK")
    np.testing.assert_array_equal(without.rung, with_.rung)  # today's choices came before the update
    held = with_.rung[:, pak] >= 2
    assert held.any() and (~held).any()
    np.testing.assert_allclose(with_.grievance[:, ind] - without.grievance[:, ind], 1.5 * held)
    np.testing.assert_array_equal(with_.grievance[:, pak], without.grievance[:, pak])
