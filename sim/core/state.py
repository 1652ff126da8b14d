"""The model's state, declared once: every variable a replicate carries from one day to the next.

:data:`STATE` lists each state variable of :class:`~sim.core.model.CrisisModel` with its shape
kind, dtype, meaning, unit, initial value and role. Everything else is derived from it: the
model allocates its arrays with :func:`allocate` (the inputs-dependent initial values are set in
setup, and :func:`check` refuses a setup that leaves a declared variable missing or misshapen),
the agents expose their own columns of the per-country variables, the story copies a replicate
with :func:`row`, and ODD.md §2.2 is generated from it (``python -m sim.views.odd``).

Shape kinds (R replicates, T third parties):

=============  =========  ==============================================
kind           shape      one value per
=============  =========  ==============================================
belligerent    (R, 2)     belligerent (``Belligerent`` agents)
third_party    (R, T)     third party (``ThirdParty`` agents)
tie            (R, T, 2)  third-party-to-belligerent tie (``ThirdParty``)
dyad           (R, 1)     replicate: the two belligerents together
=============  =========  ==============================================

:data:`DAILY` declares the day-by-day counts over replicates (not state: no day reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from sim.vocab.ladder import ACT_NONE, ACTIONS, CF_NONE, CF_STATES, RUNGS

#: The shape kinds, with their shapes as written in the documentation.
KINDS: dict[str, str] = {"belligerent": "(R, 2)", "third_party": "(R, T)", "tie": "(R, T, 2)", "dyad": "(R, 1)"}

#: Roles: day state drives the days that follow; an outcome accumulator only counts or records
#: for the outcomes (and the story), and no decision reads it.
ROLES: dict[str, str] = {"day": "day state", "outcome": "outcome accumulator"}

#: Set in setup from the inputs (the variable's ``setup`` text says how), not by :func:`allocate`.
SETUP = None


@dataclass(frozen=True)
class StateVar:
    """One state variable of the model.

    Attributes:
        name: The model attribute (``model.<name>``), an array with a leading replicate axis.
        kind: ``belligerent``, ``third_party``, ``tie`` or ``dyad`` (see :data:`KINDS`).
        dtype: ``int``, ``float`` or ``bool`` (stored as int64, float64, bool).
        meaning: What it is, in a phrase.
        unit: Its unit or its values.
        init: The value :func:`allocate` fills it with, or :data:`SETUP` (None) when setup sets it.
        setup: How setup sets or adjusts the initial value from the inputs ("" when it does not).
        role: ``day`` or ``outcome`` (see :data:`ROLES`).
        agent: The attribute of the ``Belligerent`` or ``ThirdParty`` agent that exposes its own
            column (per-country kinds only; defaults to ``name``).
    """

    name: str
    kind: str
    dtype: str
    meaning: str
    unit: str
    init: Any
    setup: str = ""
    role: str = "day"
    agent: str = ""

    @property
    def np_dtype(self) -> type:
        return _DTYPES[self.dtype]

    @property
    def agent_attr(self) -> str:
        """The agent attribute exposing this variable's column ("" for a dyad variable)."""
        return "" if self.kind == "dyad" else (self.agent or self.name)

    def shape(self, replicates: int, third_parties: int) -> tuple[int, ...]:
        """The array's shape for R replicates and T third parties."""
        return {"belligerent": (replicates, 2), "third_party": (replicates, third_parties),
                "tie": (replicates, third_parties, 2), "dyad": (replicates, 1)}[self.kind]

    def initial(self) -> str:
        """The initial value rule, in words (for ODD.md)."""
        if self.init is SETUP:
            return f"set in setup: {self.setup}"
        value = str(self.init).lower() if isinstance(self.init, bool) else f"{self.init:g}".replace("-", "−")
        return f"{value}; {self.setup}" if self.setup else value


_DTYPES: dict[str, type] = {"int": np.int64, "float": np.float64, "bool": np.bool_}

_CF = ", ".join(f"{k} {s}" for k, s in enumerate(CF_STATES))
_ACT = ", ".join(f"{k} {a}" for k, a in enumerate(ACTIONS))
_RUNG = ", ".join(f"{k} {name}" for k, name in enumerate(RUNGS))

