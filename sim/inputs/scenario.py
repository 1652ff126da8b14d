"""Scenarios: the actors, their parameters, the alliance network and the trigger, read from data.

A scenario is a folder ``scenarios/<name>/`` with three files, every number beside its source:

- ``scenario.yaml``: trigger, nuclear status, event rates and the observed outcome, each number
  written as ``{value: ..., source: ...}``;
- ``actors.csv`` (``actor,key,value,source``): one row per actor parameter;
- ``edges.csv`` (``from,to,attribute,value,source``): affinity and leverage ties.

Adding an actor (Qatar, Turkey, ...) is a matter of rows in these files, never of code. The
loader refuses a malformed file with a message naming the file and line.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import yaml

from sim.inputs.errors import ScenarioError
from sim.inputs.schema import SCENARIOS_DIR

ROLES = ("belligerent", "third_party")


# Actor keys: (valid range, required for role). Ranges are inclusive.
BELLIGERENT_KEYS: dict[str, tuple[float, float]] = {
    "nuclear": (0, 1),
    "rung0": (0, 4),
    "grievance0": (0, 50),
    "commitment0": (0, 50),
    "audience_cost": (0, 20),
    "economic_exposure": (0, 10),
    "accept_facilitation": (0, 1),
    "accept_mediation": (0, 1),
    "internationalise": (0, 1),
    "water_dependence": (0, 1),
    "retaliation_norm": (0, 1),
}


THIRD_PARTY_KEYS: dict[str, tuple[float, float]] = {
    "attention": (0, 1),
    "restraint": (0, 100),
    "pressure": (0, 100),
    "facilitation": (0, 100),
    "mediation": (0, 100),
    "backing": (0, 100),
    "public_mediation": (0, 1),
    "public_mediation_from_day": (0, 36500),
}


#: What sets a crisis off: a militant ``attack`` on the victim (answered, under a retaliation norm,
#: by a strike); an ``incursion`` by the opponent's forces across the line, which the victim
#: fights on its own side of it (Kashmir 1965, Kargil 1999); or a ``clash`` of forces where the
#: line itself is in dispute (Rann of Kutch 1965).
TRIGGER_KINDS = ("attack", "incursion", "clash")


#: Conditions in force on the trigger day; a policy key left null takes these.
CONDITION_KEYS: dict[str, tuple[Any, ...]] = {
    "hotline": (True, False),
    "loc_understanding": (True, False),
    "missile_prenotification": (True, False),
    "nuclear_nonattack_list": (True, False),
    "people_to_people": (True, False),
    "indus_waters_treaty": ("in_force", "abeyance"),
}


EDGE_ATTRIBUTES: dict[str, tuple[float, float]] = {
    "affinity": (-1, 1),
    "leverage_security": (0, 1),
    "leverage_economic": (0, 1),
}


RATE_KEYS: dict[str, tuple[float, float]] = {
    "attack_rate_per_year": (0, 365),
    "attack_victim_share": (0, 1),
    "attack_deaths_median": (0, 1e6),
    "attack_deaths_log_sd": (0, 10),
    "loc_incidents_per_year": (0, 1e6),
    "cbm_cfv_multiplier": (0, 1),
}


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario. Arrays are indexed by actor position in ``actors``."""

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

    @property
    def third_party_ids(self) -> tuple[str, ...]:
        return tuple(self.actors[i] for i in self.third_parties)

    @property
    def belligerent_ids(self) -> tuple[str, str]:
        return (self.actors[self.belligerents[0]], self.actors[self.belligerents[1]])

    def graph(self, affinity: np.ndarray | None = None, leverage: np.ndarray | None = None) -> nx.DiGraph:
        """The alliance network as a networkx graph (for measuring and drawing, not stepping).

        Args:
            affinity: An (N, N) affinity matrix to use instead of the scenario's (e.g. a run's end state).
            leverage: An (N, N) leverage matrix to use instead of the scenario's.
        """
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


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise ScenarioError(f"{_rel(path)}: file not found")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise ScenarioError(f"{_rel(path)} line 1: missing column(s) {', '.join(missing)} "
                                    f"(expected {','.join(columns)})")
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise ScenarioError(f"{_rel(path)} line {reader.line_num}: wrong number of fields "
                                        f"(expected {len(header)}: {','.join(header)})")
                rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
            return rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(f"{_rel(path)}: cannot read as CSV ({exc})") from None


