"""A plain-language account of one crisis, built by watching the model between its days.

:class:`Story` wraps a :class:`~sim.core.model.CrisisModel` and follows one of its replicates (0
by default). Before and after each ``model.step()`` it copies that replicate's state into a
:class:`Snapshot` (one field per state variable declared in :mod:`sim.core.state`, per-country
values read through the model's agents) and describes the difference as :class:`Event` lines
such as ``Day 16: Pakistan launches cross-border strikes (rung 3)``, ``Day 18: United States
presses Pakistan`` or ``Day 19: ceasefire agreed over the DGMO hotline``. It only reads the model: a
model stepped through a Story draws the same numbers and ends in the same state as one stepped
directly (``tests/test_app_events.py`` checks it bit for bit).

What each event is read from (replicate r, after the day unless said otherwise):

=====================  ====================================================================
event                  state
=====================  ====================================================================
attack                 ``attack_today`` (a militant attack today)
loc                    ``loc_incidents`` (today's increase)
third_party            ``tp_action`` (one line per third party that acted); the ally a party
                       backs is the belligerent with its highest affinity *before* the day,
                       as the model chose it
ceasefire              ``cf`` enters agreed/holding; channel from ``broker``/``broker_kind``
                       for the first ceasefire, from ``cf_guaranteed`` and today's
                       ``tp_action`` for later ones (the model records no broker for those)
ceasefire_broken       ``cf_breaks`` (today's increase)
rung                   ``rung`` (each belligerent whose rung changed)
misperception          ``accidental`` (today's increase) with ``misperceived``
ceasefire_holding      ``cf`` goes from agreed to holding
crisis_over            a ceasefire in force closes because both sides are back at rung 0
end                    ``running`` turns false: rung 5 reached, or the last day
=====================  ====================================================================

The gauge (:meth:`Story.gauge`) and the timeline (:meth:`Story.timeline`) are read from the
same snapshots, so the page shows exactly the model's state.
"""

from __future__ import annotations

from dataclasses import dataclass, make_dataclass
from typing import Any

import numpy as np

from sim.core.model import CrisisModel
from sim.core.state import STATE, StateVar, row
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
    BROKER_KINDS,
    CF_AGREED,
    CF_HOLDING,
    CF_NONE,
    CF_STATES,
    RUNG_COLOURS,
    RUNGS,
)

#: What a belligerent does when it climbs to rung k (``{actor}`` is its name).
RUNG_UP = {
    1: "{actor} turns to coercion and mobilisation",
    2: "{actor} opens fire across the Line of Control",
    3: "{actor} launches cross-border strikes",
    4: "{actor} goes to conventional war",
    5: "{actor} uses nuclear weapons",
}


#: What a belligerent does when it comes down to rung k.
RUNG_DOWN = {
    0: "{actor} stands down: no military action",
    1: "{actor} stops fighting and holds to coercion and mobilisation",
    2: "{actor} halts its strikes; clashes on the Line of Control go on",
    3: "{actor} pulls back from war to limited cross-border strikes",
    4: "{actor} steps back from nuclear use to conventional war",
}


#: What a third party does with each action code (``ACTIONS`` in sim.vocab.ladder).
ACTION_TEXT = {
    ACT_RESTRAINT: "{actor} calls on both sides for restraint",
    ACT_PRESS_0: "{actor} presses {first}",
    ACT_PRESS_1: "{actor} presses {second}",
    ACT_FACILITATE: "{actor} carries messages between {first} and {second}",
    ACT_MEDIATE: "{actor} publicly offers to mediate",
    ACT_BACK: "{actor} backs {ally}",
}


#: The bilateral channel's name in the log.
HOTLINE = "the DGMO hotline"