#: Every state variable, in the order ODD.md lists them.
STATE: tuple[StateVar, ...] = (
    # Per belligerent
    StateVar("rung", "belligerent", "int", "current rung of the escalation ladder", _RUNG, SETUP,
             "the scenario's `rung0`"),
    StateVar("max_rung", "belligerent", "int", "highest rung so far", "rung 0–5", SETUP, "the initial `rung`",
             role="outcome"),
    StateVar("grievance", "belligerent", "float", "need to retaliate; decays", "utility", SETUP,
             "`grievance0`, plus the trigger's deaths (victim, crisis horizon) and the water grievance "
             "(Indus Waters Treaty in abeyance)"),
    StateVar("commitment", "belligerent", "float", "public commitment, base of the audience cost of backing down; "
             "decays", "commitment", SETUP, "`commitment0`"),
    StateVar("answered", "belligerent", "bool", "the side has struck (rung ≥ 3) since the last attack on it "
             "(drives the retaliation norm)", "flag", True, "false for the victim of a crisis's trigger attack"),
    StateVar("perceived", "belligerent", "int", "the opponent's rung as this side saw it today", "rung 0–5", SETUP,
             "the opponent's `rung`", agent="perceived_rung"),
    StateVar("misperceived", "belligerent", "bool", "today's perception of the opponent was one rung too high",
             "flag", False),
    StateVar("pressure", "belligerent", "float", "accumulated third-party pressure on the side; decays",
             "utility", 0.0),
    StateVar("backing", "belligerent", "float", "accumulated ally backing of the side; decays", "utility", 0.0),
    StateVar("casualties", "belligerent", "float", "cumulative deaths suffered by the side", "deaths", 0.0),
    # The dyad
    StateVar("cf", "dyad", "int", "ceasefire state", _CF, CF_NONE),
    StateVar("cf_age", "dyad", "int", "days the current ceasefire has been in force", "days", 0),
    StateVar("cf_guaranteed", "dyad", "bool", "the current ceasefire was agreed through a third party", "flag",
             False),
    StateVar("trust", "dyad", "float", "trust between the belligerents (raised by CBMs and hotline ceasefires, "
             "lowered by breaks)", "[0, 1]", SETUP, "`trust_per_cbm` × the CBMs in force, at most 1"),
    StateVar("understanding", "dyad", "bool", "a LoC ceasefire understanding is in force (cuts LoC incidents)",
             "flag", SETUP, "the condition `loc_understanding`"),
    StateVar("facilitated", "dyad", "bool", "a third party carried messages today (read again tomorrow in "
             "perception)", "flag", False),
    StateVar("alive", "dyad", "bool", "the replicate has not reached rung 5", "flag", True),
    StateVar("attack_today", "dyad", "bool", "a militant attack happened today", "flag", False),
    # Per third party, and its ties to the belligerents
    StateVar("aff", "tie", "float", "the third party's affinity with each belligerent", "[−1, 1]", SETUP,
             "the scenario's baseline `aff0`", agent="affinity"),
    StateVar("lev", "tie", "float", "the third party's leverage over each belligerent", "[0, 1]", SETUP,
             "the scenario's baseline `lev0`", agent="leverage"),
    StateVar("tp_action", "third_party", "int", "today's action", _ACT, ACT_NONE, agent="action"),
    StateVar("tp_engaged", "third_party", "bool", "the third party has taken an action other than "
             "\"stay out\" at some time", "flag", False, role="outcome", agent="engaged"),
    StateVar("mediation_offers", "third_party", "int", "public mediation offers made so far", "count", 0,
             role="outcome"),
    # Outcome accumulators of the dyad
    StateVar("first_cf_day", "dyad", "int", "day of the first ceasefire", "day; −1 none", -1, role="outcome"),
    StateVar("broker", "dyad", "int", "channel of the first ceasefire", "−1 none, 0 hotline, 1 + k third party k",
             -1, role="outcome"),
    StateVar("broker_kind", "dyad", "int", "kind of that channel", "−1 none, 0 hotline, 1 facilitation, "
             "2 mediation", -1, role="outcome"),
    StateVar("cf_breaks", "dyad", "int", "ceasefires broken", "count", 0, role="outcome"),
    StateVar("last_fight_day", "dyad", "int", "last day either side was at rung ≥ 2", "day; −1 none", SETUP,
             "0 if a side starts at rung ≥ 2, else −1", role="outcome"),
    StateVar("last_active_day", "dyad", "int", "last day either side was at rung ≥ 1", "day; −1 none", SETUP,
             "0 if a side starts at rung ≥ 1, else −1", role="outcome"),
    StateVar("kinetic_days", "dyad", "int", "days with a side at rung ≥ 3", "days", 0, role="outcome"),
    StateVar("loc_incidents", "dyad", "int", "LoC incidents so far", "count", 0, role="outcome"),
    StateVar("accidental", "dyad", "int", "up-moves the opponent's true rung would not have caused "
             "(misperception)", "count", 0, role="outcome"),
    StateVar("attacks", "dyad", "int", "militant attacks after the trigger", "count", 0, role="outcome"),
    StateVar("crises", "dyad", "int", "crisis onsets", "count", SETUP,
             "1 on a crisis horizon (the trigger is one crisis), 0 in an era", role="outcome"),
    StateVar("calm_days", "dyad", "int", "consecutive days with both sides at rung 0 (a new onset needs "
             "`calm_days_between_crises` of them)", "days", SETUP, "0 on a crisis horizon, 10⁶ in an era",
             role="outcome"),
)


