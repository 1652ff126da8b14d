"""A scenario, loaded and validated: the :class:`Scenario` and :func:`load_scenario`.

A scenario is a folder ``scenarios/<name>/`` with three files, every number beside its source:

- ``scenario.yaml``: trigger, nuclear status, event rates, conditions and the observed outcome,
  each input written as ``{value: ..., source: ..., known: ...}``;
- ``actors.csv`` (``actor,key,value,known,source``): one row per actor parameter;
- ``edges.csv`` (``from,to,attribute,value,known,source``): affinity and leverage ties.

``known`` is the date the input's fact was public, on or before the trigger day, or ``standing``
for a convention (:mod:`sim.inputs.scenario.known`); the starting rungs follow the trigger's
kind (:mod:`sim.inputs.scenario.kinds`).

Adding an actor (Qatar, Turkey, ...) is a matter of rows in these files, never of code. The
sections are read by :mod:`sim.inputs.scenario.sections`; a malformed file is refused with a
message naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.inputs.errors import ScenarioError
from sim.inputs.scenario.files import display_path, read_folder, scenario_dir, yaml_line
from sim.inputs.scenario.keys import BELLIGERENT_KEYS, CONDITION_KEYS, RATE_KEYS, THIRD_PARTY_KEYS
from sim.inputs.scenario.kinds import TriggerKind, kinds_path, trigger_kinds
from sim.inputs.scenario.known import Entry, check_entries, family_of
from sim.inputs.scenario.sections import (
    actor_table,
    parse_observed_path,
    read_actors,
    read_conditions,
    read_edges,
    read_nuclear,
    read_observed,
    read_rates,
    read_trigger,
)

if TYPE_CHECKING:  # networkx loads only when a graph is drawn or measured, never to check a scenario
    import networkx as nx


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario. Arrays are indexed by actor position in ``actors``.

    What happened (``observed``, ``observed_path``) is kept apart from every input: the model
    never reads it.
    """

    name: str
    title: str
    path: Path
    actors: tuple[str, ...]
    names: tuple[str, ...]
    roles: tuple[str, ...]
    belligerents: tuple[int, int]
    third_parties: tuple[int, ...]
    belligerent_params: dict[str, np.ndarray]
    third_party_params: dict[str, np.ndarray]
    affinity: np.ndarray
    leverage_security: np.ndarray
    leverage_economic: np.ndarray
    trigger: dict[str, Any]
    nuclear: bool
    rates: dict[str, float]
    observed: dict[str, Any]
    conditions: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    #: The change points of ``observed.path`` (see :func:`~sim.inputs.scenario.sections.parse_observed_path`),
    #: parsed at load time, and what made it unreadable, if anything.
    observed_path: tuple[tuple[int, tuple[float, ...]], ...] = ()
    observed_path_problem: str = ""
    #: What the trigger's kind does (its row of scenarios/trigger_kinds.csv).
    trigger_kind: TriggerKind | None = None
    #: Every input as written, with when it was known (docs/coding_rules.md), in file order.
    entries: tuple[Entry, ...] = ()

    @property
    def historical(self) -> bool:
        """A historical preset: one with an observed outcome (every input dated, every code on its map)."""
        return bool(self.observed)

    @property
    def third_party_ids(self) -> tuple[str, ...]:
        """The third parties' ids, in the order of the model's third-party arrays."""
        return tuple(self.actors[i] for i in self.third_parties)

    @property
    def belligerent_ids(self) -> tuple[str, str]:
        """The two belligerents' ids, in the order of the model's belligerent arrays."""
        return (self.actors[self.belligerents[0]], self.actors[self.belligerents[1]])

    def graph(self, affinity: np.ndarray | None = None, leverage: np.ndarray | None = None) -> nx.DiGraph:
        """The alliance network as a networkx graph (for measuring and drawing, not stepping).

        Args:
            affinity: An (N, N) affinity matrix to use instead of the scenario's (e.g. a run's end state).
            leverage: An (N, N) leverage matrix to use instead of the scenario's.
        """
        import networkx as nx

        aff = self.affinity if affinity is None else affinity
        lev = self.leverage_security + self.leverage_economic if leverage is None else leverage
        g = nx.DiGraph()
        for i, a in enumerate(self.actors):
            g.add_node(a, name=self.names[i], role=self.roles[i])
        n = len(self.actors)
        for i in range(n):
            for j in range(n):
                if i != j and (aff[i, j] != 0 or lev[i, j] != 0):
                    g.add_edge(self.actors[i], self.actors[j], affinity=float(aff[i, j]), leverage=float(lev[i, j]))
        return g




