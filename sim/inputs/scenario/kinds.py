"""The trigger kinds, read from data: ``scenarios/trigger_kinds.csv``, one row per kind.

Each row says what a kind of trigger does to the model, so that the model has one code path for
every kind (no per-kind branches): its ``severity`` (ICB's trigger typology, TRIGGR, mapped to a
1-4 scale by :data:`~sim.inputs.scenario.keys.ICB_TRIGGR_SEVERITY`), the starting rungs of the
victim and the opponent, whether its cause ``standing`` adds grievance day after day, whether the
victim starts with an ``answer_owed`` (an attack to answer by a strike) and whether the victim is
``defended_at_home`` (fights on its own side of the line, bearing a share of the nuclear danger).
The file is checked as strictly as a scenario: every error is one line naming the file, the line,
the column and what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sim.inputs.errors import ScenarioError
from sim.inputs.scenario.files import display_path, read_csv_rows
from sim.inputs.scenario.keys import ICB_TRIGGR_SEVERITY, TRIGGER_KIND_COLUMNS, TRIGGER_KINDS
from sim.inputs.schema import data_dir

#: The highest starting rung a kind may imply (a trigger is not a war on its first day).
MAX_RUNG0 = 2


@dataclass(frozen=True)
class TriggerKind:
    """One row of the kind table."""

    kind: str
    icb_triggr: int
    severity: int
    victim_rung0: int
    opponent_rung0: int
    standing: bool
    answer_owed: bool
    defended_at_home: bool
    description: str
    source: str


def kinds_path() -> Path:
    """Where the kind table lives: ``scenarios/trigger_kinds.csv`` of the data home."""
    return data_dir("scenarios") / "trigger_kinds.csv"


def _boolean(path: Path, line: int, column: str, text: str) -> bool:
    if text not in ("true", "false"):
        raise ScenarioError(f"{display_path(path)} line {line}: {column}='{text}' must be true or false")
    return text == "true"


def _whole(path: Path, line: int, column: str, text: str, valid: tuple[int, ...]) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value not in valid:
        raise ScenarioError(f"{display_path(path)} line {line}: {column}='{text}' must be one of "
                            f"{', '.join(map(str, valid))}")
    return value


def read_trigger_kinds(path: Path) -> dict[str, TriggerKind]:
    """Read and check a kind table: exactly one row per kind of :data:`TRIGGER_KINDS`."""
    out: dict[str, TriggerKind] = {}
    for line, row in read_csv_rows(path, TRIGGER_KIND_COLUMNS):
        kind = row["kind"]
        if kind not in TRIGGER_KINDS:
            raise ScenarioError(f"{display_path(path)} line {line}: kind='{kind}' is not a trigger kind "
                                f"(valid: {', '.join(TRIGGER_KINDS)})")
        if kind in out:
            raise ScenarioError(f"{display_path(path)} line {line}: kind '{kind}' given twice")
        triggr = _whole(path, line, "icb_triggr", row["icb_triggr"], tuple(ICB_TRIGGR_SEVERITY))
        severity = _whole(path, line, "severity", row["severity"], tuple(sorted(set(ICB_TRIGGR_SEVERITY.values()))))
        if severity != ICB_TRIGGR_SEVERITY[triggr]:
            raise ScenarioError(f"{display_path(path)} line {line}: severity={severity} does not match "
                                f"icb_triggr={triggr} (which maps to severity {ICB_TRIGGR_SEVERITY[triggr]})")
        rungs = tuple(range(MAX_RUNG0 + 1))
        victim = _whole(path, line, "victim_rung0", row["victim_rung0"], rungs)
        opponent = _whole(path, line, "opponent_rung0", row["opponent_rung0"], rungs)
        flags = {c: _boolean(path, line, c, row[c]) for c in ("standing", "answer_owed", "defended_at_home")}
        for column in ("description", "source"):
            if not row[column]:
                raise ScenarioError(f"{display_path(path)} line {line}: kind '{kind}' has no {column}")
        out[kind] = TriggerKind(kind, triggr, severity, victim, opponent, description=row["description"],
                                source=row["source"], **flags)
    missing = [k for k in TRIGGER_KINDS if k not in out]
    if missing:
        raise ScenarioError(f"{display_path(path)}: no row for kind(s) {', '.join(missing)} "
                            f"(one row per kind: {', '.join(TRIGGER_KINDS)})")
    return out


def trigger_kinds(path: str = "") -> dict[str, TriggerKind]:
    """The kind table of the data home (or of ``path``), read once per file."""
    return _cached(str(Path(path) if path else kinds_path()))


@lru_cache(maxsize=8)
def _cached(path: str) -> dict[str, TriggerKind]:
    return read_trigger_kinds(Path(path))
