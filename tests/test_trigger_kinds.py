"""The trigger kinds as data (scenarios/trigger_kinds.csv): the table is checked as strictly as a
scenario file, and its columns drive the model (metamorphic tests on severity and standing causes)."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.core.model import CrisisModel
from sim.inputs.errors import ScenarioError
from sim.inputs.resolve import build_inputs
from sim.inputs.scenario.keys import ICB_TRIGGR_SEVERITY, TRIGGER_KINDS
from sim.inputs.scenario.kinds import kinds_path, read_trigger_kinds, trigger_kinds

R = 2000
DAYS = 150


def test_the_table_has_one_row_per_kind_with_its_icb_severity():
    kinds = trigger_kinds()
    assert tuple(kinds) == TRIGGER_KINDS or set(kinds) == set(TRIGGER_KINDS)
    for k in kinds.values():
        assert k.severity == ICB_TRIGGR_SEVERITY[k.icb_triggr]
        assert k.description and k.source
    assert (kinds["mobilisation"].victim_rung0, kinds["mobilisation"].opponent_rung0) == (0, 1)
    assert (kinds["incursion"].victim_rung0, kinds["incursion"].opponent_rung0) == (0, 2)
    assert (kinds["clash"].victim_rung0, kinds["clash"].opponent_rung0) == (2, 2)
    assert {k.kind for k in kinds.values() if k.standing} == {"incursion", "insurgency", "civil_war"}
    assert {k.kind for k in kinds.values() if k.answer_owed} == {"attack"}
    assert {k.kind for k in kinds.values() if k.defended_at_home} == {"incursion"}


def _broken(tmp_path: Path, kind: str, column: str, value: str) -> tuple[Path, int]:
    src = kinds_path()
    with src.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    i = next(n for n, r in enumerate(rows) if r["kind"] == kind)
    rows[i][column] = value
    path = tmp_path / "trigger_kinds.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path, i + 2


@pytest.mark.parametrize("kind, column, value, expect", [
    ("attack", "kind", "raid", "kind='raid' is not a trigger kind (valid: attack, incursion"),
    ("attack", "kind", "clash", "kind 'clash' given twice"),
    ("attack", "severity", "4", "does not match icb_triggr=8"),
    ("attack", "severity", "high", "severity='high' must be one of 1, 2, 3, 4"),
    ("attack", "icb_triggr", "5", "icb_triggr='5' must be one of 2, 7, 8, 9"),
    ("clash", "victim_rung0", "3", "victim_rung0='3' must be one of 0, 1, 2"),
    ("clash", "opponent_rung0", "-1", "opponent_rung0='-1' must be one of 0, 1, 2"),
    ("incursion", "standing", "yes", "standing='yes' must be true or false"),
    ("attack", "answer_owed", "", "answer_owed='' must be true or false"),
    ("mobilisation", "source", "", "kind 'mobilisation' has no source"),
])
def test_a_bad_kind_table_is_refused_naming_file_line_and_column(tmp_path, kind, column, value, expect):
    path, line = _broken(tmp_path, kind, column, value)
    with pytest.raises(ScenarioError) as info:
        read_trigger_kinds(path)
    message = str(info.value)
    assert "\n" not in message and "trigger_kinds.csv" in message and expect in message, message
    if "given twice" not in expect:
        assert re.search(rf"\bline {line}\b", message), message


def test_a_kind_table_lacking_a_kind_or_a_column_is_refused(tmp_path):
    lines = kinds_path().read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "trigger_kinds.csv"
    path.write_text("".join(ln for ln in lines if not ln.startswith("accession,")), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"trigger_kinds.csv: no row for kind\(s\) accession"):
        read_trigger_kinds(path)
    path.write_text(lines[0].replace(",standing", "") + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(ScenarioError, match="line 1: missing column"):
        read_trigger_kinds(path)


# ------------------------------------------------------------------------ metamorphic tests
def _model(scenario: str, **kind: object) -> CrisisModel:
    """The preset with its kind's row changed, run to the horizon at a fixed seed."""
    inp = build_inputs(sim.compose_config([f"scenario={scenario}", f"run.days={DAYS}"]))
    sc = inp.scenario
    sc = dataclasses.replace(sc, trigger_kind=dataclasses.replace(sc.trigger_kind, **kind))
    m = CrisisModel(dataclasses.replace(inp, scenario=sc), replicates=R, seed=17)
    m.grievance_day0 = m.grievance.copy()
    while m.running:
        m.step()
    return m


@pytest.mark.parametrize("scenario", ["junagadh_1947", "punjab_1951", "twin_peaks_2001"])
def test_more_severity_never_gives_less_escalation_or_grievance(scenario):
    # The victim's own escalation: in punjab_1951 the mobiliser starts at rung 1, so P(either side
    # at rung >= 1) is 1 whatever the severity; the victim's P(rung >= 1) is what severity moves.
    runs = [_model(scenario, severity=s) for s in (1, 2, 3, 4)]
    victim = runs[0].victim_slot
    vid = runs[0].inputs.scenario.belligerent_ids[victim]
    start = [m.grievance_day0[:, victim].mean() for m in runs]
    active = [(np.asarray(m.outcomes()[f"highest_rung_{vid}"]) >= 1).mean() for m in runs]
    assert all(b > a for a, b in zip(start, start[1:])), start
    assert all(b >= a for a, b in zip(active, active[1:])), active
    assert active[-1] > active[0], active  # and it matters


@pytest.mark.parametrize("scenario", ["kashmir_1990", "kargil_1999", "bangladesh_1971"])
def test_a_standing_cause_never_gives_less_fighting(scenario):
    """Same worlds (common random numbers); the standing cause only adds grievance to the victim.

    Not monotone, by a named reason: the crisis's *duration* (days to the last day at rung >= 2).
    A standing cause drives the victim from clashes into strikes and war (kashmir_1990: P(war)
    ≈0.03 without, ≈0.85 with, at the fitted grievance_from_standing_cause), and a war's daily
    costs and casualties end it in a ceasefire sooner than a standoff at rung 2 fades (after 1998,
    nuclear use also ends a replicate), so the mean duration falls (kashmir_1990 ≈87 → 66 days,
    kargil_1999 ≈56 → 25). What the cause cannot do is make the fighting less: the highest rung
    and the days at rung >= 3 never fall, nor does P(war).
    """
    a, b = _model(scenario, standing=False).outcomes(), _model(scenario, standing=True).outcomes()
    for column in ("highest_rung", "kinetic_days"):
        lo, hi = np.asarray(a[column], dtype=float).mean(), np.asarray(b[column], dtype=float).mean()
        assert hi >= lo, (column, hi, lo)
    assert np.asarray(b["war"]).mean() >= np.asarray(a["war"]).mean()


def test_the_kind_drives_the_starting_rungs_and_the_answer_owed():
    for kind in TRIGGER_KINDS:
        k = trigger_kinds()[kind]
        m = _model("twin_peaks_2001", kind=kind, victim_rung0=k.victim_rung0, opponent_rung0=k.opponent_rung0,
                   answer_owed=k.answer_owed, standing=k.standing, defended_at_home=k.defended_at_home)
        assert m.standing_cause == float(k.standing) and m.cause_rung == k.opponent_rung0
