"""The encoding of the record (docs/coding_rules.md): the eighteen presets, the one rule (an input may
use only what was known on the trigger day), the level maps, the coding file, the leakage audit."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.inputs.errors import ScenarioError
from sim.inputs.schema import SCENARIOS_DIR
from sim.inputs.scenario import load_scenario
from sim.inputs.scenario.coding import (
    CODING_COLUMNS,
    extract_coding,
    historical_presets,
    read_coding,
    write_coding,
)
from sim.inputs.scenario.keys import CODING_LEVELS, ENDINGS, KNOWN_STANDING, TRIGGER_KINDS
from sim.inputs.scenario.known import level_of, parse_known

ROOT = Path(__file__).resolve().parent.parent
RULES = (ROOT / "docs" / "coding_rules.md").read_text(encoding="utf-8")
#: The crises table of docs/coding_rules.md: preset -> trigger date.
CRISES = dict(re.findall(r"^\| (\w+_\d{4}) \| \d+ \| (\d{4}-\d\d-\d\d) \|$", RULES, flags=re.M))
DIPLOSIM = Path(sys.executable).with_name("diplosim")


def one_line(message: str) -> str:
    assert message.strip() and "\n" not in message.strip(), f"not one line: {message!r}"
    return message


def refused(folder: Path) -> str:
    load_scenario.cache_clear()
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder.name, str(folder))
    return one_line(str(info.value))


@pytest.fixture
def preset(tmp_path: Path, request) -> Path:
    """A fresh copy of pahalgam_2025 under a name of its own."""
    dest = tmp_path / re.sub(r"\W+", "_", request.node.name)
    shutil.copytree(SCENARIOS_DIR / "pahalgam_2025", dest)
    yield dest
    load_scenario.cache_clear()


def set_cell(path: Path, match: dict[str, str], column: str, value: str) -> int:
    """Set one cell of a CSV file in the row matching ``match``; return that row's line number."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    hit = [i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())]
    assert len(hit) == 1, (match, len(hit))
    rows[hit[0]][column] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return hit[0] + 2


def edit_yaml(folder: Path, edit) -> None:
    path = folder / "scenario.yaml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(meta)
    path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")


# ------------------------------------------------------------------------------ the presets
def test_the_presets_are_the_crises_of_the_coding_rules():
    assert len(CRISES) == 18
    assert sorted(historical_presets()) == sorted(CRISES)
    for name, date in CRISES.items():
        sc = load_scenario(name)
        assert sc.trigger["date"] == date, name
        assert (ROOT / "conf" / "scenario" / f"{name}.yaml").is_file(), f"{name} is not registered in conf/scenario"
        assert {"highest_rung", "duration_days", "ending"} <= set(sc.observed), name
        assert sc.observed["ending"] in ENDINGS, name
        assert sc.trigger["kind"] in TRIGGER_KINDS


def test_every_input_of_every_preset_is_dated_on_or_before_its_trigger():
    for name in historical_presets():
        sc = load_scenario(name)
        assert sc.entries, name
        for e in sc.entries:
            date = parse_known(e.known)
            if e.family:
                assert date is not None, f"{name} {e.name}: a coded input marked standing"
                level_of(e.family, e.value)  # on its level map
            if date is not None:
                assert date.isoformat() <= sc.trigger["date"], f"{name} {e.name} known {e.known}"


def test_the_conventions_are_the_same_in_every_preset():
    """Inputs not coded per crisis are set once for all presets (docs/coding_rules.md)."""
    seen: dict[str, tuple] = {}
    for name in historical_presets():
        for e in load_scenario(name).entries:
            if e.known == KNOWN_STANDING:
                seen.setdefault(e.name, (e.value, name))
                assert e.value == seen[e.name][0], f"{e.name}: {e.value} in {name}, {seen[e.name][0]} in {seen[e.name][1]}"


def test_the_listed_leaks_are_gone():
    def value(name, key):
        return next(e.value for e in load_scenario(name).entries if e.name == key)
    assert value("uri_2016", "IND.retaliation_norm") == 0.0  # the norm may not rest on Uri's own strike
    assert value("pulwama_2019", "IND.retaliation_norm") == 0.5 and value("pahalgam_2025", "IND.retaliation_norm") == 1.0
    assert value("pahalgam_2025", "conditions.indus_waters_treaty") == "in_force"  # abeyance came the day after
    for name in historical_presets():
        sc = load_scenario(name)
        assert not sc.third_party_params["public_mediation"].any(), f"{name}: no offer stood on a trigger day"
    assert value("kashmir_1965", "RUS.mediation") == 0.0  # Tashkent is how the crisis ended
    assert value("kashmir_1965", "CHN.backing") == 0.5  # declared support (1964), not the Sep 1965 ultimatum
    # The UK's mediation ended the Rann crisis (the old 2.0): its code rests on the 1951 precedent only
    assert value("rann_kutch_1965", "GBR.mediation") == 1.0
    assert value("kashmir_1965", "GBR.mediation") == 2.0  # ... and is a precedent for the next one
    assert not load_scenario("kashmir_1965").nuclear and load_scenario("kargil_1999").nuclear


