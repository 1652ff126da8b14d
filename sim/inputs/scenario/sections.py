"""The sections of a scenario, each read and checked on its own: trigger, status, rates,
conditions, observed outcome, actors and edges.

Each reader takes the merged metadata (or rows) of :func:`sim.inputs.scenario.files.read_folder`
and the file each part came from, checks keys, types, ranges and sources, and returns plain
values; ``sources`` collects the source of every number. Every error names the file and line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from sim.inputs.errors import ScenarioError
from sim.inputs.scenario.files import display_path, read_number, read_sourced, yaml_line
from sim.inputs.scenario.keys import (
    CONDITION_KEYS,
    EDGE_ATTRIBUTES,
    ENDINGS,
    RATE_KEYS,
    ROLES,
    TRIGGER_KINDS,
)
from sim.vocab.ladder import TOP_RUNG


def read_trigger(meta: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The trigger: its date (YYYY-MM-DD), death toll, kind and, optionally, victim."""
    trigger = dict(meta["trigger"] or {})
    date = str(trigger.get("date", ""))
    try:
        dt.date.fromisoformat(date)
        if len(date) != 10:
            raise ValueError
    except ValueError:
        raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'trigger.date')}: trigger.date='{date}' "
                            f"is not a date in YYYY-MM-DD form") from None
    trigger["deaths"] = read_sourced(path, "trigger.deaths", trigger.get("deaths"), 0, 1e7)
    trigger["kind"] = read_sourced(path, "trigger.kind", trigger.get("kind"))
    if isinstance(trigger.get("victim"), dict):
        trigger["victim"] = str(read_sourced(path, "trigger.victim", trigger["victim"]))
    if trigger["kind"] not in TRIGGER_KINDS:
        raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'trigger.kind')}: trigger.kind="
                            f"'{trigger['kind']}' must be one of {', '.join(TRIGGER_KINDS)}")
    return trigger


def read_nuclear(meta: Mapping[str, Any], path: Path) -> bool:
    """Whether both sides are nuclear-armed in this scenario's year."""
    nuclear = read_sourced(path, "nuclear", meta["nuclear"])
    if not isinstance(nuclear, bool):
        raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'nuclear')}: nuclear must be true or false")
    return nuclear


def read_rates(meta: Mapping[str, Any], path: Path, sources: dict[str, str]) -> dict[str, float]:
    """The event rates (attacks, LoC incidents), every key of ``RATE_KEYS`` in its range."""
    given = meta["rates"] or {}
    for key in given:
        if key not in RATE_KEYS:
            raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'rates.' + key)}: rates.{key} is not "
                                f"a known rate (valid: {', '.join(RATE_KEYS)})")
    rates: dict[str, float] = {}
    for key, (lo, hi) in RATE_KEYS.items():
        if key not in given:
            raise ScenarioError(f"{display_path(path)}: missing rates.{key}")
        rates[key] = read_sourced(path, f"rates.{key}", given[key], lo, hi)
        sources[f"rates.{key}"] = given[key]["source"]
    return rates


def read_conditions(meta: Mapping[str, Any], path: Path, sources: dict[str, str]) -> dict[str, Any]:
    """The conditions in force on the trigger day (hotline, CBMs, Indus Waters Treaty)."""
    given = meta["conditions"] or {}
    for key in given:
        if key not in CONDITION_KEYS:
            raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'conditions.' + key)}: conditions.{key} "
                                f"is not a known condition (valid: {', '.join(CONDITION_KEYS)})")
    conditions: dict[str, Any] = {}
    for key, choices in CONDITION_KEYS.items():
        if key not in given:
            raise ScenarioError(f"{display_path(path)}: missing conditions.{key}")
        value = read_sourced(path, f"conditions.{key}", given[key])
        if value not in choices or (isinstance(value, bool) != isinstance(choices[0], bool)):
            raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'conditions.' + key)}: "
                                f"conditions.{key}={value} must be one of {', '.join(map(str, choices))}")
        conditions[key] = value
        sources[f"conditions.{key}"] = given[key]["source"]
    return conditions