@dataclass(frozen=True)
class Event:
    """One line of the log.

    Attributes:
        day: The model day it happened on (0 is the trigger day).
        kind: ``trigger``, ``attack``, ``loc``, ``third_party``, ``ceasefire``, ``ceasefire_broken``,
            ``rung``, ``misperception``, ``ceasefire_holding``, ``crisis_over`` or ``end``.
        text: The sentence, without the day.
        actor: The acting country's id (``"PAK"``, ``"USA"``), if one acts.
        value: The new rung (``rung``), the action code (``third_party``), the broker code
            (``ceasefire``: 0 hotline, 1 + k third party k, -1 a third party the state does not name).
        target: The belligerent a third party presses or backs, if any.
    """

    day: int
    kind: str
    text: str
    actor: str | None = None
    value: int | None = None
    target: str | None = None

    @property
    def line(self) -> str:
        return f"Day {self.day}: {self.text}"


def _field_type(var: StateVar) -> Any:
    """The type of a state variable in a snapshot: a scalar per dyad, a tuple per country, a
    tuple of pairs per tie."""
    scalar = {"int": int, "float": float, "bool": bool}[var.dtype]
    if var.kind == "dyad":
        return scalar
    return tuple[tuple[scalar, ...], ...] if var.kind == "tie" else tuple[scalar, ...]


class _SnapshotViews:
    """What a snapshot says beyond the declared state."""

    @property
    def in_force(self) -> bool:
        return self.cf in (CF_AGREED, CF_HOLDING)

    @property
    def attack(self) -> bool:
        """A militant attack today (the declared ``attack_today``)."""
        return self.attack_today


#: One replicate's state at the end of a day, copied out of the model: ``day``, ``running``, and
#: one field per state variable declared in :data:`sim.core.state.STATE`, under its name (a
#: scalar per dyad, a tuple over the countries, a tuple of pairs per tie).
Snapshot = make_dataclass(
    "Snapshot", [("day", int), ("running", bool), *((v.name, _field_type(v)) for v in STATE)],
    bases=(_SnapshotViews,), frozen=True, namespace={"__module__": __name__})
Snapshot.__doc__ = ("One replicate's state at the end of a day, copied out of the model: ``day``, ``running`` "
                    "and every declared state variable (sim.core.state.STATE).")


def snapshot(model: CrisisModel, r: int = 0) -> Snapshot:
    """Copy replicate ``r``'s state out of the model (nothing is changed).

    Per-country values are read through the model's agents (:func:`sim.core.state.row`).
    """
    return Snapshot(day=int(model.day), running=bool(model.running), **row(model, r))


def _with_article(name: str) -> str:
    """'United States' -> 'the United States' inside a sentence; other names as they are."""
    return f"the {name}" if name.startswith("United ") else name


def _start(text: str) -> str:
    return text[:1].upper() + text[1:]