@lru_cache(maxsize=64)
def load_scenario(name: str, directory: str = "") -> Scenario:
    """Load and validate a scenario folder.

    A scenario may name a ``base:`` scenario folder (a path relative to its own folder): it then
    inherits the base's trigger, conditions, rates, actor rows and edges, and its own files
    replace what it restates (rows by actor and key, edges by both ends and attribute). The
    observed outcome is never inherited. ``actors:`` lists the actors present, if not all.

    Args:
        name: The scenario's name, e.g. ``"pahalgam_2025"``.
        directory: Its folder, if not ``scenarios/<name>``.

    Raises:
        ScenarioError: a missing or malformed file, naming the file and line.
    """
    path = scenario_dir(name, directory)
    meta, origin, actor_rows, edge_rows = read_folder(path)
    meta_path = path / "scenario.yaml"
    for key in ("trigger", "nuclear", "rates", "conditions"):
        if key not in meta:
            raise ScenarioError(f"{display_path(meta_path)}: missing key '{key}'")
    sources: dict[str, str] = {}
    trig_path = origin["trigger"]
    trigger = read_trigger(meta, trig_path)
    nuclear = read_nuclear(meta, origin["nuclear"])
    rates = read_rates(meta, origin["rates"], sources)
    conditions = read_conditions(meta, origin["conditions"], sources)
    observed = read_observed(meta, meta_path)

    order, attrs, roles = read_actors(actor_rows, meta, meta_path, path)
    if meta.get("actors") is not None:
        edge_rows = [x for x in edge_rows if x[2]["from"] in order and x[2]["to"] in order]
    bel = [i for i, r in enumerate(roles) if r == "belligerent"]
    tps = [i for i, r in enumerate(roles) if r == "third_party"]
    bel_params = actor_table(bel, BELLIGERENT_KEYS, order, attrs, roles, path, sources)
    tp_params = actor_table(tps, THIRD_PARTY_KEYS, order, attrs, roles, path, sources)
    mats = read_edges(edge_rows, order, path, sources)

    victim = trigger.get("victim", "")
    if victim and victim not in [order[i] for i in bel]:
        raise ScenarioError(f"{display_path(trig_path)}{yaml_line(trig_path, 'trigger.victim')}: trigger.victim "
                            f"'{victim}' is not a belligerent ({', '.join(order[i] for i in bel)})")
    kind = trigger_kinds()[trigger["kind"]]
    victim_id = victim or order[bel[0]]
    bel_ids = [order[i] for i in bel]
    bel_params["rung0"] = np.array([kind.victim_rung0 if a == victim_id else kind.opponent_rung0 for a in bel_ids],
                                   dtype=float)
    for a in bel_ids:
        sources[f"{a}.rung0"] = f"{display_path(kinds_path())}: kind {kind.kind}"
    entries = _entries(meta, origin, attrs, order, roles, edge_rows)
    opponent = next(a for a in bel_ids if a != victim_id)
    check_entries(entries, str(trigger["date"]), historical=bool(observed), opponent=opponent)
    names = tuple(attrs[a]["name"][2] if "name" in attrs[a] else a for a in order)
    points, problem = ((), "")
    if "path" in observed:
        points, problem = parse_observed_path(observed["path"], str(trigger["date"]),
                                              (order[bel[0]], order[bel[1]]))
    return Scenario(
        name=str(meta.get("name", name)), title=str(meta.get("title", name)), path=path,
        actors=tuple(order), names=names, roles=tuple(roles), belligerents=(bel[0], bel[1]),
        third_parties=tuple(tps), belligerent_params=bel_params, third_party_params=tp_params,
        affinity=mats["affinity"], leverage_security=mats["leverage_security"],
        leverage_economic=mats["leverage_economic"], trigger=trigger, nuclear=nuclear, rates=rates,
        observed=observed, conditions=conditions, sources=sources, observed_path=points,
        observed_path_problem=problem, trigger_kind=kind, entries=tuple(entries),
    )


def _entries(meta: dict[str, Any], origin: dict[str, Path], attrs: dict, order: list[str], roles: list[str],
             edge_rows: list) -> list[Entry]:
    """Every input of a loaded scenario as an :class:`Entry`, named as a coding file names it."""
    out: list[Entry] = []
    dotted = ["trigger.kind", "trigger.victim", "trigger.deaths", "nuclear",
              *(f"rates.{k}" for k in RATE_KEYS), *(f"conditions.{k}" for k in CONDITION_KEYS)]
    for key in dotted:
        node: Any = meta
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            continue
        fpath = origin.get(key, origin.get(key.split(".")[0]))
        where = f"{display_path(fpath)}{yaml_line(fpath, key)}" if fpath else key
        if isinstance(node, dict):
            value, known, source = node.get("value"), node.get("known", ""), node.get("source", "")
        else:  # a plain trigger.victim
            value, known, source = node, "", ""
        out.append(Entry(key, family_of("meta", key), value, str(known or "").strip(), str(source), where))
    role_of = dict(zip(order, roles))
    for actor in order:
        for key, (fpath, line, value, source, known) in attrs[actor].items():
            if key in ("name", "role"):
                continue
            out.append(Entry(f"{actor}.{key}", family_of(role_of[actor], key), float(value), known, source,
                             f"{display_path(fpath)} line {line}"))
    for fpath, line, row in edge_rows:
        ends = (row["from"], row["to"])
        out.append(Entry(f"{row['attribute']}.{ends[0]}-{ends[1]}", family_of("edge", row["attribute"], ends, role_of),
                         float(row["value"]), row["known"], row["source"], f"{display_path(fpath)} line {line}"))
    return out