def read_observed(meta: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The observed outcome of a historical crisis (never an input of the model), sourced entries;
    ``ending`` one of :data:`~sim.inputs.scenario.keys.ENDINGS`."""
    observed = {k: read_sourced(path, f"observed.{k}", v) for k, v in (meta.get("observed") or {}).items()}
    if "ending" in observed and observed["ending"] not in ENDINGS:
        raise ScenarioError(f"{display_path(path)}{yaml_line(path, 'observed.ending')}: observed.ending="
                            f"'{observed['ending']}' must be one of {', '.join(ENDINGS)}")
    return observed


def parse_observed_path(value: Any, trigger_date: str, belligerents: tuple[str, str]
                        ) -> tuple[tuple[tuple[int, tuple[float, ...]], ...], str]:
    """The change points of ``observed.path``, parsed once when the scenario is loaded.

    ``observed.path`` lists change points, each rung holding until the next entry:
    ``[day, rung of the first belligerent, rung of the second]`` triples, ``[day, rung]`` pairs,
    ``{day|date: ..., rung: ...}`` or ``{day|date: ..., IND: ..., PAK: ...}`` mappings, a mapping
    ``{day: rung}``, or a plain list of rungs by day from day 0. A day may be written as a date
    (``2025-05-07``), counted from the trigger.

    Returns:
        ``(points, problem)``: the change points ``(day, (rung,))`` or ``(day, (rung b0, rung b1))``
        sorted by day, and ``""``; or no points and a one-line description of what cannot be read
        (a figure shows it as a note: the observed path is a picture of the record, never an input).
    """
    start = dt.date.fromisoformat(trigger_date)

    def to_day(when: Any) -> int:
        if isinstance(when, dt.date) or (isinstance(when, str) and not when.strip().lstrip("-").isdigit()):
            return (dt.date.fromisoformat(str(when)) - start).days
        if isinstance(when, bool) or float(when) != int(float(when)):
            raise ValueError(f"day {when!r} is not a whole number")
        return int(float(when))

    def rung(v: Any) -> float:
        r = float(v)
        if isinstance(v, bool) or not 0 <= r <= TOP_RUNG:
            raise ValueError(f"rung {v!r} is outside 0-{TOP_RUNG}")
        return r

    points: list[tuple[int, tuple[float, ...]]] = []
    try:
        if isinstance(value, Mapping):
            points = [(to_day(k), (rung(v),)) for k, v in value.items()]
        elif isinstance(value, (list, tuple)) and value and all(
                isinstance(e, (int, float)) and not isinstance(e, bool) for e in value):
            points = [(d, (rung(v),)) for d, v in enumerate(value)]
        elif isinstance(value, (list, tuple)) and value:
            for e in value:
                if isinstance(e, Mapping):
                    when = e.get("day", e.get("date"))
                    if when is None:
                        return (), f"observed.path entry {e!r} has no day or date"
                    if all(b in e for b in belligerents):
                        points.append((to_day(when), tuple(rung(e[b]) for b in belligerents)))
                    else:
                        points.append((to_day(when), (rung(e.get("rung", e.get("highest_rung"))),)))
                elif isinstance(e, (list, tuple)) and len(e) in (2, 3):
                    points.append((to_day(e[0]), tuple(rung(v) for v in e[1:])))
                else:
                    return (), (f"observed.path entry {e!r} is not [day, rung] or "
                                f"[day, rung {belligerents[0]}, rung {belligerents[1]}]")
        else:
            return (), "observed.path is empty or not a list"
    except (ValueError, TypeError) as exc:
        return (), f"observed.path cannot be read ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
    if len({len(r) for _, r in points}) != 1:
        return (), "observed.path mixes entries with one rung and with one per side"
    return tuple(sorted(points, key=lambda p: p[0])), ""


def read_actors(actor_rows: list, meta: Mapping[str, Any], meta_path: Path, folder: Path
                ) -> tuple[list[str], dict[str, dict[str, tuple[Path, int, str, str, str]]], list[str]]:
    """The actors present, in file order, each actor's rows by key, and their roles.

    ``actors:`` in scenario.yaml lists the actors present, if not all of the files' actors.
    """
    order: list[str] = []
    attrs: dict[str, dict[str, tuple[Path, int, str, str, str]]] = {}
    for fpath, line, row in actor_rows:
        actor = row["actor"]
        if not actor:
            raise ScenarioError(f"{display_path(fpath)} line {line}: empty actor id")
        if actor not in attrs:
            order.append(actor)
            attrs[actor] = {}
        if row["key"] in attrs[actor] and attrs[actor][row["key"]][0] == fpath:
            raise ScenarioError(f"{display_path(fpath)} line {line}: {actor}.{row['key']} given twice")
        attrs[actor][row["key"]] = (fpath, line, row["value"], row["source"], row["known"])
    present = meta.get("actors")
    if present is not None:
        if not isinstance(present, list) or not all(isinstance(a, str) for a in present):
            raise ScenarioError(f"{display_path(meta_path)}{yaml_line(meta_path, 'actors')}: "
                                f"actors must be a list of ids")
        unknown = [a for a in present if a not in attrs]
        if unknown:
            raise ScenarioError(f"{display_path(meta_path)}{yaml_line(meta_path, 'actors')}: unknown actor(s) "
                                f"{', '.join(unknown)} (actors in the files: {', '.join(order)})")
        order = [a for a in order if a in present]
    roles = []
    for actor in order:
        a = attrs[actor]
        if "role" not in a:
            raise ScenarioError(f"actors.csv: actor {actor} has no 'role' row")
        fpath, line, role = a["role"][:3]
        if role not in ROLES:
            raise ScenarioError(f"{display_path(fpath)} line {line}: role '{role}' for {actor} must be one of "
                                f"{', '.join(ROLES)}")
        roles.append(role)
    bel = [i for i, r in enumerate(roles) if r == "belligerent"]
    if len(bel) != 2:
        raise ScenarioError(f"{display_path(folder / 'actors.csv')}: need exactly 2 belligerents, found {len(bel)} "
                            f"({', '.join(order[i] for i in bel) or 'none'})")
    return order, attrs, roles


def actor_table(indices: list[int], keys: Mapping[str, tuple[float, float]], order: list[str],
                attrs: Mapping[str, Mapping[str, tuple[Path, int, str, str, str]]], roles: list[str], folder: Path,
                sources: dict[str, str]) -> dict[str, np.ndarray]:
    """One array per key over the given actors (belligerents or third parties), each value sourced
    and in its range; an actor lacking a key, or with a key of the other role, is an error."""
    out = {k: np.zeros(len(indices)) for k in keys}
    for n, i in enumerate(indices):
        actor, a = order[i], attrs[order[i]]
        for key, (fpath, line, value, source, _known) in a.items():
            if key in ("name", "role"):
                continue
            if key not in keys:
                hint = " (the starting rungs follow the trigger kind: scenarios/trigger_kinds.csv)" \
                    if key == "rung0" else ""
                raise ScenarioError(f"{display_path(fpath)} line {line}: '{key}' is not a {roles[i]} key "
                                    f"(valid: {', '.join(keys)}){hint}")
            if not source:
                raise ScenarioError(f"{display_path(fpath)} line {line}: {actor}.{key} has no source")
            lo, hi = keys[key]
            out[key][n] = read_number(fpath, line, f"{actor}.{key}", value, lo, hi)
            sources[f"{actor}.{key}"] = source
        for key in keys:
            if key not in a:
                raise ScenarioError(f"{display_path(folder / 'actors.csv')}: actor {actor} lacks '{key}'")
    return out


def read_edges(edge_rows: list, order: list[str], folder: Path, sources: dict[str, str]) -> dict[str, np.ndarray]:
    """The (N, N) affinity and leverage matrices of the actors present (affinity symmetric unless
    both directions are given); leverage security + economic must lie in [0, 1]."""
    index = {a: i for i, a in enumerate(order)}
    n = len(order)
    mats = {k: np.zeros((n, n)) for k in EDGE_ATTRIBUTES}
    seen: set[tuple[str, str, str]] = set()
    for fpath, line, row in edge_rows:
        for end in ("from", "to"):
            if row[end] not in index:
                raise ScenarioError(f"{display_path(fpath)} line {line}: unknown actor '{row[end]}' "
                                    f"(actors: {', '.join(order)})")
        if row["from"] == row["to"]:
            raise ScenarioError(f"{display_path(fpath)} line {line}: an edge from {row['from']} to itself")
        attr = row["attribute"]
        if attr not in EDGE_ATTRIBUTES:
            raise ScenarioError(f"{display_path(fpath)} line {line}: attribute '{attr}' must be one of "
                                f"{', '.join(EDGE_ATTRIBUTES)}")
        if not row["source"]:
            raise ScenarioError(f"{display_path(fpath)} line {line}: {row['from']}->{row['to']} {attr} has no source")
        key = (row["from"], row["to"], attr)
        if key in seen:
            raise ScenarioError(f"{display_path(fpath)} line {line}: {row['from']}->{row['to']} {attr} given twice")
        seen.add(key)
        lo, hi = EDGE_ATTRIBUTES[attr]
        value = read_number(fpath, line, attr, row["value"], lo, hi)
        i, j = index[row["from"]], index[row["to"]]
        mats[attr][i, j] = value
        sources[f"{row['from']}->{row['to']}.{attr}"] = row["source"]
        if attr == "affinity" and (row["to"], row["from"], attr) not in seen:
            mats[attr][j, i] = value  # affinity is symmetric unless both directions are given
    lev_total = mats["leverage_security"] + mats["leverage_economic"]
    if (lev_total > 1).any():
        i, j = np.argwhere(lev_total > 1)[0]
        raise ScenarioError(f"{display_path(folder / 'edges.csv')}: leverage {order[i]}->{order[j]} sums to "
                            f"{lev_total[i, j]:.2f} > 1 (security + economic must lie in [0, 1])")
    return mats
