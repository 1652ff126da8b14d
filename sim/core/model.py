"""The crisis model: a Mesa model whose agents are countries and whose state spans replicates.

One ``CrisisModel`` steps R parallel worlds in lock-step: every state variable is a numpy array
with a leading replicate axis, and the day's dynamics (:meth:`CrisisModel.step`) are written once,
vectorised over replicates. R=1 serves the classroom app and ``mesa.batch_run``; R in the
thousands serves the ensemble. There is no other copy of the dynamics.

The state is declared in :mod:`sim.core.state` (shapes ``(R, 2)`` per belligerent, ``(R, T)``
per third party, ``(R, T, 2)`` per tie, ``(R, 1)`` per dyad) and set up by
:class:`~sim.core.setup.ModelSetup`; this module holds the day. Parameters are floats or, for
per-replicate designs, ``(R, 1)`` arrays: both broadcast. The model reads only resolved,
plain inputs (:class:`~sim.inputs.resolve.Inputs`); composing presets is the inputs wing's job.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import mesa
import numpy as np

from sim.core.columns import outcome_table, reporters
from sim.core.ops import (
    _RUNG_LEVELS,
    _any_cols,
    _at_rung,
    _count_cols,
    _halflife_factor,
    _max_pair,
    _per_rung,
    _sum_mid,
)
from sim.core.rng import block_streams, poisson_inverse
from sim.core.setup import ModelSetup, _Params
from sim.inputs.errors import ConfigError
from sim.inputs.presets import preset_inputs
from sim.inputs.resolve import Inputs
from sim.vocab.ladder import (
    ACT_BACK,
    ACT_FACILITATE,
    ACT_MEDIATE,
    ACT_NONE,
    ACT_PRESS_0,
    ACT_PRESS_1,
    ACT_RESTRAINT,
    ACTIONS,
    BK_FACILITATION,
    BK_HOTLINE,
    BK_MEDIATION,
    BK_NONE,
    CF_AGREED,
    CF_BROKEN,
    CF_HOLDING,
    CF_NONE,
)
from sim.vocab.outcomes import REPORTERS

#: Minimum affinity for a third party to count a belligerent as its ally.
ALLY_THRESHOLD = 0.5


class CrisisModel(ModelSetup, mesa.Model):
    """An India-Pakistan crisis with third-party diplomacy, over R replicates in lock-step.

    Args:
        inputs: Resolved inputs (from :func:`build_inputs`). If omitted they are composed from
            ``scenario``, ``policy`` and ``overrides`` (as :meth:`from_presets` does).
        replicates: Number of parallel worlds R.
        seed: The run's seed. ``rng`` is accepted as a synonym (Mesa's ``batch_run`` passes it).
        block: Index of this block of replicates within a run (it keys the random streams).
        block_size: Rows drawn per random array; replicates beyond ``replicates`` are drawn and
            dropped, so a replicate's numbers do not depend on how many share its block.
        param_arrays: Per-replicate values for behavioural parameters, ``{name: (R,) array}``;
            they win over the posterior of ``inputs`` (``run.parameters=posterior``), which gives
            replicate r of the run (``block * block_size + r``) posterior draw ``r % D``: a
            one-replicate model uses draw 0.
        scenario, policy, overrides, days: Used only when ``inputs`` is omitted; ``days``
            overrides the configured horizon.
    """

    def __init__(self, inputs: Inputs | None = None, *, replicates: int = 1, seed: int | None = None,
                 rng: Any = None, block: int = 0, block_size: int | None = None,
                 param_arrays: Mapping[str, np.ndarray] | None = None, scenario: str = "pahalgam_2025",
                 policy: str = "baseline", overrides: Sequence[str] = (), days: int | None = None):
        if seed is None and rng is not None:
            if not isinstance(rng, (int, np.integer)):
                raise ConfigError("rng: CrisisModel takes an integer seed (or seed=...), not a Generator")
            seed = int(rng)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))  # fresh entropy, recorded below
        super().__init__(rng=seed)
        if inputs is None:  # the keyword path (mesa.batch_run): presets, composed once per process
            inputs = preset_inputs(scenario, policy, overrides)
        if replicates < 1:
            raise ConfigError(f"replicates={replicates}: must be a positive whole number")
        self.inputs = inputs
        self.seed, self.block = int(seed), int(block)
        self.replicates = R = int(replicates)
        self.draw_rows = int(block_size or R)
        if self.draw_rows < R:
            raise ConfigError(f"block_size={self.draw_rows} is smaller than replicates={R}")
        self.days = int(days if days is not None else inputs.days)
        self.day = 0
        self.p = _Params(inputs.params, param_arrays, R, posterior=getattr(inputs, "posterior", None),
                         first=self.block * self.draw_rows)
        self._streams = block_streams(self.seed, self.block)
        self._setup_constants()
        self._setup_state()
        self._record()
        self._setup_agents()
        self.datacollector = mesa.DataCollector(model_reporters=reporters(self, REPORTERS))
        self.running = True

    @classmethod
    def from_presets(cls, scenario: str = "pahalgam_2025", policy: str = "baseline", overrides: Sequence[str] = (),
                     days: int | None = None, **kwargs: Any) -> "CrisisModel":
        """A model of a scenario and a policy preset, with Hydra overrides (``params.x=...``).

        The presets are composed and resolved once per process for each distinct combination
        (:func:`sim.inputs.presets.preset_inputs`).

        Args:
            scenario: A scenario preset (``conf/scenario``).
            policy: A policy preset (``conf/policy``).
            overrides: Further Hydra overrides.
            days: The horizon, instead of the configured one.
            **kwargs: The other arguments of :class:`CrisisModel` (``replicates``, ``seed``...).

        Raises:
            ConfigError: a bad preset or override (one line naming it).
        """
        return cls(preset_inputs(scenario, policy, overrides), days=days, **kwargs)

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Advance every replicate by one day.

        The order of a day (brief M§4), the same for every replicate and horizon:

        1. Shocks: a militant attack (daily chance from the scenario's yearly rate; death toll
           lognormal) adds grievance to its victim, leaves the victim's grievance unanswered and
           marks a possible spoiler; LoC incidents (Poisson, rate cut by a LoC understanding or
           ceasefire in force, raised by fighting) add a little grievance to both sides.
        2. Perception: each belligerent sees the other's rung, one rung too high with a daily
           chance (only when the other is active, rung >= 1) that a working hotline, yesterday's
           facilitation and missile-test pre-notification shrink.
        3. Third parties act: each pays attention with a chance that rises with the highest
           rung; an attentive one picks one allowed action, weighted by its propensities,
           leverage and affinity: restraint call, private pressure on one side, facilitation,
           public mediation offer, or backing its ally. Pressure and backing accumulate and decay.
        4. Belligerents decide: a logit choice of down / hold / up one rung over grievance, an
           unanswered grievance under a retaliation norm (without one, only a share of it drives
           a side from coercion into fighting: strategic restraint), reciprocity to the perceived
           rung, backing, pressure, internationalisation, own casualties, the threshold, costs and
           nuclear danger of the new rung (a share of it for a victim defended at home, who
           fights on its own side of the line: an incursion) and the audience cost of backing down; and, during
           fighting, whether to accept a ceasefire through each open channel (hotline; a third
           party's facilitation or mediation) that it will use, more readily under a standing
           neutral-site framework.
        5. Resolution: a ceasefire forms if both accept one open channel (rungs fall to at most
           1); otherwise rungs move (never up while a ceasefire is in force). A ceasefire in force
           may break (hazard cut by trust and a third-party guarantor; a spoiler attack may break
           it), which puts both sides back at rung 2 or above at once. Grievance, commitment and
           casualties update; a strike answers the striker's grievance; a standing cause (an
           intruder's positions, an insurgency, a civil war's refugees: the trigger kind's table)
           adds to its victim's while its author holds on; rung 5 ends that replicate. A LoC understanding ends
           with fighting and erodes in calm times.
        6. Network update: rejected public mediation offers, backing and pressure move the
           third parties' affinity with the belligerents; pressure uses up leverage; both drift
           back to their baseline.
        7. Record: the day's aggregates over replicates.
        """
        if not self.alive.any() or self.day >= self.days:
            self.running = False
            return
        self.day += 1
        draws = self._draw_day()
        attack = self._shocks(draws)
        hotline_ok = self._perception(draws)
        pressed, backs = self._third_parties_act(draws)
        moves, true_moves, willing = self._belligerents_decide(draws, hotline_ok)
        self._resolve(draws, moves, true_moves, willing, attack)
        self._update_network(pressed, backs)
        self._record()
        if self.replicates == 1:
            self.datacollector.collect(self)
        if self.day >= self.days or not self.alive.any():
            self.running = False

    def _draw_day(self) -> dict[str, np.ndarray]:
        """Every random number of the day, in fixed shapes whatever the state or policy (CRN)."""
        n, R, T, s = self.draw_rows, self.replicates, self.T, self._streams
        return {
            "attack": s["attacks"].random((n, 2))[:R],
            "attack_z": s["attacks"].standard_normal((n, 1))[:R],
            "loc": s["loc"].random((n, 1))[:R],
            "hotline": s["perception"].random((n, 1))[:R],
            "misperceive": s["perception"].random((n, 2))[:R],
            "attention": s["attention"].random((n, T))[:R],
            "action": s["third_party"].random((n, T))[:R],
            "move": s["decision"].random((n, 2))[:R],
            "accept": s["decision"].random((n, 2))[:R],
            "cf_break": s["ceasefire"].random((n, 2))[:R],
        }

    def _shocks(self, d: dict[str, np.ndarray]) -> np.ndarray:
        p, rates = self.p, self.rates
        attack = (d["attack"][:, :1] < -np.expm1(-rates["attack_rate_per_year"] / 365.0)) & self.alive
        on_victim = d["attack"][:, 1:] < rates["attack_victim_share"]
        deaths = rates["attack_deaths_median"] * np.exp(rates["attack_deaths_log_sd"] * d["attack_z"])
        hurt = attack * p.grievance_per_log_death * np.log1p(deaths)
        self.grievance[:, self.victim_slot] += (hurt * on_victim)[:, 0]
        self.grievance[:, 1 - self.victim_slot] += (hurt * ~on_victim)[:, 0]
        self.answered[:, self.victim_slot] &= ~(attack & on_victim)[:, 0]
        self.answered[:, 1 - self.victim_slot] &= ~(attack & ~on_victim)[:, 0]
        self.attacks += attack
        self.attack_today = attack
        quiet = self.understanding | ((self.cf == CF_AGREED) | (self.cf == CF_HOLDING))
        fighting = _max_pair(self.rung) >= 2
        lam = self.rates["loc_incidents_per_year"] / 365.0 * np.where(quiet, self.rates["cbm_cfv_multiplier"], 1.0) \
            * np.where(fighting, p.loc_rate_multiplier_fighting, 1.0)
        incidents = poisson_inverse(d["loc"], lam) * self.alive
        self.loc_incidents += incidents
        self.grievance += p.grievance_per_loc_incident * incidents
        return attack

    def _perception(self, d: dict[str, np.ndarray]) -> np.ndarray:
        p = self.p
        hotline_ok = (d["hotline"] < self.hotline_reliability) if self.hotline_on else np.zeros_like(d["hotline"], bool)
        eps = p.misperception_prob * np.where(hotline_ok, p.hotline_misperception_factor, 1.0) \
            * np.where(self.facilitated, p.facilitation_misperception_factor, 1.0) \
            * (p.prenotification_misperception_factor if self.prenotification else 1.0)
        self.misperceived = (d["misperceive"] < eps) & (self.rung[:, ::-1] >= 1)
        self.perceived = np.minimum(self.rung[:, ::-1] + self.misperceived, 5)
        return hotline_ok

    def _third_parties_act(self, d: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Third parties attend and act; returns today's (R, T, 2) ``pressed`` and ``backs`` masks
        (which belligerent each party pressed or backed), for the network update."""
        p, tp, pol, T = self.p, self.tp_params, self.tpp, self.T
        rmax = _max_pair(self.rung)
        at = rmax[:, 0]
        levels = _RUNG_LEVELS if self.attention_by_rung.shape[0] == 1 else rmax  # see _RUNG_LEVELS
        attention_mult = _at_rung(self.attention_by_rung, levels)
        q = np.clip(tp["attention"] * pol["intensity"], 0.0, 1.0)
        p_attend = -np.expm1(attention_mult * np.log1p(-np.minimum(q, 1 - 1e-12)))  # 1-(1-q)^h, (R, T)
        if levels is _RUNG_LEVELS:
            p_attend = p_attend.take(at, axis=0)
        on_duty = (pol["engage"] > 0) & (self.day >= pol["from_day"])  # (T,)
        attending = (d["attention"] < p_attend) & on_duty & self.alive
        shade = np.clip((1.0 + self.aff) / 2.0, 0.0, 1.0)  # (R, T, 2): receptiveness to a party's pressure
        gap = np.clip(self.rung[:, None, :] - self.rung[:, None, ::-1], 0, None)  # (R, 1, 2)
        press_ok = ((pol["pressure"] > 0)[None, :] & (_RUNG_LEVELS >= pol["pressure_from_rung"][None, :])
                    ).take(at, axis=0)[:, :, None]  # (R, T, 1)
        # w_press = tp["pressure"] * lev * shade * (1 + gap) * press_ok, (R, T, 2), one side at a time
        w_press = [tp["pressure"][None, :] * self.lev[:, :, b] * shade[:, :, b] * (1.0 + gap[:, :, b])
                   * press_ok[:, :, 0] for b in range(2)]
        ally_aff = np.maximum(self.aff[:, :, 0], self.aff[:, :, 1])  # (R, T): aff.max(2)
        ally = (self.aff[:, :, 1] > self.aff[:, :, 0]).astype(np.int64)  # (R, T): aff.argmax(2), ties to 0
        ally_fighting = np.take_along_axis(self.rung, ally, 1) >= 2 if T else np.zeros((self.replicates, 0), bool)
        # Weight of each action (R, T); an attentive party picks one with probability ∝ weight.
        lv = _RUNG_LEVELS
        weights = [
            (tp["restraint"] * (pol["restraint"] > 0) * (lv >= 1)).take(at, axis=0),
            w_press[0],
            w_press[1],
            (tp["facilitation"] * (pol["facilitation"] > 0) * (lv >= 2)).take(at, axis=0),
            (tp["mediation"] * (pol["public_mediation"] > 0) * (self.day >= pol["public_mediation_from_day"])
             * (lv >= 1)).take(at, axis=0),
            pol["backing"] * (pol["back_ally"] > 0) * (ally_aff >= ALLY_THRESHOLD) * ally_fighting * ally_aff,
        ]
        total = sum(weights)
        target = d["action"] * total
        act = np.zeros((self.replicates, T), dtype=np.int64)
        running = np.zeros_like(target)
        open_ = attending & (total > 0)  # still to choose (an inattentive party stays out)
        for code, w in enumerate(weights, start=1):
            running += w
            hit = open_ & (target < running)
            act += code * hit
            open_ &= ~hit
        self.tp_action = act
        self.tp_engaged |= act != ACT_NONE
        # Effects on the belligerents
        decay = _halflife_factor(p.pressure_halflife_days)
        pressed = np.stack([act == ACT_PRESS_0, act == ACT_PRESS_1], axis=2)  # (R, T, 2)
        restraint = _count_cols(act == ACT_RESTRAINT)
        self.pressure = self.pressure * decay + p.pressure_effect * _sum_mid(pressed * self.lev * shade) \
            + p.restraint_effect * restraint
        backing_now = act == ACT_BACK
        backs = np.stack([backing_now & (ally == 0), backing_now & (ally == 1)], axis=2)  # (R, T, 2)
        self.backing = self.backing * decay + p.backing_effect * _sum_mid(backs * self.aff)
        self.facilitated = _any_cols(act == ACT_FACILITATE)
        self.mediation_offers += act == ACT_MEDIATE
        return pressed, backs

    def _choice_terms(self) -> dict[str, np.ndarray]:
        """The terms of today's choice that do not depend on the perceived opponent rung: computed
        once a day and shared by the choice as seen and the choice with the true rung."""
        p, r = self.p, self.rung
        no_party = ~_any_cols(self.tp_action != ACT_NONE)
        here = _per_rung(self.rung_cost, r)
        in_force = (self.cf == CF_AGREED) | (self.cf == CF_HOLDING)
        return {
            "grievance": p.w_grievance * self.grievance,
            "backing": p.w_backing * self.backing,
            "pressure": p.w_pressure * self.pressure,
            "internationalise": p.w_internationalise * self.internationalise * no_party * (r >= 1),
            "retaliation": p.w_retaliation_norm * self.retaliation_norm * ~self.answered
            * np.minimum(self.grievance, 1.0),
            # Strategic restraint: without a retaliation norm, only a share of an unanswered
            # attack's grievance drives a side from coercion into fighting (rung 2 and up).
            "restraint": (1.0 - p.grievance_share_without_norm) * (1.0 - self.retaliation_norm)
            * (~self.answered & (r >= 1)) * p.w_grievance * self.grievance,
            "casualties": p.w_casualties * np.log1p(self.casualties),
            "threshold": _per_rung(self.threshold2, np.minimum(r + 1, 5)),
            "climb": _per_rung(self.rung_cost, r + 1) - here,  # cost of the rung above over this one
            "relief": here - _per_rung(self.rung_cost, np.maximum(r - 1, 0)),  # saved by stepping down
            "audience": self.audience_cost * self.commitment,
            "u_hold": np.broadcast_to(p.hold_bias / p.temperature, r.shape),
            "no_up": in_force | (r >= self.top_rung),
        }

    def _choose_moves(self, perceived: np.ndarray, u: np.ndarray, c: dict[str, np.ndarray] | None = None
                      ) -> np.ndarray:
        """Logit choice of -1 / 0 / +1 for both belligerents, given the perceived opponent rung.

        ``c``: today's :meth:`_choice_terms` (computed here when not given). The drive to escalate
        is w_grievance·grievance + w_reciprocity·max(gap, 0) + w_reciprocity_down·min(gap, 0)
        + w_backing·backing − w_pressure·pressure + w_internationalise·internationalise·[no third
        party engaged]·[rung ≥ 1] + w_retaliation_norm·retaliation_norm·[attack unanswered]·
        min(grievance, 1) − w_casualties·log(1 + casualties), with gap = perceived − own rung.
        Moving up from rung 1 or above, a side without the norm (n < 1) whose attack is unanswered
        counts only the share s + (1 − s)·n of its grievance (strategic restraint).
        """
        p, r = self.p, self.rung
        c = self._choice_terms() if c is None else c
        gap = perceived - r
        drive = c["grievance"] + p.w_reciprocity * np.maximum(gap, 0) \
            + p.w_reciprocity_down * np.minimum(gap, 0) \
            + c["backing"] - c["pressure"] + c["internationalise"] + c["retaliation"] - c["casualties"]
        u_up = (drive - c["restraint"] - c["threshold"] - c["climb"]) / p.temperature
        u_hold = c["u_hold"]
        u_down = np.where(r > 0, (-drive + c["relief"] - c["audience"]) / p.temperature, -np.inf)
        u_up = np.where(c["no_up"], -np.inf, u_up)
        top = np.maximum(np.maximum(u_up, u_hold), u_down)
        e_up, e_hold, e_down = np.exp(u_up - top), np.exp(u_hold - top), np.exp(u_down - top)
        total = e_up + e_hold + e_down
        return np.where(u < e_down / total, -1, np.where(u >= 1.0 - e_up / total, 1, 0))

    def _belligerents_decide(self, d: dict[str, np.ndarray], hotline_ok: np.ndarray
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Today's moves as seen, the moves the true opponent rungs would have given, and the (R, 1 + T)
        ceasefire willingness per channel (hotline, then each third party)."""
        p = self.p
        r = self.rung
        in_force = (self.cf == CF_AGREED) | (self.cf == CF_HOLDING)
        terms = self._choice_terms()
        moves = self._choose_moves(self.perceived, d["move"], terms)
        # The same choice with the opponent's true rung and the same uniform: an up-move made
        # only because of misperception is an accidental escalation.
        true_moves = self._choose_moves(r[:, ::-1], d["move"], terms)
        # Ceasefire willingness during fighting
        rmax = _max_pair(r)
        danger = _at_rung(self.danger_by_rung, rmax)
        z = p.cf_intercept + p.cf_w_casualties * np.log1p(self.casualties) + p.cf_w_pressure * self.pressure \
            + p.cf_w_facilitation * self.facilitated + p.cf_w_danger * danger + p.cf_w_neutral_site * self.neutral_site \
            - p.cf_w_grievance * self.grievance - p.cf_w_commitment * self.commitment
        p_will = 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow
        # Channels: 0 = hotline (both accept it), 1 + k = third party k's facilitation or public
        # mediation, accepted by side b with probability accept_facilitation[b] or accept_mediation[b]
        # (the same uniform, so a channel a side refuses outright is never used).
        u = d["accept"]
        ok = u < p_will
        both_hotline = ok[:, :1] & ok[:, 1:]  # .all(1, keepdims=True) of the two sides
        ok = u < p_will * self.accept_fac
        both_fac = ok[:, :1] & ok[:, 1:]
        ok = u < p_will * self.accept_med
        both_med = ok[:, :1] & ok[:, 1:]
        can = self.alive & ~in_force & (rmax >= 2)
        willing = np.concatenate([hotline_ok & both_hotline,
                                  ((self.tp_action == ACT_FACILITATE) & both_fac)
                                  | ((self.tp_action == ACT_MEDIATE) & both_med)], axis=1) & can
        return moves, true_moves, willing

    def _resolve(self, d: dict[str, np.ndarray], moves: np.ndarray, true_moves: np.ndarray, willing: np.ndarray,
                 attack: np.ndarray) -> None:
        p = self.p
        old = self.rung
        forms = _any_cols(willing)
        channel = np.where(forms, willing.argmax(1)[:, None], -1)
        in_force = (self.cf == CF_AGREED) | (self.cf == CF_HOLDING)
        moves = np.where(forms | ~self.alive, 0, moves)
        new = np.where(forms, np.minimum(old, 1), np.clip(old + moves, 0, 5))
        self.accidental += _count_cols((moves > 0) & (true_moves <= 0))
        # Ceasefire formation
        first = forms & (self.first_cf_day < 0)
        self.first_cf_day = np.where(first, self.day, self.first_cf_day)
        self.broker = np.where(first, channel, self.broker)
        tp_kind = np.where(self.tp_action == ACT_FACILITATE, BK_FACILITATION,
                           np.where(self.tp_action == ACT_MEDIATE, BK_MEDIATION, BK_NONE))
        kind = np.where(channel == 0, BK_HOTLINE, np.take_along_axis(tp_kind, np.clip(channel - 1, 0, None), 1)
                        if self.T else -1)
        self.broker_kind = np.where(first, kind, self.broker_kind)
        self.cf = np.where(forms, CF_AGREED, self.cf)
        self.cf_age = np.where(forms, 0, self.cf_age + in_force)
        self.cf_guaranteed = np.where(forms, channel > 0, self.cf_guaranteed)
        self.trust = np.clip(self.trust + forms * (channel == 0) * p.trust_gain_hotline_ceasefire, 0.0, 1.0)
        self.understanding |= forms
        # Ceasefire breaking (only one already in force at dawn can break today)
        hazard = p.cf_break_hazard * np.exp(-p.cf_trust_effect * self.trust) \
            * np.where(self.cf_guaranteed, p.cf_guarantee_factor, 1.0)
        breaks = in_force & self.alive & ((d["cf_break"][:, :1] < hazard)
                                          | (attack & (d["cf_break"][:, 1:] < p.cf_spoiler_break_prob)))
        self.cf = np.where(breaks, CF_BROKEN, self.cf)
        self.cf = np.where((self.cf == CF_AGREED) & (self.cf_age >= p.cf_settle_days), CF_HOLDING, self.cf)
        self.cf_breaks += breaks
        self.trust = np.clip(self.trust - breaks * p.trust_loss_break, 0.0, 1.0)
        new = np.where(breaks, np.maximum(new, 2), new)
        # Grievance, commitment, casualties
        opp = new[:, ::-1]
        g = self.grievance * _halflife_factor(p.grievance_halflife_days)
        g = np.where(new >= 3, g * (1.0 - p.retaliation_satisfaction), g)
        g = g + p.grievance_from_shelling * (opp == 2) + p.grievance_from_strikes * (opp >= 3)
        # A standing cause (the kind table): grievance to the victim while its author holds on
        g = g + p.grievance_from_standing_cause * self.standing_cause * self.victim_mask * (opp >= self.cause_rung)
        rose = new > old
        self.commitment = self.commitment * _halflife_factor(p.commitment_halflife_days) \
            + p.commitment_per_escalation * rose
        cas = self.casualty_by_rung[0][opp] if self.casualty_by_rung.shape[0] == 1 \
            else np.take_along_axis(self.casualty_by_rung, opp, 1)
        alive = self.alive
        self.grievance = np.where(alive, g, self.grievance)
        self.casualties += cas * alive
        self.rung = np.where(alive, new, old)
        rmax_old = _max_pair(old)
        rmax = _max_pair(self.rung)
        self.max_rung = np.maximum(self.max_rung, self.rung)
        self.answered |= self.rung >= 3
        # Fighting ends a LoC understanding; in calm times it erodes with its own half-life (the
        # same uniform as the break draw: at most one of the two applies on a day). A ceasefire
        # whose crisis has calmed to rung 0 on both sides closes the crisis and lives on as the
        # LoC understanding.
        erodes = (d["cf_break"][:, :1] < -np.expm1(-np.log(2.0) / p.understanding_halflife_days)) & ~in_force
        self.understanding &= ~((rmax >= 2) & ~forms) & ~erodes
        closed = ((self.cf == CF_AGREED) | (self.cf == CF_HOLDING)) & (rmax == 0)
        self.cf = np.where(closed, CF_NONE, self.cf)
        self.kinetic_days += (rmax >= 3) & alive
        self.last_fight_day = np.where((rmax >= 2) & alive, self.day, self.last_fight_day)
        self.last_active_day = np.where((rmax >= 1) & alive, self.day, self.last_active_day)
        self.crises += (rmax_old == 0) & (rmax >= 1) & alive & (self.calm_days >= p.calm_days_between_crises)
        self.calm_days = np.where(rmax == 0, self.calm_days + 1, 0)
        self.alive = alive & (rmax < 5)

    def _update_network(self, pressed: np.ndarray, backs: np.ndarray) -> None:
        p = self.p
        act = self.tp_action
        offered = act == ACT_MEDIATE
        refuse = 1.0 - self.accept_med
        rejected = np.stack([offered * refuse[0], offered * refuse[1]], axis=2)  # (R, T, 2)
        backs = backs.astype(float)
        strain_other = backs[:, :, ::-1]
        delta = -p.mediation_strain * rejected + p.backing_strain * (backs - strain_other) \
            - p.pressure_resentment * pressed
        self.aff = np.clip(self.aff + delta + (self.aff0 - self.aff) / p.affinity_reversion_days, -1.0, 1.0)
        self.lev = np.clip(self.lev * (1.0 - p.leverage_depletion * pressed)
                           + (self.lev0 - self.lev) / p.leverage_recovery_days, 0.0, 1.0)

    def _record(self) -> None:
        day = self.day
        for k in range(2):
            self.daily_rungs[day, k] = np.bincount(self.rung[:, k], minlength=6)[:6]
        self.daily_max[day] = np.bincount(np.maximum(self.max_rung[:, 0], self.max_rung[:, 1]), minlength=6)[:6]
        self.daily_cf[day] = int(((self.cf == CF_AGREED) | (self.cf == CF_HOLDING)).sum())
        if self.T:
            idx = self.tp_action + len(ACTIONS) * np.arange(self.T)[None, :]
            self.daily_actions[day] = np.bincount(idx.ravel(), minlength=self.T * len(ACTIONS)).reshape(
                self.T, len(ACTIONS))

    # ------------------------------------------------------------------ running and outcomes
    def run(self) -> "CrisisModel":
        """Step to the horizon (or until every replicate has ended in nuclear use)."""
        while self.running:
            self.step()
        return self

    def outcomes(self) -> dict[str, np.ndarray]:
        """Per-replicate outcomes (brief M§6) as 1-D arrays of length R, one per catalogue column.

        Each column is defined once in :mod:`sim.core.columns`, per-country values read at each
        agent's slot (the column its ``Belligerent`` or ``ThirdParty`` exposes); the Mesa
        reporters compute their own columns, at replicate 0, with the same definitions.
        """
        return outcome_table(self)

    def broker_names(self) -> list[str]:
        """Names of the broker codes: index 0 is 'bilateral' (hotline), then each third party."""
        return ["bilateral", *self.inputs.scenario.third_party_ids]
