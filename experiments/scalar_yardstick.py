"""A scalar Mesa yardstick: an idiomatic one-world Mesa 3 model the size of CrisisModel's day.

This is *not* the crisis model and not a copy of its dynamics: its rules and coefficients are
made up for the benchmark and its numbers mean nothing. It exists to say how fast an ordinary
scalar Mesa model of the same size runs under ``mesa.batch_run``, so that the ensemble's speed
can be quoted against an idiomatic yardstick as well as against ``CrisisModel`` run one
replicate at a time (whose R = 1 path pays numpy's per-call overhead on one-element arrays).

It is written the way a Mesa model usually is: plain Python floats and ints, countries as
``mesa.Agent`` subclasses each with its own ``step()``, the model's ``step()`` calling them
through ``AgentSet.do``, Python's ``random`` (``model.random``) for the draws and numpy's
``Generator`` (``model.rng``) for the one draw ``random`` lacks (a Poisson count), and a
``mesa.DataCollector`` of model reporters. Its size per day, against ``CrisisModel`` on the
2025 crisis (2 belligerents, 7 third parties):

=====================  ===========================================  =====================
                       yardstick                                    CrisisModel (R = 1)
=====================  ===========================================  =====================
agents                 9: 2 belligerents, 7 third parties           9: the same
random draws           27 a day, every day: 3 for an attack, 1      27 a day, every day,
                       Poisson, 1 hotline, 2 per third party, 3     split by process the
                       per belligerent, 2 for a ceasefire's break   same way
third-party decisions  7: attend?, then one of 6 weighted actions   7: the same choice
belligerent decisions  2: a logit choice of down/hold/up, made      2: the same choice,
                       twice (seen and true opponent rung), and     made twice, and the
                       whether to accept a ceasefire (it forms      acceptance of each
                       through the first open one of 1 + 7          open channel (1 + 7)
                       channels)
state updated          grievance, commitment, pressure, backing,    the same kinds
                       casualties per side; 14 ties (affinity and
                       leverage); the ceasefire process
reporters              13 model reporters (the same names)          13 model reporters
=====================  ===========================================  =====================

    python experiments/scalar_yardstick.py    # runs 40 x 120 days through mesa.batch_run
"""

from __future__ import annotations

import math
import time

import mesa

#: Rungs: 0 calm, 1 coercion, 2 shelling, 3 strikes, 4 war, 5 nuclear use (the last ends a run).
TOP = 5
#: Made-up daily cost of being at each rung, and casualties a side suffers per day at the
#: opponent's rung.
COST = (0.0, 0.05, 0.15, 0.4, 0.9, 3.0)
DEATHS = (0.0, 0.0, 2.0, 15.0, 120.0, 5000.0)
ACTIONS = ("none", "restraint", "press_0", "press_1", "facilitate", "mediate", "back")


class Belligerent(mesa.Agent):
    """One side of the dyad: perceives the other side's rung, then moves down, holds or climbs."""

    def __init__(self, model: Yardstick, side: int):
        super().__init__(model)
        self.side = side
        self.rung = 1
        self.max_rung = 1
        self.grievance = 1.0 if side == 0 else 0.3
        self.commitment = 0.2
        self.pressure = 0.0
        self.backing = 0.0
        self.casualties = 0.0
        self.perceived = 1
        self.move = 0
        self.true_move = 0
        self.accept = 0.0

    @property
    def other(self) -> Belligerent:
        return self.model.sides[1 - self.side]

    def choose(self, opponent: int, u: float) -> int:
        """A logit choice of -1 / 0 / +1 given the opponent's rung as seen."""
        r = self.rung
        drive = 0.8 * self.grievance + 0.5 * max(opponent - r, 0) + 0.2 * min(opponent - r, 0) \
            + 0.6 * self.backing - 0.7 * self.pressure - 0.3 * math.log1p(self.casualties)
        up = -math.inf if r >= TOP or self.model.ceasefire_in_force else drive - 1.5 * (COST[r + 1] - COST[r]) - 0.4
        down = -math.inf if r == 0 else -drive + COST[r] - COST[r - 1] - 0.8 * self.commitment
        hold = 0.5
        top = max(up, hold, down)
        e_up, e_hold, e_down = math.exp(up - top), math.exp(hold - top), math.exp(down - top)
        total = e_up + e_hold + e_down
        return -1 if u < e_down / total else (1 if u >= 1.0 - e_up / total else 0)

    def step(self) -> None:
        """Perceive, choose a move (and the move the true rung would have given), and how willing
        the side is to accept a ceasefire today."""
        m = self.model
        true = self.other.rung
        misperceive = m.random.random() < (0.02 if m.hotline_works else 0.06) and true >= 1
        self.perceived = min(true + misperceive, TOP)
        u = m.random.random()
        self.move = self.choose(self.perceived, u)
        self.true_move = self.choose(true, u)
        z = -2.0 + 0.4 * math.log1p(self.casualties) + 0.8 * self.pressure + 0.5 * m.facilitated \
            + 0.3 * max(self.rung, true) - 0.6 * self.grievance - 0.4 * self.commitment
        self.accept = m.random.random() < 1.0 / (1.0 + math.exp(-z))


