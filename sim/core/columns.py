"""The per-replicate outcome columns, computed from the model's state: one definition per column.

Each column of the catalogue (:data:`sim.vocab.outcomes.COLUMNS`) is defined once here, in
:data:`DEFINITIONS`, as a function of the state read through :class:`At`: over every replicate
the reads are arrays and the column is a 1-D array (:meth:`CrisisModel.outcomes`,
:func:`outcome_table`); at one replicate they are plain Python values and so is the column (the
Mesa reporters at R = 1, :func:`reporters`). The definitions use only operations that mean the
same on an array and on a value, so the reporters and the table cannot drift apart; a reporter
computes only its own column, not the whole table (rebuilding all the columns, 65 in the 2025
crisis, to report 13 took about a sixth of an R = 1 step).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sim.vocab.ladder import CF_BROKEN
from sim.vocab.outcomes import COLUMNS


def _larger(a: Any, b: Any) -> Any:
    """``np.maximum(a, b)``, or Python's ``max`` of one replicate's values (the same value)."""
    return np.maximum(a, b) if isinstance(a, np.ndarray) else max(a, b)


def _missing_if_negative(day: Any) -> Any:
    """A day as a float, missing (NaN) where it is negative (``-1``: never)."""
    if isinstance(day, np.ndarray):
        return np.where(day >= 0, day, np.nan)
    return float(day) if day >= 0 else math.nan


class At:
    """The model's state as the column definitions read it: over every replicate, or at one.

    Over every replicate (``row=None``) a read is a 1-D array over replicates (a view of the
    state, the agent's own column for a per-country variable); at one replicate it is that
    replicate's plain Python value. The definitions use only operations that mean the same
    elementwise on both, so a column at a row equals the column over replicates at that row;
    reading plain values keeps a Mesa reporter at R = 1 free of numpy's per-call overhead.

    Attributes:
        model: The model.
        row: ``None`` (every replicate) or a replicate's index.
        first, second: The belligerents' agents.
    """

    __slots__ = ("first", "model", "row", "second")

    def __init__(self, model: Any, row: int | None = None):
        self.model, self.row = model, row
        self.first, self.second = model.belligerent_agents

    def __call__(self, name: str) -> Any:
        """Another column without slots (``highest_rung``)."""
        return DEFINITIONS[name](self, None, None)

    def dyad(self, var: str) -> Any:
        """A dyad state variable (``cf``, ``first_cf_day``...)."""
        values = getattr(self.model, var)
        return values[:, 0] if self.row is None else values.item(self.row, 0)

    def country(self, agent: Any, var: str) -> Any:
        """A country's value of a per-country state variable: its column, ``model.<var>[:, slot]``."""
        values = getattr(self.model, var)
        return values[:, agent.slot] if self.row is None else values.item(self.row, agent.slot)

    def tie(self, party: Any, var: str, side: Any) -> Any:
        """A third party's value of a tie variable (``aff``, ``lev``) towards one belligerent."""
        values = getattr(self.model, var)
        return values[:, party.slot, side.slot] if self.row is None else values.item(self.row, party.slot, side.slot)

    def any_party(self, var: str) -> Any:
        """Whether any third party's flag (``tp_engaged``) is set."""
        values = getattr(self.model, var)
        return values.any(1) if self.row is None else bool(values[self.row].any())


#: Every column's definition, by its catalogue name (a template for per-actor columns): a function
#: ``(at, b, tp)`` of the state read through :class:`At` and of the agents a template names.
DEFINITIONS: dict[str, Callable[[At, Any, Any], Any]] = {
    "highest_rung": lambda at, b, tp: _larger(at.country(at.first, "max_rung"), at.country(at.second, "max_rung")),
    "highest_rung_{b}": lambda at, b, tp: at.country(b, "max_rung"),
    "final_rung": lambda at, b, tp: _larger(at.country(at.first, "rung"), at.country(at.second, "rung")),
    "strikes": lambda at, b, tp: at("highest_rung") >= 3,
    "war": lambda at, b, tp: at("highest_rung") >= 4,
    "nuclear": lambda at, b, tp: at("highest_rung") >= 5,
    "ceasefire": lambda at, b, tp: at.dyad("first_cf_day") >= 0,
    "day_ceasefire": lambda at, b, tp: _missing_if_negative(at.dyad("first_cf_day")),
    # Holding at the horizon: a ceasefire was reached, has not broken and no fighting goes on
    # (a ceasefire that calmed the crisis to rung 0 has closed it and still counts).
    "ceasefire_holding": lambda at, b, tp: at("ceasefire") & (at.dyad("cf") != CF_BROKEN) & (at("final_rung") <= 1),
    "ceasefire_breaks": lambda at, b, tp: at.dyad("cf_breaks"),
    "broker": lambda at, b, tp: at.dyad("broker"),
    "broker_kind": lambda at, b, tp: at.dyad("broker_kind"),
    "duration_days": lambda at, b, tp: at.dyad("last_fight_day") + 1,  # int64, as the day is
    "crisis_days": lambda at, b, tp: at.dyad("last_active_day") + 1,
    "kinetic_days": lambda at, b, tp: at.dyad("kinetic_days"),
    "casualties_{b}": lambda at, b, tp: at.country(b, "casualties"),
    "casualties": lambda at, b, tp: at.country(at.first, "casualties") + at.country(at.second, "casualties"),
    "loc_incidents": lambda at, b, tp: at.dyad("loc_incidents"),
    "accidental_escalations": lambda at, b, tp: at.dyad("accidental"),
    "attacks": lambda at, b, tp: at.dyad("attacks"),
    "crises": lambda at, b, tp: at.dyad("crises"),
    "third_party_engaged": lambda at, b, tp: at.any_party("tp_engaged"),
    "engaged_{tp}": lambda at, b, tp: at.country(tp, "tp_engaged"),
    "mediation_offers_{tp}": lambda at, b, tp: at.country(tp, "mediation_offers"),
    "affinity_change_{tp}_{b}": lambda at, b, tp: at.tie(tp, "aff", b) - at.model.aff0.item(tp.slot, b.slot),
    # for the network figure
    "leverage_change_{tp}_{b}": lambda at, b, tp: at.tie(tp, "lev", b) - at.model.lev0.item(tp.slot, b.slot),
}


def columns(model: Any) -> list[tuple[str, str, Any, Any]]:
    """The model's columns, templates expanded, in the catalogue's order
    (:func:`sim.vocab.outcomes.column_names`): ``(name, its catalogue name, belligerent, third party)``."""
    bs, tps = model.belligerent_agents, model.third_party_agents
    out: list[tuple[str, str, Any, Any]] = []
    for col in COLUMNS:
        if "{tp}" in col.name:
            continue
        if "{b}" in col.name:
            out += [(col.name.format(b=b.actor_id), col.name, b, None) for b in bs]
        else:
            out.append((col.name, col.name, None, None))
    per_tp = [c.name for c in COLUMNS if "{tp}" in c.name and "{b}" not in c.name]
    per_tie = [c.name for c in COLUMNS if "{tp}" in c.name and "{b}" in c.name]
    for tp in tps:
        out += [(name.format(tp=tp.actor_id), name, None, tp) for name in per_tp]
        for b in bs:
            out += [(name.format(tp=tp.actor_id, b=b.actor_id), name, b, tp) for name in per_tie]
    return out


def outcome_table(model: Any) -> dict[str, np.ndarray]:
    """Every column over every replicate, as 1-D arrays of length R, in the catalogue's order."""
    at = At(model)
    return {name: DEFINITIONS[template](at, b, tp) for name, template, b, tp in columns(model)}


def row(model: Any, r: int) -> dict[str, Any]:
    """Every column at replicate ``r``, as plain Python values (``outcome_table``'s row ``r``)."""
    at = At(model, r)
    return {name: DEFINITIONS[template](at, b, tp) for name, template, b, tp in columns(model)}


def reporters(model: Any, keys: Sequence[str]) -> dict[str, Callable[[Any], Any]]:
    """One Mesa model reporter per column without slots, for a model's ``DataCollector`` (R = 1).

    Each reporter computes only its own column, at replicate 0, as a plain Python value (the
    broker by name, ``"none"`` before a ceasefire). The reporters read ``model``, the model they
    are made for (Mesa passes that same model back).
    """
    at = At(model, 0)
    names = model.broker_names()

    def make(key: str) -> Callable[[Any], Any]:
        define = DEFINITIONS[key]
        if key == "broker":
            def report(m: Any) -> Any:
                code = define(at, None, None)
                return names[code] if code >= 0 else "none"
        else:
            def report(m: Any) -> Any:
                return define(at, None, None)
        report.__name__ = f"report_{key}"
        return report

    return {key: make(key) for key in keys}