def _number(path: Path, line: int, what: str, text: str, lo: float, hi: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{_rel(path)} line {line}: {what}='{text}' is not a number") from None
    if not np.isfinite(value) or not lo <= value <= hi:
        raise ScenarioError(f"{_rel(path)} line {line}: {what}={text} is out of range [{lo:g}, {hi:g}]")
    return value


def _yaml_line(path: Path, where: str) -> str:
    """' line N' of a dotted key in a YAML file (each part searched below its parent), or ''."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    at = 0
    for part in where.split("."):
        for i in range(at, len(lines)):
            if lines[i].lstrip().startswith(f"{part}:"):
                at = i
                break
        else:
            return ""
    return f" line {at + 1}"


def _sourced(path: Path, where: str, node: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """Read a ``{value, source}`` entry of scenario.yaml, checking the source and the range."""
    here = f"{_rel(path)}{_yaml_line(path, where)}"
    if not isinstance(node, dict) or "value" not in node:
        raise ScenarioError(f"{here}: {where} must be written as {{value: ..., source: ...}}")
    if not str(node.get("source") or "").strip():
        raise ScenarioError(f"{here}: {where} has no source")
    value = node["value"]
    if lo is not None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise ScenarioError(f"{here}: {where}={value} must be a number in [{lo:g}, {hi:g}]")
        value = float(value)
    return value


def scenario_dir(name: str, directory: str = "") -> Path:
    """The folder of a scenario: ``directory`` if given, else ``scenarios/<name>``."""


    path = Path(directory) if directory else SCENARIOS_DIR / name
    if not path.is_dir():
        known = sorted(p.name for p in SCENARIOS_DIR.iterdir() if (p / "scenario.yaml").is_file())
        raise ScenarioError(f"scenario '{name}': no folder {_rel(path)} (available: {', '.join(known)})")
    return path


def _read_meta(meta_path: Path) -> dict[str, Any]:
    if not meta_path.is_file():
        raise ScenarioError(f"{_rel(meta_path)}: file not found")
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ScenarioError(f"{_rel(meta_path)}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(meta, dict):
        raise ScenarioError(f"{_rel(meta_path)}: expected a mapping of keys")
    return meta


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in child.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) and "value" not in v else v
    return out


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, Path], list, list]:
    """Read a scenario folder, following ``base:``. Returns the merged metadata, the file each
    top-level metadata section came from, and the actor and edge rows as (file, line, row)."""
    meta_path = path / "scenario.yaml"
    meta = _read_meta(meta_path)
    actor_rows = [(path / "actors.csv", line, row) for line, row in
                  _read_csv(path / "actors.csv", ("actor", "key", "value", "source"))]
    edge_rows = [(path / "edges.csv", line, row) for line, row in
                 _read_csv(path / "edges.csv", ("from", "to", "attribute", "value", "source"))]
    origin = {k: meta_path for k in meta}
    if "base" not in meta:
        return meta, origin, actor_rows, edge_rows
    base_path = (path / str(meta["base"])).resolve()
    if not (base_path / "scenario.yaml").is_file():
        raise ScenarioError(f"{_rel(meta_path)}{_yaml_line(meta_path, 'base')}: base '{meta['base']}' is not a "
                            f"scenario folder (write a path relative to this folder, e.g. ../pahalgam_2025)")
    if base_path in seen:
        raise ScenarioError(f"{_rel(meta_path)}: base scenarios form a cycle")
    bmeta, borigin, bactors, bedges = _raw(base_path, (*seen, path.resolve()))
    bmeta = {k: v for k, v in bmeta.items() if k not in ("observed", "base")}  # never inherited
    merged = _merge(bmeta, {k: v for k, v in meta.items() if k != "base"})
    origin = {**{k: borigin[k] for k in bmeta}, **{k: meta_path for k in meta if k != "base"}}
    own_actor_keys = {(r["actor"], r["key"]) for _, _, r in actor_rows}
    own_edge_keys = {(r["from"], r["to"], r["attribute"]) for _, _, r in edge_rows}
    actors = [x for x in bactors if (x[2]["actor"], x[2]["key"]) not in own_actor_keys] + actor_rows
    edges = [x for x in bedges if (x[2]["from"], x[2]["to"], x[2]["attribute"]) not in own_edge_keys] + edge_rows
    return merged, origin, actors, edges


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
    meta, origin, actor_rows, edge_rows = _raw(path)
    meta_path = path / "scenario.yaml"
    for key in ("trigger", "nuclear", "rates", "conditions"):
        if key not in meta:
            raise ScenarioError(f"{_rel(meta_path)}: missing key '{key}'")
    sources: dict[str, str] = {}

    trig_path = origin["trigger"]
    trigger = dict(meta["trigger"] or {})
    date = str(trigger.get("date", ""))
    try:
        dt.date.fromisoformat(date)
        if len(date) != 10:
            raise ValueError
    except ValueError:
        raise ScenarioError(f"{_rel(trig_path)}{_yaml_line(trig_path, 'trigger.date')}: trigger.date='{date}' "
                            f"is not a date in YYYY-MM-DD form") from None
    trigger["deaths"] = _sourced(trig_path, "trigger.deaths", trigger.get("deaths"), 0, 1e7)
    trigger["kind"] = _sourced(trig_path, "trigger.kind", trigger.get("kind"))
    if trigger["kind"] not in TRIGGER_KINDS:
        raise ScenarioError(f"{_rel(trig_path)}{_yaml_line(trig_path, 'trigger.kind')}: trigger.kind="
                            f"'{trigger['kind']}' must be one of {', '.join(TRIGGER_KINDS)}")
    nuclear = _sourced(origin["nuclear"], "nuclear", meta["nuclear"])
    if not isinstance(nuclear, bool):
        raise ScenarioError(f"{_rel(origin['nuclear'])}{_yaml_line(origin['nuclear'], 'nuclear')}: "
                            f"nuclear must be true or false")
    rates: dict[str, float] = {}
    given = meta["rates"] or {}
    rates_path = origin["rates"]
    for key in given:
        if key not in RATE_KEYS:
            raise ScenarioError(f"{_rel(rates_path)}{_yaml_line(rates_path, 'rates.' + key)}: rates.{key} is not "
                                f"a known rate (valid: {', '.join(RATE_KEYS)})")
    for key, (lo, hi) in RATE_KEYS.items():
        if key not in given:
            raise ScenarioError(f"{_rel(rates_path)}: missing rates.{key}")
        rates[key] = _sourced(rates_path, f"rates.{key}", given[key], lo, hi)
        sources[f"rates.{key}"] = given[key]["source"]
    conditions: dict[str, Any] = {}
    cond_path = origin["conditions"]
    given = meta["conditions"] or {}
    for key in given:
        if key not in CONDITION_KEYS:
            raise ScenarioError(f"{_rel(cond_path)}{_yaml_line(cond_path, 'conditions.' + key)}: conditions.{key} "
                                f"is not a known condition (valid: {', '.join(CONDITION_KEYS)})")
    for key, choices in CONDITION_KEYS.items():
        if key not in given:
            raise ScenarioError(f"{_rel(cond_path)}: missing conditions.{key}")
        value = _sourced(cond_path, f"conditions.{key}", given[key])
        if value not in choices or (isinstance(value, bool) != isinstance(choices[0], bool)):
            raise ScenarioError(f"{_rel(cond_path)}{_yaml_line(cond_path, 'conditions.' + key)}: "
                                f"conditions.{key}={value} must be one of {', '.join(map(str, choices))}")
        conditions[key] = value
        sources[f"conditions.{key}"] = given[key]["source"]
    observed = {k: _sourced(meta_path, f"observed.{k}", v) for k, v in (meta.get("observed") or {}).items()}

    # Actors
    order: list[str] = []
    attrs: dict[str, dict[str, tuple[Path, int, str, str]]] = {}
    for fpath, line, row in actor_rows:
        actor = row["actor"]
        if not actor:
            raise ScenarioError(f"{_rel(fpath)} line {line}: empty actor id")
        if actor not in attrs:
            order.append(actor)
            attrs[actor] = {}
        if row["key"] in attrs[actor] and attrs[actor][row["key"]][0] == fpath:
            raise ScenarioError(f"{_rel(fpath)} line {line}: {actor}.{row['key']} given twice")
        attrs[actor][row["key"]] = (fpath, line, row["value"], row["source"])
    present = meta.get("actors")
    if present is not None:
        if not isinstance(present, list) or not all(isinstance(a, str) for a in present):
            raise ScenarioError(f"{_rel(meta_path)}{_yaml_line(meta_path, 'actors')}: actors must be a list of ids")
        unknown = [a for a in present if a not in attrs]
        if unknown:
            raise ScenarioError(f"{_rel(meta_path)}{_yaml_line(meta_path, 'actors')}: unknown actor(s) "
                                f"{', '.join(unknown)} (actors in the files: {', '.join(order)})")
        order = [a for a in order if a in present]
        edge_rows = [x for x in edge_rows if x[2]["from"] in present and x[2]["to"] in present]
    roles = []
    for actor in order:
        a = attrs[actor]
        if "role" not in a:
            raise ScenarioError(f"actors.csv: actor {actor} has no 'role' row")
        fpath, line, role, _ = a["role"]
        if role not in ROLES:
            raise ScenarioError(f"{_rel(fpath)} line {line}: role '{role}' for {actor} must be one of {', '.join(ROLES)}")
        roles.append(role)
    bel = [i for i, r in enumerate(roles) if r == "belligerent"]
    tps = [i for i, r in enumerate(roles) if r == "third_party"]
    if len(bel) != 2:
        raise ScenarioError(f"{_rel(path / 'actors.csv')}: need exactly 2 belligerents, found {len(bel)} "
                            f"({', '.join(order[i] for i in bel) or 'none'})")

    def table(indices: list[int], keys: dict[str, tuple[float, float]]) -> dict[str, np.ndarray]:
        out = {k: np.zeros(len(indices)) for k in keys}
        for n, i in enumerate(indices):
            actor, a = order[i], attrs[order[i]]
            for key, (fpath, line, value, source) in a.items():
                if key in ("name", "role"):
                    continue
                if key not in keys:
                    raise ScenarioError(f"{_rel(fpath)} line {line}: '{key}' is not a {roles[i]} key "
                                        f"(valid: {', '.join(keys)})")
                if not source:
                    raise ScenarioError(f"{_rel(fpath)} line {line}: {actor}.{key} has no source")
                lo, hi = keys[key]
                out[key][n] = _number(fpath, line, f"{actor}.{key}", value, lo, hi)
                sources[f"{actor}.{key}"] = source
            for key in keys:
                if key not in a:
                    raise ScenarioError(f"{_rel(path / 'actors.csv')}: actor {actor} lacks '{key}'")
        return out

    bel_params = table(bel, BELLIGERENT_KEYS)
    tp_params = table(tps, THIRD_PARTY_KEYS)

    # Edges
    index = {a: i for i, a in enumerate(order)}
    n = len(order)
    mats = {k: np.zeros((n, n)) for k in EDGE_ATTRIBUTES}
    seen: set[tuple[str, str, str]] = set()
    for fpath, line, row in edge_rows:
        for end in ("from", "to"):
            if row[end] not in index:
                raise ScenarioError(f"{_rel(fpath)} line {line}: unknown actor '{row[end]}' "
                                    f"(actors: {', '.join(order)})")
        if row["from"] == row["to"]:
            raise ScenarioError(f"{_rel(fpath)} line {line}: an edge from {row['from']} to itself")
        attr = row["attribute"]
        if attr not in EDGE_ATTRIBUTES:
            raise ScenarioError(f"{_rel(fpath)} line {line}: attribute '{attr}' must be one of "
                                f"{', '.join(EDGE_ATTRIBUTES)}")
        if not row["source"]:
            raise ScenarioError(f"{_rel(fpath)} line {line}: {row['from']}->{row['to']} {attr} has no source")
        key = (row["from"], row["to"], attr)
        if key in seen:
            raise ScenarioError(f"{_rel(fpath)} line {line}: {row['from']}->{row['to']} {attr} given twice")
        seen.add(key)
        lo, hi = EDGE_ATTRIBUTES[attr]
        value = _number(fpath, line, attr, row["value"], lo, hi)
        i, j = index[row["from"]], index[row["to"]]
        mats[attr][i, j] = value
        sources[f"{row['from']}->{row['to']}.{attr}"] = row["source"]
        if attr == "affinity" and (row["to"], row["from"], attr) not in seen:
            mats[attr][j, i] = value  # affinity is symmetric unless both directions are given
    lev_total = mats["leverage_security"] + mats["leverage_economic"]
    if (lev_total > 1).any():
        i, j = np.argwhere(lev_total > 1)[0]
        raise ScenarioError(f"{_rel(path / 'edges.csv')}: leverage {order[i]}->{order[j]} sums to "
                            f"{lev_total[i, j]:.2f} > 1 (security + economic must lie in [0, 1])")

    victim = trigger.get("victim", "")
    if victim and victim not in [order[i] for i in bel]:
        raise ScenarioError(f"{_rel(trig_path)}{_yaml_line(trig_path, 'trigger.victim')}: trigger.victim "
                            f"'{victim}' is not a belligerent ({', '.join(order[i] for i in bel)})")
    names = tuple(attrs[a]["name"][2] if "name" in attrs[a] else a for a in order)
    return Scenario(
        name=str(meta.get("name", name)), title=str(meta.get("title", name)), path=path,
        actors=tuple(order), names=names, roles=tuple(roles), belligerents=(bel[0], bel[1]),
        third_parties=tuple(tps), belligerent_params=bel_params, third_party_params=tp_params,
        affinity=mats["affinity"], leverage_security=mats["leverage_security"],
        leverage_economic=mats["leverage_economic"], trigger=trigger, nuclear=nuclear, rates=rates,
        observed=observed, conditions=conditions, sources=sources,
    )


@lru_cache(maxsize=1)
def library_actor_ids() -> frozenset[str]:
    """Every actor id that some scenario of the library (``scenarios/``) names in its actors.csv."""


    ids: set[str] = set()
    for folder in SCENARIOS_DIR.iterdir():
        path = folder / "actors.csv"
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as fh:
                ids.update(row.get("actor", "") for row in csv.DictReader(fh))
    return frozenset(i for i in ids if i)


def list_scenarios() -> list[str]:
    """Names of the scenario folders under ``scenarios/``."""


    return sorted(p.name for p in SCENARIOS_DIR.iterdir() if (p / "scenario.yaml").is_file())