class ThirdParty(mesa.Agent):
    """A third party: pays attention, then calls for restraint, presses a side, facilitates,
    offers mediation or backs its ally."""

    def __init__(self, model: Yardstick, slot: int):
        super().__init__(model)
        self.slot = slot
        self.attention = 0.1 + 0.05 * slot
        self.propensity = [0.4, 0.3, 0.3, 0.2 + 0.02 * slot, 0.1, 0.15]
        self.affinity = [0.6 - 0.15 * slot, -0.2 + 0.12 * slot]
        self.leverage = [0.3 + 0.03 * slot, 0.5 - 0.04 * slot]
        self.affinity0, self.leverage0 = list(self.affinity), list(self.leverage)
        self.action = "none"
        self.engaged = False

    def step(self) -> None:
        m = self.model
        hi = m.highest_today
        attend = m.random.random() < 1.0 - (1.0 - self.attention) ** (1 + hi)
        u = m.random.random()
        self.action = "none"
        if not attend:
            return
        ally = 0 if self.affinity[0] >= self.affinity[1] else 1
        gap = [max(m.sides[b].rung - m.sides[1 - b].rung, 0) for b in (0, 1)]
        weights = [
            self.propensity[0] * (hi >= 1),
            self.propensity[1] * self.leverage[0] * (1.0 + gap[0]) * (hi >= 2),
            self.propensity[2] * self.leverage[1] * (1.0 + gap[1]) * (hi >= 2),
            self.propensity[3] * (hi >= 2),
            self.propensity[4] * (hi >= 1),
            self.propensity[5] * max(self.affinity[ally], 0.0) * (m.sides[ally].rung >= 2),
        ]
        target, running = u * sum(weights), 0.0
        for action, w in zip(ACTIONS[1:], weights, strict=True):
            running += w
            if w > 0 and target < running:
                self.action = action
                break
        if self.action == "none":
            return
        self.engaged = True
        if self.action == "restraint":
            for side in m.sides:
                side.pressure += 0.05
        elif self.action in ("press_0", "press_1"):
            b = int(self.action[-1])
            m.sides[b].pressure += 0.3 * self.leverage[b]
            self.leverage[b] *= 0.97
            self.affinity[b] -= 0.01
        elif self.action == "back":
            m.sides[ally].backing += 0.2 * self.affinity[ally]
            self.affinity[1 - ally] -= 0.02
        elif self.action == "mediate":
            for b in (0, 1):
                self.affinity[b] -= 0.01 * (1.0 - m.sides[b].grievance / (1.0 + m.sides[b].grievance))

    def drift(self) -> None:
        """Ties drift back to their baseline."""
        for b in (0, 1):
            self.affinity[b] = min(max(self.affinity[b] + (self.affinity0[b] - self.affinity[b]) / 60.0, -1.0), 1.0)
            self.leverage[b] = min(max(self.leverage[b] + (self.leverage0[b] - self.leverage[b]) / 30.0, 0.0), 1.0)