#: The state variables by name.
BY_NAME: dict[str, StateVar] = {v.name: v for v in STATE}


@dataclass(frozen=True)
class DailyVar:
    """One day-by-day count over replicates (``daily[day, ...]``), recorded at the end of each day.

    Attributes:
        name: The model attribute.
        dims: The axes after the day axis: numbers, or ``"T"`` and ``"A"`` (third parties, actions).
        meaning: What is counted.
    """

    name: str
    dims: tuple[Any, ...]
    meaning: str

    def shape(self, days: int, third_parties: int) -> tuple[int, ...]:
        sizes = {"T": third_parties, "A": len(ACTIONS)}
        return (days + 1, *(sizes.get(d, d) for d in self.dims))

    def written(self) -> str:
        """The shape as written in ODD.md, e.g. ``(days+1, T, 7)``."""
        return "(" + ", ".join(["days+1", *(str(len(ACTIONS)) if d == "A" else str(d) for d in self.dims)]) + ")"


#: The daily aggregates (int64 counts over the replicates; the figures divide them by R).
DAILY: tuple[DailyVar, ...] = (
    DailyVar("daily_rungs", (2, 6), "replicates with each belligerent at each rung"),
    DailyVar("daily_max", (6,), "replicates by the highest rung either side has reached so far"),
    DailyVar("daily_cf", (), "replicates with a ceasefire in force"),
    DailyVar("daily_actions", ("T", "A"), "replicates in which each third party took each action today"),
)


def allocate(replicates: int, third_parties: int) -> dict[str, np.ndarray]:
    """The arrays of every state variable with a fill value (``init`` not :data:`SETUP`), filled.

    Args:
        replicates: R.
        third_parties: T.
    """
    return {v.name: np.full(v.shape(replicates, third_parties), v.init, dtype=v.np_dtype)
            for v in STATE if v.init is not SETUP}


def allocate_daily(days: int, third_parties: int) -> dict[str, np.ndarray]:
    """Zeroed arrays of the daily aggregates for a horizon of ``days`` days."""
    return {v.name: np.zeros(v.shape(days, third_parties), dtype=np.int64) for v in DAILY}


def check(model: Any) -> None:
    """Refuse a model whose setup left a declared state variable missing or of the wrong shape or dtype.

    Raises:
        TypeError: naming the variable (a bug in setup, not in the inputs).
    """
    R, T = model.replicates, model.T
    for v in STATE:
        arr = getattr(model, v.name, None)
        want = v.shape(R, T)
        if not isinstance(arr, np.ndarray) or arr.shape != want or arr.dtype != v.np_dtype:
            got = f"{arr.dtype} {arr.shape}" if isinstance(arr, np.ndarray) else type(arr).__name__
            raise TypeError(f"state variable {v.name}: set up as {got}, declared {np.dtype(v.np_dtype)} {want}")


def _plain(values: np.ndarray) -> Any:
    """A replicate's value as plain Python: a scalar, a tuple, or a tuple of tuples."""
    out = values.tolist()
    return tuple(tuple(x) if isinstance(x, list) else x for x in out) if isinstance(out, list) else out


def row(model: Any, r: int) -> dict[str, Any]:
    """Replicate ``r``'s value of every state variable, as plain Python values.

    A dyad variable gives a scalar; a per-country variable a tuple over the countries, read
    through their agents (``model.belligerent_agents``, ``model.third_party_agents``); a tie
    variable a tuple per third party of its two values.
    """
    agents: Mapping[str, Any] = {"belligerent": model.belligerent_agents, "third_party": model.third_party_agents,
                                 "tie": model.third_party_agents}
    out: dict[str, Any] = {}
    for v in STATE:
        if v.kind == "dyad":
            out[v.name] = getattr(model, v.name)[r, 0].item()
        else:
            out[v.name] = tuple(_plain(getattr(a, v.agent_attr)[r]) for a in agents[v.kind])
    return out
