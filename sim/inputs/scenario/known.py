"""When each input was known, and the level each coded input stands for.

The one rule of docs/coding_rules.md: *an input may use only what was public on or before the
crisis's trigger day.* Every input of a scenario is an :class:`Entry` that records ``known``, the
date (YYYY-MM-DD) of the earliest public fact it rests on, or ``standing`` for a convention of the
model or a timeless fact (geography) that no crisis changes. :func:`check_entries` refuses, in one
line naming the file, the line, the key, the date and the trigger date, a date after the trigger
(inherited values too: they are checked against the *derived* scenario's trigger date). A
historical preset (one with an ``observed`` block) must date every input, and every coded input
(:data:`~sim.inputs.scenario.keys.CODING_LEVELS`) must hold a date, not ``standing``, and a value
on its level map; :func:`level_of` recovers the level from the value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sim.inputs.errors import ScenarioError
from sim.inputs.scenario.keys import CODING_LEVELS, KNOWN_STANDING, OPPONENT_COMMITMENT_MAX

RULE = "an input may use only what was known on the trigger day"


@dataclass(frozen=True)
class Entry:
    """One input of a scenario, as written: its name in a coding file, its coding family (``None``
    for a convention), its value, when it was known, its source and where it was written."""

    name: str
    family: str | None
    value: Any
    known: str
    source: str
    where: str


def family_of(kind: str, key: str, ends: tuple[str, str] = ("", ""), roles: dict[str, str] | None = None) -> str | None:
    """The coding family of an input, or ``None`` if it is not coded per crisis.

    ``kind`` is ``meta`` (a scenario.yaml entry, ``key`` its dotted name), ``belligerent``,
    ``third_party`` (an actor key) or ``edge`` (``key`` the attribute, ``ends`` its two actors,
    coded only from a third party to a belligerent)."""
    if kind == "meta":
        return key if key in CODING_LEVELS else None
    if kind == "edge":
        roles = roles or {}
        if roles.get(ends[0]) != "third_party" or roles.get(ends[1]) != "belligerent":
            return None
    family = f"{kind}.{key}"
    return family if family in CODING_LEVELS else None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def level_of(family: str, value: Any) -> Any:
    """The level (code) a value stands for on its family's map; ``ValueError`` if it is on none."""
    kind, levels = CODING_LEVELS[family]
    if levels is None:  # interval: a count
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or float(value) != int(value):
            raise ValueError(f"{value} is not a whole count >= 0")
        return int(value)
    for code, v in levels.items():
        if _same(value, v):
            return code
    raise ValueError(f"{value} is not on the level map ({valid_values(family)})")


def value_of(family: str, code: Any) -> Any:
    """The model value a level stands for; ``ValueError`` if the level is not one of the family's."""
    kind, levels = CODING_LEVELS[family]
    if levels is None:
        return level_of(family, code)
    for level, v in levels.items():
        if _same(level, code):
            return v
    raise ValueError(f"level {code!r} is not one of {', '.join(map(str, levels))}")


def valid_values(family: str) -> str:
    """The valid values of a family, as an error message lists them."""
    kind, levels = CODING_LEVELS[family]
    if levels is None:
        return "a whole count >= 0"
    return ", ".join(f"{c} -> {v}" if not _same(c, v) else str(v) for c, v in levels.items())


def parse_known(text: str) -> dt.date | None:
    """The date of a ``known`` mark (``None`` for ``standing``); ``ValueError`` if neither."""
    if text == KNOWN_STANDING:
        return None
    if len(text) != 10:
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def check_entries(entries: list[Entry], trigger_date: str, historical: bool, opponent: str = "") -> None:
    """Refuse an input known after the trigger, an undated input of a historical preset, a coded
    input marked ``standing``, or a coded value off its level map (historical presets)."""
    trigger = dt.date.fromisoformat(trigger_date)
    for e in entries:
        if not e.known:
            if historical:
                raise ScenarioError(f"{e.where}: {e.name} has no known date (a historical preset dates every input: "
                                    f"YYYY-MM-DD on or before the trigger date {trigger_date}, or "
                                    f"'{KNOWN_STANDING}' for a convention; {RULE})")
            continue
        try:
            date = parse_known(e.known)
        except ValueError:
            raise ScenarioError(f"{e.where}: {e.name} known='{e.known}' is not a date in YYYY-MM-DD form "
                                f"or '{KNOWN_STANDING}'") from None
        if date is None:
            if e.family and historical:
                raise ScenarioError(f"{e.where}: {e.name} is a coded input (docs/coding_rules.md) and needs a known "
                                    f"date, not '{KNOWN_STANDING}' (trigger date {trigger_date})")
        elif date > trigger:
            raise ScenarioError(f"{e.where}: {e.name} known {e.known} is after the trigger date {trigger_date} "
                                f"({RULE})")
        if e.family and historical:
            try:
                code = level_of(e.family, e.value)
            except ValueError:
                raise ScenarioError(f"{e.where}: {e.name}={e.value} is not on its level map "
                                    f"(valid: {valid_values(e.family)}; docs/coding_rules.md)") from None
            if (e.family == "belligerent.commitment0" and e.name.split(".")[0] == opponent
                    and code > OPPONENT_COMMITMENT_MAX):
                raise ScenarioError(f"{e.where}: {e.name}={e.value} is the opponent's commitment: level at most "
                                    f"{OPPONENT_COMMITMENT_MAX} (valid: 0.0, 0.5, 1.0; docs/coding_rules.md)")
