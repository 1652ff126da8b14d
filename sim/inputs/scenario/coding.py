"""Coding files: the long table of coded inputs of docs/coding_rules.md, extracted and read.

A coding is one CSV, one row per (preset, input): ``preset,input,code,value,known,source``.
``code`` is the level of the rules, ``value`` the model value it stands for (the maps are
declared once, :data:`~sim.inputs.scenario.keys.CODING_LEVELS`), ``known`` the date of the fact it
rests on. The first encoding is the presets themselves (:func:`extract_coding`); a second coder's
file (``scenarios/codings/second_coder.csv``) is read by :func:`read_coding`, which refuses, in one
line naming the file, the line and the column, an unknown preset or input, a code off its map, a
value that is not the code's, or a date after the preset's trigger.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.inputs.errors import ScenarioError
from sim.inputs.scenario.files import display_path, list_scenarios, read_csv_rows
from sim.inputs.scenario.keys import CODING_LEVELS, TRIGGER_KINDS
from sim.inputs.scenario.known import RULE, family_of, level_of, parse_known, valid_values, value_of
from sim.inputs.scenario.load import Scenario, load_scenario

CODING_COLUMNS = ("preset", "input", "code", "value", "known", "source")


@dataclass(frozen=True)
class CodedInput:
    """One row of a coding file, checked."""

    preset: str
    input: str
    code: Any
    value: Any
    known: str
    source: str


def historical_presets() -> list[str]:
    """The presets with an observed outcome (the crises of docs/coding_rules.md), in order of trigger date."""
    found = [(str(sc.trigger["date"]), sc.name) for sc in map(load_scenario, list_scenarios()) if sc.observed]
    return [name for _, name in sorted(found)]


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def coding_rows(sc: Scenario) -> list[dict[str, str]]:
    """The coded inputs of one loaded preset, as rows of a coding file (file order)."""
    rows = []
    for e in sc.entries:
        if e.family is None:
            continue
        rows.append({"preset": sc.name, "input": e.name, "code": _text(level_of(e.family, e.value)),
                     "value": _text(e.value), "known": e.known, "source": e.source})
    return rows


def extract_coding(presets: list[str] | None = None) -> list[dict[str, str]]:
    """The first encoding: every coded input of every historical preset (or of ``presets``)."""
    return [row for name in (presets or historical_presets()) for row in coding_rows(load_scenario(name))]


def write_coding(path: Path, rows: list[dict[str, str]]) -> None:
    """Write a coding file (the columns of :data:`CODING_COLUMNS`)."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(CODING_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def input_family(sc: Scenario, name: str) -> str | None:
    """The coding family of an input name of a coding file for this preset, or ``None`` if it names
    no coded input of it (``trigger.kind``, ``IND.commitment0``, ``USA.attention``, ``affinity.USA-IND``)."""
    if name in CODING_LEVELS and "." in name or name == "nuclear":
        return family_of("meta", name)
    roles = dict(zip(sc.actors, sc.roles))
    head, _, tail = name.partition(".")
    if head in roles:
        return family_of(roles[head], tail)
    if head in ("affinity", "leverage_security") and tail.count("-") == 1:
        ends = tuple(tail.split("-"))
        if all(e in roles for e in ends):
            return family_of("edge", head, ends, roles)  # type: ignore[arg-type]
    return None


def _parse(family: str, text: str) -> Any:
    """A code or value as written in a coding file, in the type of its family's map."""
    kind, levels = CODING_LEVELS[family]
    sample = next(iter(levels)) if levels else 0
    if isinstance(sample, bool) or (levels and isinstance(next(iter(levels.values())), bool)):
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if isinstance(sample, str):
        return text
    number = float(text)
    return int(number) if number == int(number) and levels is not None and isinstance(sample, int) else number


def read_coding(path: Path) -> list[CodedInput]:
    """Read and check a coding file against the presets and the rules' level maps."""
    path = Path(path)
    known_presets = historical_presets()
    out: list[CodedInput] = []
    seen: set[tuple[str, str]] = set()
    for line, row in read_csv_rows(path, CODING_COLUMNS):
        where = f"{display_path(path)} line {line}"
        preset, name = row["preset"], row["input"]
        if preset not in known_presets:
            raise ScenarioError(f"{where}: preset='{preset}' is not a historical preset (valid: {', '.join(known_presets)})")
        sc = load_scenario(preset)
        family = input_family(sc, name)
        if family is None:
            raise ScenarioError(f"{where}: input='{name}' is not a coded input of {preset} (docs/coding_rules.md: e.g. "
                                f"trigger.kind, conditions.hotline, IND.commitment0, USA.attention, affinity.USA-IND)")
        if (preset, name) in seen:
            raise ScenarioError(f"{where}: {preset} {name} given twice")
        seen.add((preset, name))
        try:
            code = _parse(family, row["code"])
            value = value_of(family, code)
        except ValueError:
            valid = ", ".join(TRIGGER_KINDS) if family == "trigger.kind" else valid_values(family)
            raise ScenarioError(f"{where}: code='{row['code']}' of {name} is not a level of its map "
                                f"(valid: {valid})") from None
        try:
            written = _parse(family, row["value"])
            if level_of(family, written) != level_of(family, value):
                raise ValueError
        except ValueError:
            raise ScenarioError(f"{where}: value='{row['value']}' of {name} is not the value of code {row['code']} "
                                f"({_text(value)}; valid: {valid_values(family)})") from None
        try:
            date = parse_known(row["known"])
        except ValueError:
            raise ScenarioError(f"{where}: known='{row['known']}' of {name} is not a date in YYYY-MM-DD form") from None
        trigger = str(sc.trigger["date"])
        if date is None:
            raise ScenarioError(f"{where}: known='standing' of {name}: a coded input needs a date on or before "
                                f"the trigger date {trigger}")
        if date > dt.date.fromisoformat(trigger):
            raise ScenarioError(f"{where}: {name} known {row['known']} is after {preset}'s trigger date {trigger} "
                                f"({RULE})")
        if not row["source"]:
            raise ScenarioError(f"{where}: {name} has no source")
        out.append(CodedInput(preset, name, code, value, row["known"], row["source"]))
    return out
