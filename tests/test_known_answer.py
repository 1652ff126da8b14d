"""Known answer: a configuration that reduces the model to a small Markov chain, solved exactly.

With no attacks, no LoC incidents, no third parties, zero weights on every state-dependent
term (grievance, reciprocity, pressure, backing, casualties, audience costs, nuclear danger)
and a constant ceasefire willingness and break hazard, each belligerent's daily move depends
only on its own rung and on whether a ceasefire is in force. The joint law of
(rung of each side, ceasefire in force, reached rung 3, ever agreed a ceasefire) is then a
Markov chain on 6 x 6 x 2 x 2 x 2 states, computed here exactly by dynamic programming and
compared with the simulated ensemble within 4 standard errors.
"""

from __future__ import annotations

import math

import pytest

import sim
from helpers import copy_scenario, edit_yaml, set_actor_values

DAYS = 60
R = 20_000
THRESHOLDS = [0.0, 0.5, 0.3, 0.5, 0.2, 0.2]  # entering rung k
COSTS = [0.0, 0.2, 0.4, 0.6, 0.8, 0.8]  # daily cost of rung k (rung 5 uses cost_rung4, as coded)
EXPOSURE = (0.5, 0.2)
HOLD_BIAS = 1.0
CF_INTERCEPT = 0.3
HOTLINE = 0.8
BREAK = 0.05
#: The starting rungs follow the trigger kind (scenarios/trigger_kinds.csv): a clash starts both
#: sides at rung 2 (the case used to start them at (2, 1) through actors.csv rows, which no longer exist).
RUNG0 = (2, 2)
KIND = "clash"


def _overrides(folder) -> list[str]:
    zero = ["w_grievance", "w_retaliation_norm", "w_reciprocity", "w_reciprocity_down", "w_backing", "w_pressure",
            "w_internationalise", "w_casualties", "danger_rung3", "danger_rung4", "danger_rung5",
            "cf_w_casualties", "cf_w_pressure", "cf_w_facilitation", "cf_w_danger", "cf_w_grievance",
            "cf_w_commitment", "cf_trust_effect"]
    ov = [f"scenario.dir={folder}", "scenario.name=markov_chain", "policy=no_third_parties",
          f"policy.hotline_reliability={HOTLINE}", f"run.days={DAYS}", f"run.replicates={R}",
          "run.block_size=5000", "run.progress=false", "run.seed=11", "run.parameters=point",
          "params.temperature=1.0", f"params.hold_bias={HOLD_BIAS}", f"params.cf_intercept={CF_INTERCEPT}",
          f"params.cf_break_hazard={BREAK}"]
    ov += [f"params.{k}=0" for k in zero]
    ov += [f"params.threshold_rung{k}={THRESHOLDS[k]}" for k in range(1, 6)]
    ov += [f"params.cost_rung{k}={COSTS[k]}" for k in range(1, 5)]
    return ov


def _move_probs(side: int, r: int, in_force: bool) -> dict[int, float]:
    m = EXPOSURE[side]
    cost = [c * (1.0 + m) for c in COSTS]  # trade_ties = 1
    u = {0: HOLD_BIAS}
    if r > 0:
        u[-1] = cost[r] - cost[r - 1]
    if r < 5 and not in_force:
        u[1] = -(THRESHOLDS[r + 1] + cost[r + 1] - cost[r])
    z = sum(math.exp(v) for v in u.values())
    return {k: math.exp(v) / z for k, v in u.items()}


def exact_probabilities() -> dict[str, float]:
    """P(highest rung >= 3), P(nuclear use), P(ceasefire reached) after DAYS days, exactly."""
    s = 1.0 / (1.0 + math.exp(-CF_INTERCEPT))
    dist = {(RUNG0[0], RUNG0[1], 0, int(max(RUNG0) >= 3), 0): 1.0}
    for _ in range(DAYS):
        nxt: dict[tuple, float] = {}

        def add(key, pr):
            nxt[key] = nxt.get(key, 0.0) + pr

        for (r0, r1, f, h, c), pr in dist.items():
            if max(r0, r1) == 5:  # nuclear use is absorbing
                add((r0, r1, f, h, c), pr)
                continue
            forms = HOTLINE * s * s if (f == 0 and max(r0, r1) >= 2) else 0.0
            if forms:
                n0, n1 = min(r0, 1), min(r1, 1)
                add((n0, n1, 1, h, 1), pr * forms)
            rest = pr * (1.0 - forms)
            for m0, p0 in _move_probs(0, r0, f == 1).items():
                for m1, p1 in _move_probs(1, r1, f == 1).items():
                    n0, n1 = min(max(r0 + m0, 0), 5), min(max(r1 + m1, 0), 5)
                    q = rest * p0 * p1
                    if f == 1:
                        b0, b1 = max(n0, 2), max(n1, 2)  # broken: back to LoC firing
                        add((b0, b1, 0, h | int(max(b0, b1) >= 3), c), q * BREAK)
                        still = 0 if max(n0, n1) == 0 else 1  # calm at rung 0 closes the crisis
                        add((n0, n1, still, h | int(max(n0, n1) >= 3), c), q * (1.0 - BREAK))
                    else:
                        add((n0, n1, 0, h | int(max(n0, n1) >= 3), c), q)
        dist = nxt
    total = sum(dist.values())
    assert abs(total - 1.0) < 1e-9
    return {
        "strikes": sum(p for k, p in dist.items() if k[3]),
        "nuclear": sum(p for k, p in dist.items() if max(k[0], k[1]) == 5),
        "ceasefire": sum(p for k, p in dist.items() if k[4]),
    }


@pytest.fixture(scope="module")
def markov_run(tmp_path_factory):
    folder = copy_scenario(tmp_path_factory.mktemp("ka"), "markov_chain")
    assert sim.load_scenario("pahalgam_2025").trigger_kind.kind != KIND  # the edit below is what sets the rungs

    def quiet(meta):
        for key in ("attack_rate_per_year", "loc_incidents_per_year"):
            meta["rates"][key]["value"] = 0
        meta["trigger"]["kind"]["value"] = KIND
    edit_yaml(folder, quiet)
    set_actor_values(folder, {("IND", "audience_cost"): "0", ("PAK", "audience_cost"): "0",
                              ("IND", "economic_exposure"): str(EXPOSURE[0]),
                              ("PAK", "economic_exposure"): str(EXPOSURE[1])})
    return sim.run_ensemble(overrides=_overrides(folder))


@pytest.mark.parametrize("outcome", ["strikes", "nuclear", "ceasefire"])
def test_markov_chain_reduction_matches_exact_answer(markov_run, outcome):
    exact = exact_probabilities()[outcome]
    assert 0.02 < exact < 0.98, "the chosen case should exercise this outcome"
    observed = markov_run.outcomes[outcome].mean()
    se = math.sqrt(exact * (1 - exact) / R)
    assert abs(observed - exact) < 4 * se, f"{outcome}: simulated {observed:.4f}, exact {exact:.4f}, 4 SE {4 * se:.4f}"


def test_known_answer_case_is_not_trivial():
    """The exact answers move when a parameter moves (the test above can fail)."""
    global BREAK
    base = exact_probabilities()
    old, BREAK = BREAK, 0.2
    try:
        changed = exact_probabilities()
    finally:
        BREAK = old
    assert abs(changed["strikes"] - base["strikes"]) > 0.01
