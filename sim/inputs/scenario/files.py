"""Reading a scenario folder: its files, its ``base:`` chain, and the line of every entry.

A scenario folder holds ``scenario.yaml``, ``actors.csv`` and ``edges.csv``; a scenario may name a
``base:`` folder and restate only what differs (:func:`read_folder` merges them, and records the
file each entry came from). Every error names the file and, where it can, the line. Every input
records when it was known: ``known`` in a ``{value, source, known}`` entry of scenario.yaml, a
``known`` column in the CSV files (:mod:`sim.inputs.scenario.known` checks the dates).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.inputs.errors import ScenarioError
from sim.inputs.schema import data_dir


def display_path(path: Path) -> str:
    """A path as an error message shows it: relative to the working folder where it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_csv_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with the given columns, each with its line number (stripped strings)."""
    if not path.is_file():
        raise ScenarioError(f"{display_path(path)}: file not found")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise ScenarioError(f"{display_path(path)} line 1: missing column(s) {', '.join(missing)} "
                                    f"(expected {','.join(columns)})")
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise ScenarioError(f"{display_path(path)} line {reader.line_num}: wrong number of fields "
                                        f"(expected {len(header)}: {','.join(header)})")
                rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
            return rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(f"{display_path(path)}: cannot read as CSV ({exc})") from None


def read_number(path: Path, line: int, what: str, text: str, lo: float, hi: float) -> float:
    """A number of a CSV cell, checked against its range [lo, hi]."""
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{display_path(path)} line {line}: {what}='{text}' is not a number") from None
    if not np.isfinite(value) or not lo <= value <= hi:
        raise ScenarioError(f"{display_path(path)} line {line}: {what}={text} is out of range [{lo:g}, {hi:g}]")
    return value


def yaml_line(path: Path, where: str) -> str:
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


def read_sourced(path: Path, where: str, node: Any, lo: float | None = None, hi: float | None = None) -> Any:
    """Read a ``{value, source}`` entry of scenario.yaml, checking the source and the range."""
    here = f"{display_path(path)}{yaml_line(path, where)}"
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
    path = Path(directory) if directory else data_dir("scenarios") / name
    if not path.is_dir():
        known = list_scenarios()
        raise ScenarioError(f"scenario '{name}': no folder {display_path(path)} (available: {', '.join(known)})")
    return path


def read_yaml(meta_path: Path) -> dict[str, Any]:
    """The mapping of a scenario.yaml, or a ScenarioError naming the file and line."""
    if not meta_path.is_file():
        raise ScenarioError(f"{display_path(meta_path)}: file not found")
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ScenarioError(f"{display_path(meta_path)}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(meta, dict):
        raise ScenarioError(f"{display_path(meta_path)}: expected a mapping of keys")
    return meta


def merge_sections(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A child scenario's metadata over its base's (a ``{value, source}`` entry replaces whole)."""
    out = dict(base)
    for k, v in child.items():
        out[k] = merge_sections(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) and "value" not in v else v
    return out


ACTOR_COLUMNS = ("actor", "key", "value", "known", "source")
EDGE_COLUMNS = ("from", "to", "attribute", "value", "known", "source")


def entry_origins(meta: Any, path: Path, prefix: str = "") -> dict[str, Path]:
    """The file of every entry of a metadata mapping, by dotted key (sections and entries)."""
    out: dict[str, Path] = {}
    if isinstance(meta, dict):
        for k, v in meta.items():
            key = f"{prefix}{k}"
            out[key] = path
            if isinstance(v, dict) and "value" not in v:
                out.update(entry_origins(v, path, key + "."))
    return out


def read_folder(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, Path], list, list]:
    """Read a scenario folder, following ``base:``. Returns the merged metadata, the file each
    metadata section and entry came from (by dotted key), and the actor and edge rows as
    (file, line, row)."""
    meta_path = path / "scenario.yaml"
    meta = read_yaml(meta_path)
    actor_rows = [(path / "actors.csv", line, row) for line, row in read_csv_rows(path / "actors.csv", ACTOR_COLUMNS)]
    edge_rows = [(path / "edges.csv", line, row) for line, row in read_csv_rows(path / "edges.csv", EDGE_COLUMNS)]
    origin = entry_origins(meta, meta_path)
    if "base" not in meta:
        return meta, origin, actor_rows, edge_rows
    base_path = (path / str(meta["base"])).resolve()
    if not (base_path / "scenario.yaml").is_file():
        raise ScenarioError(f"{display_path(meta_path)}{yaml_line(meta_path, 'base')}: base '{meta['base']}' is not a "
                            f"scenario folder (write a path relative to this folder, e.g. ../pahalgam_2025)")
    if base_path in seen:
        raise ScenarioError(f"{display_path(meta_path)}: base scenarios form a cycle")
    bmeta, borigin, bactors, bedges = read_folder(base_path, (*seen, path.resolve()))
    bmeta = {k: v for k, v in bmeta.items() if k not in ("observed", "base")}  # never inherited
    merged = merge_sections(bmeta, {k: v for k, v in meta.items() if k != "base"})
    own = {k: v for k, v in origin.items() if k != "base"}
    origin = {**{k: v for k, v in borigin.items() if k.split(".")[0] in bmeta}, **own}
    own_actor_keys = {(r["actor"], r["key"]) for _, _, r in actor_rows}
    own_edge_keys = {(r["from"], r["to"], r["attribute"]) for _, _, r in edge_rows}
    actors = [x for x in bactors if (x[2]["actor"], x[2]["key"]) not in own_actor_keys] + actor_rows
    edges = [x for x in bedges if (x[2]["from"], x[2]["to"], x[2]["attribute"]) not in own_edge_keys] + edge_rows
    return merged, origin, actors, edges


@lru_cache(maxsize=1)
def library_actor_ids() -> frozenset[str]:
    """Every actor id that some scenario of the library (``scenarios/``) names in its actors.csv."""
    ids: set[str] = set()
    for folder in data_dir("scenarios").iterdir():
        path = folder / "actors.csv"
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as fh:
                ids.update(row.get("actor", "") for row in csv.DictReader(fh))
    return frozenset(i for i in ids if i)


def list_scenarios() -> list[str]:
    """Names of the scenario folders under ``scenarios/``."""
    return sorted(p.name for p in data_dir("scenarios").iterdir() if (p / "scenario.yaml").is_file())
