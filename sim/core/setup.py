"""The model's setup: its parameters, its constants and its day-0 state, from resolved inputs.

:class:`ModelSetup` is the part of :class:`~sim.core.model.CrisisModel` that runs once, before
the first day: it reads :class:`~sim.inputs.resolve.Inputs` (plain values, no config objects),
fixes the constants of the run (rung costs and thresholds, baseline ties, the policy's levers)
and sets the initial state declared in :mod:`sim.core.state`. The day itself is in
:mod:`sim.core.model`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Mapping

import numpy as np

from sim.core.agents import Belligerent, ThirdParty
from sim.core.state import allocate, allocate_daily, check
from sim.inputs.errors import ConfigError
from sim.inputs.params import PARAM_NAMES, ModelParams


class _Params:
    """Parameter access: ``p.name`` is a float, or an ``(R, 1)`` array in a per-replicate design.

    The one place where a replicate's parameters are decided, in this order: ``values`` (the
    config's ``params``, a point); then, with a posterior (``run.parameters=posterior``), the
    parameters it gives take draw ``r % D`` for replicate r (``first`` is the global index of
    replicate 0 of this model: ``block * block_size``; a one-replicate model is replicate 0 and
    uses draw 0); then explicit ``arrays`` (a design file or ``param_arrays`` from code) win for
    the parameters they name.
    """

    def __init__(self, values: Mapping[str, float], arrays: Mapping[str, np.ndarray] | None, replicates: int,
                 posterior: Any = None, first: int = 0):
        for k, v in values.items():
            setattr(self, k, v)
        self.draw: np.ndarray | None = None
        if posterior is not None:
            self.draw = posterior.draw_of(first, replicates)
            for k, arr in posterior.arrays(first, replicates).items():
                if k not in (arrays or {}):
                    setattr(self, k, arr[:, None])
        for k, arr in (arrays or {}).items():
            if k not in values:
                raise ConfigError(f"param_arrays: '{k}' is not a parameter (see sim.inputs.params.ModelParams)")
            arr = np.asarray(arr, dtype=float).reshape(-1)
            if arr.shape[0] != replicates:
                raise ConfigError(f"param_arrays.{k}: has {arr.shape[0]} values for {replicates} replicates")
            lo, hi = next(f.metadata["range"] for f in fields(ModelParams) if f.name == k)
            if not (np.isfinite(arr).all() and (arr >= lo).all() and (arr <= hi).all()):
                raise ConfigError(f"param_arrays.{k}: values must lie in [{lo}, {hi}]")
            setattr(self, k, arr[:, None])


class ModelSetup:
    """Setup of a :class:`~sim.core.model.CrisisModel` (a mixin: it sets the model's attributes).

    Expects ``inputs``, ``p``, ``replicates`` and ``days`` to be set; sets the constants
    (:meth:`_setup_constants`), the state (:meth:`_setup_state`) and the agents.
    """

    inputs: Any
    p: _Params
    replicates: int
    days: int

    def _setup_constants(self) -> None:
        sc, p, pol = self.inputs.scenario, self.p, self.inputs.policy
        b, t = list(sc.belligerents), list(sc.third_parties)
        self.T = len(t)
        bp, tp = sc.belligerent_params, sc.third_party_params
        self.nuclear = float(self.inputs.nuclear)
        victim = sc.trigger.get("victim") or sc.belligerent_ids[0]
        self.victim_slot = sc.belligerent_ids.index(victim)
        self.top_rung = 5 if self.nuclear else 4  # without nuclear weapons on both sides, war is the top
        # Per belligerent: one-off thresholds of entering each rung, and the cumulative daily cost of
        # being at each rung (economic and military costs scaled by exposure, plus nuclear danger).
        exposure = 1.0 + bp["economic_exposure"] * float(pol.trade_ties)  # (2,)
        danger = [0.0, 0.0, 0.0, p.danger_rung3, p.danger_rung4, p.danger_rung5]
        daily = [0.0, p.cost_rung1, p.cost_rung2, p.cost_rung3, p.cost_rung4, p.cost_rung4]
        # What the trigger's kind does is data (scenarios/trigger_kinds.csv), read here once: a
        # victim defended at home (an incursion: Kargil) fights on its own side of the line and
        # bears only a share of the nuclear danger of strikes and war (rungs 3 and 4), the intruder
        # all; a standing cause adds grievance to the victim every day its author stays at or
        # above the rung the kind started it at (the intruder's positions, an insurgency, a civil
        # war's refugees).
        kind = sc.trigger_kind
        self.victim_mask = np.arange(2) == self.victim_slot  # (2,)
        self.standing_cause = float(kind.standing)
        self.cause_rung = int(kind.opponent_rung0)
        own_side = np.where(self.victim_mask, p.incursion_danger_factor, 1.0) if kind.defended_at_home \
            else np.ones(2)  # (2,), or (R, 2) for a per-replicate factor
        rows = [np.broadcast_to(np.asarray(daily[k], dtype=float) * exposure
                                + self.nuclear * np.asarray(danger[k]) * (own_side if k in (3, 4) else 1.0),
                                self._shape2()) for k in range(6)]
        cum = np.stack(rows, axis=-1)  # (R|1, 2, 6): daily cost of being at rung k
        self.rung_cost = np.concatenate([cum, np.full(cum.shape[:-1] + (1,), np.inf)], axis=-1)
        self.threshold = self._by_rung([0.0, p.threshold_rung1, p.threshold_rung2, p.threshold_rung3,
                                        p.threshold_rung4, p.threshold_rung5])  # (R|1, 6)
        self.threshold2 = np.repeat(self.threshold[:, None, :], 2, axis=1)  # (R|1, 2, 6)
        self.danger_by_rung = self._by_rung([d * self.nuclear for d in danger])
        self.casualty_by_rung = self._by_rung([0.0, 0.0, p.casualties_rung2, p.casualties_rung3,
                                               p.casualties_rung4, p.casualties_rung5])
        self.attention_by_rung = self._by_rung([p.attention_rung0, p.attention_rung1, p.attention_rung2,
                                                p.attention_rung3, p.attention_rung4, p.attention_rung4])
        self.audience_cost = bp["audience_cost"]
        self.internationalise = bp["internationalise"]
        self.retaliation_norm = bp["retaliation_norm"]
        self.accept_fac = bp["accept_facilitation"]
        self.accept_med = bp["accept_mediation"]
        self.tp_params = tp
        self.tpp = self.inputs.tp_policy
        self.lev_econ0 = sc.leverage_economic[np.ix_(t, b)] * float(pol.trade_ties)
        self.lev0 = np.clip(sc.leverage_security[np.ix_(t, b)] + self.lev_econ0, 0.0, 1.0)  # (T, 2)
        self.aff0 = sc.affinity[np.ix_(t, b)]  # (T, 2)
        self.rates = sc.rates
        cond = self.inputs.conditions
        self.hotline_on = bool(cond["hotline"])
        self.hotline_reliability = float(pol.hotline_reliability)
        self.prenotification = bool(cond["missile_prenotification"])
        self.neutral_site = bool(pol.neutral_site_talks)

    def _shape1(self) -> tuple[int, int]:
        return (self.replicates if self._per_replicate() else 1, 1)

    def _by_rung(self, values: list[Any]) -> np.ndarray:
        """Stack six per-rung values (floats or (R, 1) arrays) into an (R|1, 6) table."""
        return np.concatenate([np.broadcast_to(np.asarray(v, dtype=float), self._shape1()) for v in values], axis=1)

    def _shape2(self) -> tuple[int, int]:
        return (self.replicates if self._per_replicate() else 1, 2)

    def _per_replicate(self) -> bool:
        return any(isinstance(getattr(self.p, k), np.ndarray) for k in PARAM_NAMES)

    def _setup_state(self) -> None:
        """Allocate the declared state (:func:`~sim.core.state.allocate`) and set the initial values
        that depend on the inputs (those declared ``SETUP``, and the adjusted ``answered``)."""
        R, p = self.replicates, self.p
        sc, inp = self.inputs.scenario, self.inputs
        bp = sc.belligerent_params
        crisis = inp.horizon == "crisis"
        for name, arr in allocate(R, self.T).items():
            setattr(self, name, arr)
        self.rung = np.broadcast_to(bp["rung0"].astype(np.int64), (R, 2)).copy()
        self.max_rung = self.rung.copy()
        self.grievance = np.broadcast_to(bp["grievance0"], (R, 2)).astype(float)
        if crisis:  # the trigger's toll and its kind's severity (ICB's trigger typology)
            hurt = np.broadcast_to(p.grievance_per_log_death * np.log1p(sc.trigger["deaths"])
                                   + p.grievance_per_severity * sc.trigger_kind.severity, (R, 1))
            self.grievance[:, self.victim_slot] += hurt[:, 0]
        if inp.conditions["indus_waters_treaty"] == "abeyance":
            self.grievance += p.grievance_iwt_abeyance * bp["water_dependence"] * np.ones((R, 1))
        self.commitment = np.broadcast_to(bp["commitment0"], (R, 2)).astype(float).copy()
        # Whether each side has answered the attacks on it with a strike (rung >= 3). A crisis
        # set off by a kind that owes an answer (an attack) starts with it unanswered by its
        # victim; the other kinds are met by fighting or talks, not answered as an attack; an era
        # starts with nothing to answer.
        if crisis and sc.trigger_kind.answer_owed:
            self.answered[:, self.victim_slot] = False
        self.perceived = self.rung[:, ::-1].copy()
        self.trust = np.clip(p.trust_per_cbm * inp.cbm_count * np.ones((R, 1)), 0.0, 1.0)
        self.understanding = np.full((R, 1), bool(inp.conditions["loc_understanding"]))
        self.aff = np.broadcast_to(self.aff0, (R, self.T, 2)).copy()
        self.lev = np.broadcast_to(self.lev0, (R, self.T, 2)).copy()
        self.last_fight_day = np.where(self.rung.max(1, keepdims=True) >= 2, 0, -1).astype(np.int64)
        self.last_active_day = np.where(self.rung.max(1, keepdims=True) >= 1, 0, -1).astype(np.int64)
        # A crisis horizon starts with its trigger: one crisis. An era counts onsets as it goes.
        self.crises = np.full((R, 1), int(crisis), dtype=np.int64)
        self.calm_days = np.full((R, 1), 0 if crisis else 10**6, dtype=np.int64)
        check(self)
        # Daily aggregates over replicates (for figures): rung shares, highest rung so far, ceasefires.
        for name, arr in allocate_daily(self.days, self.T).items():
            setattr(self, name, arr)

    def _setup_agents(self) -> None:
        sc = self.inputs.scenario
        self.belligerent_agents = [Belligerent(self, sc.actors[i], sc.names[i], "belligerent", k)
                                   for k, i in enumerate(sc.belligerents)]
        self.third_party_agents = [ThirdParty(self, sc.actors[i], sc.names[i], "third_party", k)
                                   for k, i in enumerate(sc.third_parties)]