class Story:
    """One crisis told day by day: a model, the replicate followed, its events and its history.

    Args:
        model: The model to follow (any number of replicates; usually 1).
        replicate: Which replicate to follow.

    Attributes:
        events: Every event so far, in order (day 0's trigger first).
        history: The snapshot at the end of each day observed (day 0 first).
    """

    def __init__(self, model: CrisisModel, replicate: int = 0):
        if not 0 <= replicate < model.replicates:
            raise ValueError(f"replicate={replicate}: the model has {model.replicates} replicate(s)")
        self.model, self.r = model, int(replicate)
        sc = model.inputs.scenario
        self.belligerent_ids: tuple[str, ...] = tuple(sc.belligerent_ids)
        self.third_party_ids: tuple[str, ...] = tuple(sc.third_party_ids)
        self.names: dict[str, str] = dict(zip(sc.actors, sc.names))
        self.history: list[Snapshot] = [snapshot(model, self.r)]
        self.events: list[Event] = self._opening()

    # ------------------------------------------------------------------ stepping
    @property
    def day(self) -> int:
        return self.history[-1].day

    @property
    def running(self) -> bool:
        return bool(self.model.running)

    def step(self) -> list[Event]:
        """Advance the model one day and return that day's events (none once it has stopped)."""
        before = snapshot(self.model, self.r)
        self.model.step()
        after = snapshot(self.model, self.r)
        if after.day == before.day:  # the model had already stopped
            return []
        self.history.append(after)
        new = self.describe(before, after)
        self.events.extend(new)
        return new

    def run(self, days: int | None = None) -> list[Event]:
        """Step ``days`` times, or to the end; return the events of those days."""
        out: list[Event] = []
        n = 0
        while self.running and (days is None or n < days):
            out.extend(self.step())
            n += 1
        return out

    # ------------------------------------------------------------------ describing
    def name(self, actor: str, in_sentence: bool = True) -> str:
        name = self.names.get(actor, actor)
        return _with_article(name) if in_sentence else name

    def _opening(self) -> list[Event]:
        """Day 0: the trigger (in a crisis horizon) and where each side starts."""
        sc, m = self.model.inputs.scenario, self.model
        out: list[Event] = []
        if m.inputs.horizon == "crisis":
            trig = sc.trigger
            what = str(trig.get("description") or "the trigger attack")
            deaths = trig.get("deaths")
            killed = f": {int(deaths)} killed" if deaths else ""
            victim = trig.get("victim") or self.belligerent_ids[0]
            out.append(Event(0, "trigger", f"{_start(what)}{killed} in {self.name(victim)} (the trigger)",
                             target=victim))
        first = self.history[0]
        for b, actor in enumerate(self.belligerent_ids):
            k = first.rung[b]
            if k > 0:
                out.append(Event(0, "rung", f"{_start(self.name(actor))} starts at {RUNGS[k]} (rung {k})",
                                 actor=actor, value=k))
        return out

    def describe(self, before: Snapshot, after: Snapshot) -> list[Event]:
        """The events of the day that led from ``before`` to ``after``, in the order of the day."""
        d, out = after.day, []
        b0, b1 = self.belligerent_ids
        # 1. Shocks
        if after.attack:
            out.append(Event(d, "attack", "a militant attack: grievance rises (a new trigger)"))
        incidents = after.loc_incidents - before.loc_incidents
        if incidents > 0:
            out.append(Event(d, "loc", f"{incidents} firing incident{'s' if incidents > 1 else ''} "
                                       f"on the Line of Control"))
        # 3. Third parties
        for k, (actor, act) in enumerate(zip(self.third_party_ids, after.tp_action)):
            if act == ACT_NONE:
                continue
            ally = self.belligerent_ids[int(np.argmax(before.aff[k]))]  # the ally the model chose today
            target = {ACT_PRESS_0: b0, ACT_PRESS_1: b1, ACT_BACK: ally}.get(act)
            template = ACTION_TEXT.get(act, "{actor} acts: " + (ACTIONS[act] if act < len(ACTIONS) else str(act)))
            text = template.format(actor=self.name(actor), first=self.name(b0), second=self.name(b1),
                                   ally=self.name(ally))
            out.append(Event(d, "third_party", _start(text), actor=actor, value=act, target=target))
        # 5. Resolution: ceasefire formed, broken; rungs; misperception; settled; closed
        if after.in_force and not before.in_force:
            out.append(self._ceasefire(before, after))
        if after.cf_breaks > before.cf_breaks:
            out.append(Event(d, "ceasefire_broken", "the ceasefire breaks down"))
        for b, actor in enumerate(self.belligerent_ids):
            old, new = before.rung[b], after.rung[b]
            if new == old:
                continue
            table = RUNG_UP if new > old else RUNG_DOWN
            template = table.get(new, "{actor} moves to " + RUNGS[new])
            out.append(Event(d, "rung", f"{_start(template.format(actor=self.name(actor)))} (rung {new})",
                             actor=actor, value=new))
        accidental = after.accidental - before.accidental
        if accidental > 0:
            who = [a for b, a in enumerate(self.belligerent_ids)
                   if after.misperceived[b] and after.rung[b] > before.rung[b]]
            if len(who) == accidental:
                for actor in who:
                    other = b1 if actor == b0 else b0
                    out.append(Event(d, "misperception",
                                     f"{_start(self.name(actor))} escalated because it saw {self.name(other)} "
                                     f"one rung higher than it was (a misperception)", actor=actor))
            else:
                out.append(Event(d, "misperception", f"{accidental} escalation(s) today came from misperception"))
        if before.cf == CF_AGREED and after.cf == CF_HOLDING:
            out.append(Event(d, "ceasefire_holding", "the ceasefire has settled and is holding"))
        if before.in_force and after.cf == CF_NONE:
            out.append(Event(d, "crisis_over", "both sides are back at rung 0: the crisis is over "
                                               "(the ceasefire lives on as a Line of Control understanding)"))
        # The end
        if before.running and not after.running:
            if not after.alive:
                out.append(Event(d, "end", "nuclear use: the simulation of this crisis ends"))
            else:
                out.append(Event(d, "end", f"end of the {d} simulated days"))
        return out

    def _ceasefire(self, before: Snapshot, after: Snapshot) -> Event:
        d = after.day
        again = "" if after.first_cf_day == d else " again"
        if after.first_cf_day == d:  # the first ceasefire: the model records its channel
            broker, kind = after.broker, after.broker_kind
        elif not after.cf_guaranteed:  # later ones: hotline unless a third party guarantees it
            broker, kind = 0, BK_HOTLINE
        else:
            channels = [k for k, a in enumerate(after.tp_action) if a in (ACT_FACILITATE, ACT_MEDIATE)]
            if len(channels) == 1:
                k = channels[0]
                broker, kind = 1 + k, (BK_FACILITATION if after.tp_action[k] == ACT_FACILITATE else BK_MEDIATION)
            else:  # several parties offered a channel today; the state does not say whose was used
                names = " or ".join(self.name(self.third_party_ids[k]) for k in channels)
                return Event(d, "ceasefire", f"ceasefire agreed{again} through a third party ({names})", value=-1)
        if broker == 0:
            return Event(d, "ceasefire", f"ceasefire agreed{again} over {HOTLINE}", value=0)
        actor = self.third_party_ids[broker - 1]
        how = BROKER_KINDS[kind]
        name = self.name(actor)
        owner = f"{name}'" if name.endswith("s") else f"{name}'s"
        return Event(d, "ceasefire", f"ceasefire agreed{again} through {owner} {how}", actor=actor, value=broker)

    # ------------------------------------------------------------------ what the page draws
    def gauge(self) -> list[dict[str, Any]]:
        """Each belligerent's current and highest rung, as shown on the escalation-ladder gauge."""
        now = self.history[-1]
        return [{"actor": actor, "name": self.name(actor, in_sentence=False), "rung": now.rung[b],
                 "rung_name": RUNGS[now.rung[b]], "highest": now.max_rung[b], "colour": RUNG_COLOURS[now.rung[b]]}
                for b, actor in enumerate(self.belligerent_ids)]

    def timeline(self) -> dict[str, list]:
        """Day by day: each belligerent's rung, whether a ceasefire was in force, attack days."""
        out: dict[str, list] = {"day": [s.day for s in self.history]}
        for b, actor in enumerate(self.belligerent_ids):
            out[actor] = [s.rung[b] for s in self.history]
        out["ceasefire_in_force"] = [s.in_force for s in self.history]
        out["attack"] = [s.attack for s in self.history]
        return out

    def ceasefire_state(self) -> str:
        """The ceasefire's state now: none, agreed, holding or broken."""
        return CF_STATES[self.history[-1].cf]

    def affinity(self) -> np.ndarray:
        """The (N, N) affinity matrix over the scenario's actors now: the scenario's ties, with each
        third party's ties to the belligerents as they stand in the followed replicate."""
        sc = self.model.inputs.scenario
        aff = np.array(sc.affinity, dtype=float, copy=True)
        now = self.history[-1]
        for k, t in enumerate(sc.third_parties):
            for j, b in enumerate(sc.belligerents):
                aff[t, b] = aff[b, t] = now.aff[k][j]
        return aff