def test_the_leakage_audit_names_every_listed_leak():
    with (SCENARIOS_DIR / "leakage_audit.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"preset", "input", "old_value", "old_basis", "concern", "action", "new_value"}
    audited = {(r["preset"], r["input"]) for r in rows}
    for key in [("uri_2016", "IND.retaliation_norm"), ("kargil_1999", "USA.attention"), ("twin_peaks_2001", "USA.attention"),
                ("kashmir_1965", "RUS.public_mediation"), ("kashmir_1965", "CHN.backing"), ("kaluchak_2002", "RUS.facilitation"),
                ("rann_kutch_1965", "GBR.mediation"), ("pahalgam_2025", "USA.public_mediation"),
                ("pahalgam_2025", "IRN.public_mediation"), ("pahalgam_2025", "conditions.indus_waters_treaty")]:
        assert key in audited, key
    assert all(r["concern"] and r["action"] for r in rows)


# ------------------------------------------------------------------------ the one rule
def test_an_input_known_after_the_trigger_is_refused_naming_file_line_key_and_dates(preset):
    line = set_cell(preset / "actors.csv", {"actor": "USA", "key": "attention"}, "known", "2025-05-11")
    message = refused(preset)
    for text in ("actors.csv", f"line {line}", "USA.attention", "2025-05-11", "2025-04-22",
                 "an input may use only what was known on the trigger day"):
        assert text in message, (text, message)


def test_a_scenario_yaml_entry_known_after_the_trigger_is_refused(preset):
    edit_yaml(preset, lambda m: m["conditions"]["indus_waters_treaty"].update(value="abeyance", known="2025-04-23"))
    message = refused(preset)
    for text in ("scenario.yaml", "line", "conditions.indus_waters_treaty", "2025-04-23", "2025-04-22"):
        assert text in message, (text, message)


def test_an_edge_known_after_the_trigger_is_refused(preset):
    line = set_cell(preset / "edges.csv", {"from": "USA", "to": "IND", "attribute": "affinity"}, "known", "2026-01-01")
    message = refused(preset)
    for text in ("edges.csv", f"line {line}", "affinity.USA-IND", "2026-01-01"):
        assert text in message, (text, message)


@pytest.mark.parametrize("known, expect", [("", "has no known date"), ("11/05/2025", "YYYY-MM-DD"),
                                           (KNOWN_STANDING, "coded input")])
def test_a_historical_preset_dates_every_coded_input(preset, known, expect):
    line = set_cell(preset / "actors.csv", {"actor": "CHN", "key": "backing"}, "known", known)
    message = refused(preset)
    assert "actors.csv" in message and f"line {line}" in message and "CHN.backing" in message and expect in message


def test_a_coded_value_off_its_level_map_is_refused(preset):
    line = set_cell(preset / "actors.csv", {"actor": "USA", "key": "attention"}, "value", "0.5")
    message = refused(preset)
    assert f"line {line}" in message and "USA.attention=0.5" in message and "level map" in message
    assert "0 -> 0.05" in message  # what is valid


def test_the_opponent_commitment_has_three_levels(preset):
    set_cell(preset / "actors.csv", {"actor": "PAK", "key": "commitment0"}, "value", "1.5")
    assert "PAK.commitment0" in refused(preset)


def test_a_scenario_without_an_observed_block_may_leave_inputs_undated(preset):
    edit_yaml(preset, lambda m: m.pop("observed"))
    set_cell(preset / "actors.csv", {"actor": "USA", "key": "attention"}, "known", "")
    set_cell(preset / "actors.csv", {"actor": "USA", "key": "pressure"}, "value", "0.7")  # off the map: not checked
    load_scenario.cache_clear()
    assert not load_scenario(preset.name, str(preset)).historical


def test_an_inherited_2025_value_cannot_leak_into_a_1965_preset(tmp_path):
    """A 1965 preset built on pahalgam_2025: its inherited rows are checked against 1965."""
    folder = tmp_path / "leaky_1965"
    folder.mkdir()
    base = os.path.relpath(SCENARIOS_DIR / "pahalgam_2025", folder)
    meta = {"base": base, "name": "leaky_1965", "title": "a 1965 preset built on the 2025 one",
            "trigger": {"date": "1965-08-05", "description": "test",
                        "victim": {"value": "IND", "source": "test", "known": "1965-08-05"},
                        "deaths": {"value": 0, "source": "test", "known": "1965-08-05"},
                        "kind": {"value": "incursion", "source": "test", "known": "1965-08-05"}},
            "observed": {"highest_rung": {"value": 4, "source": "test"}}}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    (folder / "actors.csv").write_text("actor,key,value,known,source\n", encoding="utf-8")
    (folder / "edges.csv").write_text("from,to,attribute,value,known,source\n", encoding="utf-8")
    message = refused(folder)
    assert "pahalgam_2025" in message and "1965-08-05" in message and "after the trigger date" in message


def test_the_command_line_refuses_a_late_input_with_exit_2_and_no_traceback(preset, tmp_path):
    assert DIPLOSIM.is_file(), f"the diplosim command is not installed at {DIPLOSIM}"
    set_cell(preset / "actors.csv", {"actor": "USA", "key": "attention"}, "known", "2025-05-11")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([str(DIPLOSIM), f"scenario.dir={preset}", "run.replicates=10", "run.days=5"], cwd=work,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("diplosim: error:"), proc.stderr
    assert "USA.attention" in lines[0] and "2025-05-11" in lines[0] and "2025-04-22" in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (work / "results").exists() or not any((work / "results").iterdir())


# ---------------------------------------------------------------------------- coding files
def test_the_coding_extracted_from_the_presets_round_trips(tmp_path):
    rows = extract_coding()
    assert {r["preset"] for r in rows} == set(CRISES)
    path = tmp_path / "first_encoding.csv"
    write_coding(path, rows)
    read = read_coding(path)
    assert len(read) == len(rows)
    by_preset = {name: {e.name: e for e in load_scenario(name).entries} for name in CRISES}
    for coded in read:
        entry = by_preset[coded.preset][coded.input]
        assert entry.family is not None
        assert level_of(entry.family, entry.value) == level_of(entry.family, coded.value)  # value matches the preset
        assert coded.known == entry.known and coded.source == entry.source
    # every preset codes the same inputs, save the UAE before it existed
    per = {}
    for r in rows:
        per.setdefault(r["preset"], set()).add(r["input"])
    assert per["pahalgam_2025"] - per["kashmir_1965"] == {i for i in per["pahalgam_2025"] if "ARE" in i}


def _coding_file(tmp_path: Path, **change: str) -> tuple[Path, int]:
    rows = extract_coding(["kargil_1999"])
    i = next(k for k, r in enumerate(rows) if r["input"] == "USA.attention")
    rows[i] = {**rows[i], **change}
    path = tmp_path / "second_coder.csv"
    write_coding(path, rows)
    return path, i + 2


@pytest.mark.parametrize("change, expect", [
    ({"preset": "kargil_2000"}, "not a historical preset"),
    ({"input": "USA.atention"}, "not a coded input"),
    ({"code": "5"}, "not a level"),
    ({"value": "0.5"}, "not the value of code"),
    ({"known": "1999-06-01"}, "after kargil_1999's trigger date 1999-05-09"),
    ({"known": "standing"}, "needs a date"),
    ({"source": ""}, "no source"),
])
def test_a_bad_coding_file_is_refused_in_one_line(tmp_path, change, expect):
    path, line = _coding_file(tmp_path, **change)
    with pytest.raises(ScenarioError) as info:
        read_coding(path)
    message = one_line(str(info.value))
    assert "second_coder.csv" in message and f"line {line}" in message and expect in message, message


def test_a_coding_file_needs_its_columns(tmp_path):
    path = tmp_path / "second_coder.csv"
    path.write_text("preset,input,code,value,source\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing column"):
        read_coding(path)


def test_the_level_maps_are_declared_once_and_cover_the_rules():
    for family in ("third_party.attention", "third_party.pressure", "third_party.facilitation", "third_party.mediation",
                   "third_party.backing", "edge.affinity", "edge.leverage_security", "belligerent.commitment0"):
        assert family in CODING_LEVELS
    assert CODING_COLUMNS == ("preset", "input", "code", "value", "known", "source")
