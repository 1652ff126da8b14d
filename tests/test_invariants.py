"""Invariants checked on every day of randomly drawn configs (parameters anywhere in their ranges)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

import sim
from helpers import copy_scenario, set_actor_values
from sim.inputs.compose import available
from sim.core.model import CrisisModel
from sim.inputs.resolve import build_inputs
from sim.vocab.ladder import CF_AGREED, CF_HOLDING
from sim.inputs.params import ModelParams


def random_overrides(rng: np.random.Generator) -> list[str]:
    ov = [f"policy={rng.choice(available('policy'))}", f"policy.hotline_reliability={rng.uniform():.3f}",
          f"policy.trade_ties={rng.uniform(0, 3):.3f}",
          f"policy.cbm.loc_understanding={str(bool(rng.integers(2))).lower()}"]
    for f in fields(ModelParams):
        lo, hi = f.metadata["range"]
        if rng.uniform() < 0.5:  # half the parameters move, anywhere in their declared range
            value = rng.uniform(lo, hi) if hi - lo < 50 else float(np.exp(rng.uniform(np.log(max(lo, 1e-3)), np.log(hi))))
            ov.append(f"params.{f.name}={value:.6g}")
    return ov


def check_state(m: CrisisModel, was_nuclear: np.ndarray) -> np.ndarray:
    assert m.rung.dtype.kind == "i" and m.rung.min() >= 0 and m.rung.max() <= 5
    assert (m.max_rung >= m.rung).all()
    for name in ("grievance", "commitment", "pressure", "backing", "casualties", "trust", "aff", "lev"):
        arr = getattr(m, name)
        assert np.isfinite(arr).all(), f"{name} has NaN or inf on day {m.day}"
    for name in ("grievance", "commitment", "casualties"):
        assert (getattr(m, name) >= 0).all(), name
    assert ((m.trust >= 0) & (m.trust <= 1)).all()
    assert ((m.aff >= -1) & (m.aff <= 1)).all() and ((m.lev >= 0) & (m.lev <= 1)).all()
    nuclear = (m.rung == 5).any(1)
    assert (nuclear[was_nuclear]).all(), "nuclear use must be absorbing"
    np.testing.assert_array_equal(m.rung[was_nuclear], m._frozen[was_nuclear])
    in_force = ((m.cf == CF_AGREED) | (m.cf == CF_HOLDING))[:, 0]
    assert (m.rung[in_force] <= 1).all(), "no fighting while a ceasefire is in force"
    # A ceasefire is never formed through a channel a side refuses.
    acc_fac, acc_med = m.accept_fac, m.accept_med
    kind = m.broker_kind[:, 0]
    if (acc_fac == 0).any():
        assert not (kind == 1).any()
    if (acc_med == 0).any():
        assert not (kind == 2).any()
    m._frozen = np.where(nuclear[:, None], m.rung, m._frozen)
    return nuclear | was_nuclear


@pytest.mark.parametrize("case", range(8))
def test_invariants_hold_every_day_of_random_configs(case):
    rng = np.random.default_rng(1000 + case)
    # at the point: the random config sets parameters by hand, including fitted ones the posterior would give
    cfg = sim.compose_config(random_overrides(rng) + ["run.days=90", "run.parameters=point"])
    m = CrisisModel(build_inputs(cfg), replicates=300, seed=case)
    m._frozen = m.rung.copy()
    was_nuclear = np.zeros(300, dtype=bool)
    while m.running:
        m.step()
        was_nuclear = check_state(m, was_nuclear)
        daily = m.daily_rungs[m.day]
        assert (daily.sum(1) == 300).all()
    res_cf = m.outcomes()
    assert ((res_cf["day_ceasefire"][res_cf["ceasefire"]] >= 1)).all()
    assert np.isnan(res_cf["day_ceasefire"][~res_cf["ceasefire"]]).all()
    assert (res_cf["nuclear"] <= res_cf["war"]).all()


def test_summary_probabilities_and_intervals_are_in_range():
    res = sim.run_ensemble(overrides=["run.replicates=800", "run.days=60", "run.progress=false",
                                      "policy=hotline_off"])
    for key, e in res.summary.items():
        if e["estimate"] is None:
            continue
        assert e["ci_low"] <= e["estimate"] <= e["ci_high"], key
        if key.startswith(("p_", "share_")):
            assert 0.0 <= e["ci_low"] and e["ci_high"] <= 1.0, key
    shares = res.daily.filter(like="share_").to_numpy()
    assert ((shares >= 0) & (shares <= 1)).all()
    for actor in ("IND", "PAK"):
        total = res.daily[[f"share_rung{k}_{actor}" for k in range(6)]].sum(axis=1)
        np.testing.assert_allclose(total, 1.0)


def test_no_ceasefire_through_a_channel_a_side_refuses(tmp_path):
    """Only public mediation open (no hotline, no facilitation): India refuses, so no ceasefire."""
    refuse = ["run.replicates=2000", "run.days=90", "run.progress=false", "policy.hotline=false",
              "policy.third_party_default.facilitation=false", "policy.third_party_default.public_mediation=true"]
    for actor in ("USA", "RUS", "CHN", "SAU", "ARE", "GBR", "IRN"):
        refuse.append(f"policy.third_parties.{actor}.public_mediation_from_day=0")
    res = sim.run_ensemble(overrides=refuse)
    assert res.outcomes["mediation_offers_USA"].sum() > 100  # offers were made ...
    assert not res.outcomes["ceasefire"].any()  # ... and none was taken up
    # The same world where India would accept mediation: ceasefires through mediators appear.
    folder = copy_scenario(tmp_path, "india_accepts_mediation")
    set_actor_values(folder, {("IND", "accept_mediation"): "1.0"})
    res2 = sim.run_ensemble(overrides=refuse + [f"scenario.dir={folder}", "scenario.name=india_accepts_mediation"])
    assert res2.outcomes["ceasefire"].mean() > 0.1
    assert (res2.outcomes.loc[res2.outcomes["ceasefire"], "broker_kind"] == 2).all()