class Yardstick(mesa.Model):
    """One world of a made-up crisis of the size of CrisisModel's day (see the module docstring).

    Args:
        rng: The seed (``mesa.batch_run`` passes it, as it does to CrisisModel).
        days: The horizon.
        third_parties: How many third parties (7, as in the 2025 crisis).
    """

    def __init__(self, rng: int | None = None, days: int = 120, third_parties: int = 7):
        super().__init__(rng=rng)
        self.days, self.day = days, 0
        self.sides = [Belligerent(self, 0), Belligerent(self, 1)]
        self.parties = [ThirdParty(self, k) for k in range(third_parties)]
        self.ceasefire_in_force = False
        self.cf_age = 0
        self.first_cf_day = -1
        self.broker = "none"
        self.trust = 0.2
        self.hotline_works = False
        self.highest_today = 1
        self.facilitated = False
        self.last_fight_day = 0
        self.kinetic_days = 0
        self.loc_incidents = 0
        self.accidental = 0
        self.datacollector = mesa.DataCollector(model_reporters={
            "highest_rung": lambda m: max(s.max_rung for s in m.sides),
            "strikes": lambda m: max(s.max_rung for s in m.sides) >= 3,
            "war": lambda m: max(s.max_rung for s in m.sides) >= 4,
            "nuclear": lambda m: max(s.max_rung for s in m.sides) >= 5,
            "ceasefire": lambda m: m.first_cf_day >= 0,
            "day_ceasefire": lambda m: float(m.first_cf_day) if m.first_cf_day >= 0 else math.nan,
            "ceasefire_holding": lambda m: m.first_cf_day >= 0 and max(s.rung for s in m.sides) <= 1,
            "broker": lambda m: m.broker,
            "duration_days": lambda m: m.last_fight_day + 1,
            "kinetic_days": lambda m: m.kinetic_days,
            "casualties": lambda m: sum(s.casualties for s in m.sides),
            "loc_incidents": lambda m: m.loc_incidents,
            "accidental_escalations": lambda m: m.accidental,
        })

    def step(self) -> None:
        """One day: shocks (3 draws: attack, victim, toll; 1 Poisson: LoC incidents), the hotline
        (1), third parties (2 each), belligerents (3 each), a ceasefire's break (2), then resolve."""
        self.day += 1
        r = self.random
        # Shocks: a militant attack on one side, and LoC incidents.
        attack, victim, toll = r.random() < 0.004, r.random() < 0.8, r.lognormvariate(math.log(12.0), 1.0)
        if attack:
            self.sides[0 if victim else 1].grievance += 0.3 * math.log1p(toll)
        fighting = max(s.rung for s in self.sides) >= 2
        incidents = int(self.rng.poisson((0.05 if self.ceasefire_in_force else 0.4) * (3.0 if fighting else 1.0)))
        self.loc_incidents += incidents
        for side in self.sides:
            side.grievance += 0.02 * incidents
        self.hotline_works = r.random() < 0.7
        for side in self.sides:  # pressure and backing decay before today's are added
            side.pressure *= 0.9
            side.backing *= 0.9
        self.highest_today = max(s.rung for s in self.sides)  # what the third parties respond to
        self.agents_by_type[ThirdParty].do("step")
        self.facilitated = any(p.action == "facilitate" for p in self.parties)
        self.agents_by_type[Belligerent].do("step")
        self.resolve(r.random(), r.random(), attack)
        for party in self.parties:
            party.drift()
        self.datacollector.collect(self)
        if self.day >= self.days or max(s.rung for s in self.sides) >= TOP:
            self.running = False

    def resolve(self, u_break: float, u_spoiler: float, attack: bool) -> None:
        """A ceasefire forms through the first channel both sides accept, or may break; otherwise
        rungs move; grievance, commitment and casualties update."""
        a, b = self.sides
        channels = ["bilateral" if self.hotline_works else None] + [
            f"party_{p.slot}" if p.action in ("facilitate", "mediate") else None for p in self.parties]
        forms = None
        if not self.ceasefire_in_force and max(a.rung, b.rung) >= 2 and a.accept and b.accept:
            forms = next((c for c in channels if c is not None), None)
        breaks = self.ceasefire_in_force and (u_break < 0.02 * math.exp(-2.0 * self.trust)
                                              or (attack and u_spoiler < 0.3))
        old = (a.rung, b.rung)
        for side in self.sides:
            if forms:
                side.rung = min(side.rung, 1)
            else:
                side.rung = min(max(side.rung + side.move, 0), TOP)
            if breaks:
                side.rung = max(side.rung, 2)
            if side.move > 0 >= side.true_move and not forms:
                self.accidental += 1
        if forms:
            self.ceasefire_in_force, self.cf_age = True, 0
            self.trust = min(self.trust + 0.1 * (forms == "bilateral"), 1.0)
            if self.first_cf_day < 0:
                self.first_cf_day, self.broker = self.day, forms
        elif breaks:
            self.ceasefire_in_force = False
            self.trust = max(self.trust - 0.2, 0.0)
        else:
            self.cf_age += self.ceasefire_in_force
        for side, before in zip(self.sides, old, strict=True):
            other = side.other.rung
            side.grievance = side.grievance * 0.95 * (0.7 if side.rung >= 3 else 1.0) + 0.05 * (other == 2) \
                + 0.2 * (other >= 3)
            side.commitment = side.commitment * 0.97 + 0.1 * (side.rung > before)
            side.casualties += DEATHS[other]
            side.max_rung = max(side.max_rung, side.rung)
        hi = max(a.rung, b.rung)
        if hi >= 2:
            self.last_fight_day = self.day
        self.kinetic_days += hi >= 3
        if self.ceasefire_in_force and hi == 0:
            self.ceasefire_in_force = False


def time_yardstick(runs: int, days: int = 120) -> float:
    """Run-steps per second of ``mesa.batch_run`` on the yardstick (one world per run, as for CrisisModel)."""
    t = time.perf_counter()
    rows = mesa.batch_run(Yardstick, parameters={"rng": range(runs), "days": days}, max_steps=days,
                          data_collection_period=-1, display_progress=False)
    elapsed = time.perf_counter() - t
    assert len(rows) == runs
    return runs * days / elapsed  # counted as for CrisisModel (a world ending at rung 5 is rare in both)


if __name__ == "__main__":
    print(f"scalar Mesa yardstick, 40 runs x 120 days: {time_yardstick(40):,.0f} run-steps/s")
