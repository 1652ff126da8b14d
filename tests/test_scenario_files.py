"""Scenario files: every malformed file is refused naming the file (and the line, for CSV); an
actor is added by data alone.

Each broken scenario is a copy of scenarios/pahalgam_2025 in tmp_path with one thing changed.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.inputs.schema import SCENARIOS_DIR
from sim.runs.ensemble import run_ensemble
from sim.inputs.errors import ScenarioError
from sim.inputs.scenario import THIRD_PARTY_KEYS, load_scenario

SOURCE = SCENARIOS_DIR / "pahalgam_2025"


@pytest.fixture
def scenario(tmp_path: Path, request) -> Path:
    """A fresh copy of pahalgam_2025 under a name of its own (load_scenario caches by name)."""
    load_scenario.cache_clear()
    dest = tmp_path / re.sub(r"\W+", "_", request.node.name)
    shutil.copytree(SOURCE, dest)
    yield dest
    load_scenario.cache_clear()


def load(folder: Path):
    return load_scenario(folder.name, str(folder))


def replace_line(path: Path, prefix: str, new: str) -> int:
    """Replace the one line of ``path`` starting with ``prefix``; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, ln in enumerate(lines) if ln.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r} matches {len(hits)} lines of {path}"
    lines[hits[0]] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return hits[0] + 1


def edit_yaml(folder: Path, edit) -> None:
    path = folder / "scenario.yaml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(meta)
    path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")


def refused(folder: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load(folder)
    message = str(info.value)
    assert message.strip() and "\n" not in message.strip(), f"not one line: {message!r}"
    return message


def assert_names(message: str, filename: str, line: int | None = None, *also: str) -> None:
    assert filename in message, f"{filename} not named in {message!r}"
    if line is not None:
        assert re.search(rf"\bline {line}\b", message), f"line {line} not named in {message!r}"
    for text in also:
        assert text in message, f"{text!r} not in {message!r}"


def test_the_unchanged_copy_loads(scenario):
    sc = load(scenario)
    assert sc.belligerent_ids == ("IND", "PAK")
    assert {"USA", "CHN"} <= set(sc.third_party_ids)


# ----------------------------------------------------------------------------- actors.csv
def test_empty_source_cell_in_actors_csv(scenario):
    line = replace_line(scenario / "actors.csv", "USA,pressure,", "USA,pressure,2.0,2025-04-01,")
    assert_names(refused(scenario), "actors.csv", line, "USA.pressure", "source")


def test_blank_source_cell_in_actors_csv(scenario):
    line = replace_line(scenario / "actors.csv", "USA,attention,", 'USA,attention,0.5,2025-04-01,"   "')
    assert_names(refused(scenario), "actors.csv", line, "USA.attention", "source")


def test_non_number_in_actors_csv(scenario):
    line = replace_line(scenario / "actors.csv", "USA,attention,", "USA,attention,lots,2025-04-01,test source")
    assert_names(refused(scenario), "actors.csv", line, "USA.attention", "lots")


def test_value_out_of_range_in_actors_csv(scenario):
    line = replace_line(scenario / "actors.csv", "USA,attention,", "USA,attention,1.5,2025-04-01,test source")
    assert_names(refused(scenario), "actors.csv", line, "USA.attention")


def test_too_many_fields_in_actors_csv(scenario):
    line = replace_line(scenario / "actors.csv", "USA,attention,", "USA,attention,0.5,2025-04-01,test source,extra")
    assert_names(refused(scenario), "actors.csv", line, "number of fields")


def test_unknown_actor_key_in_actors_csv(scenario):
    line = replace_line(scenario / "actors.csv", "USA,attention,", "USA,atention,0.5,2025-04-01,test source")
    assert_names(refused(scenario), "actors.csv", line, "atention")


def test_actor_lacking_a_key(scenario):
    path = scenario / "actors.csv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines(keepends=True)
             if not ln.startswith("USA,attention,")]
    path.write_text("".join(lines), encoding="utf-8")
    assert_names(refused(scenario), "actors.csv", None, "USA", "attention")


# ------------------------------------------------------------------------------ edges.csv
def test_unknown_actor_in_edges_csv(scenario):
    line = replace_line(scenario / "edges.csv", "USA,PAK,affinity,", "XYZ,PAK,affinity,0.4,2025-04-01,test source")
    assert_names(refused(scenario), "edges.csv", line, "XYZ")


def test_affinity_out_of_range(scenario):
    line = replace_line(scenario / "edges.csv", "IND,PAK,affinity,", "IND,PAK,affinity,1.5,standing,test source")
    assert_names(refused(scenario), "edges.csv", line, "affinity", "1.5")


def test_leverage_out_of_range(scenario):
    line = replace_line(scenario / "edges.csv", "USA,IND,leverage_security,",
                        "USA,IND,leverage_security,-0.1,2025-04-01,test source")
    assert_names(refused(scenario), "edges.csv", line, "leverage_security", "-0.1")


def test_empty_source_cell_in_edges_csv(scenario):
    line = replace_line(scenario / "edges.csv", "IND,PAK,affinity,", "IND,PAK,affinity,-0.8,standing,")
    assert_names(refused(scenario), "edges.csv", line, "source")


def test_too_few_fields_in_edges_csv(scenario):
    line = replace_line(scenario / "edges.csv", "USA,IND,leverage_security,", "USA,IND,leverage_security,0.14,2025-04-01")
    assert_names(refused(scenario), "edges.csv", line, "number of fields")


def test_non_number_in_edges_csv(scenario):
    line = replace_line(scenario / "edges.csv", "IND,PAK,affinity,", "IND,PAK,affinity,very low,standing,test source")
    assert_names(refused(scenario), "edges.csv", line, "very low")


@pytest.mark.parametrize("filename, column", [("edges.csv", "source"), ("actors.csv", "value")])
def test_missing_column(scenario, filename, column):
    path = scenario / filename
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fieldnames = [c for c in reader.fieldnames if c != column]
        rows = [{k: v for k, v in r.items() if k != column} for r in reader]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    assert_names(refused(scenario), filename, 1, column)


@pytest.mark.parametrize("filename", ["actors.csv", "edges.csv", "scenario.yaml"])
def test_missing_file(scenario, filename):
    (scenario / filename).unlink()
    assert_names(refused(scenario), filename, None, "not found")


# -------------------------------------------------------------------------- scenario.yaml
def test_numeric_entry_without_source(scenario):
    edit_yaml(scenario, lambda m: m["rates"]["attack_rate_per_year"].pop("source"))
    assert_names(refused(scenario), "scenario.yaml", None, "rates.attack_rate_per_year", "source")


def test_numeric_entry_with_empty_source(scenario):
    edit_yaml(scenario, lambda m: m["trigger"]["deaths"].update(source=""))
    assert_names(refused(scenario), "scenario.yaml", None, "trigger.deaths", "source")


def test_bare_number_without_source(scenario):
    edit_yaml(scenario, lambda m: m["rates"].update(cbm_cfv_multiplier=0.05))
    assert_names(refused(scenario), "scenario.yaml", None, "rates.cbm_cfv_multiplier", "source")


def test_rate_out_of_range(scenario):
    edit_yaml(scenario, lambda m: m["rates"]["attack_victim_share"].update(value=1.5))
    assert_names(refused(scenario), "scenario.yaml", None, "rates.attack_victim_share")


@pytest.mark.parametrize("date", ["22/04/2025", "2025-4-22", "April 22, 2025", ""])
def test_trigger_date_in_the_wrong_format(scenario, date):
    edit_yaml(scenario, lambda m: m["trigger"].update(date=date))
    assert_names(refused(scenario), "scenario.yaml", None, "trigger.date", "YYYY-MM-DD")


@pytest.mark.parametrize("kind", ["raid", "Attack", 3])
def test_trigger_kind_not_one_of_the_known_kinds(scenario, kind):
    edit_yaml(scenario, lambda m: m["trigger"]["kind"].update(value=kind))
    assert_names(refused(scenario), "scenario.yaml", None, "trigger.kind", "attack, incursion, clash")


def test_trigger_kind_missing(scenario):
    edit_yaml(scenario, lambda m: m["trigger"].pop("kind"))
    assert_names(refused(scenario), "scenario.yaml", None, "trigger.kind", "{value: ..., source: ...}")


def test_malformed_yaml_names_file_and_line(scenario):
    path = scenario / "scenario.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, ln in enumerate(lines) if ln.startswith("nuclear:"))
    lines[n] = "nuclear: [{value: true, source: x}\n"  # an unclosed list
    path.write_text("".join(lines), encoding="utf-8")
    assert_names(refused(scenario), "scenario.yaml", None, "line")


# ----------------------------------------------------------------- an actor added by data
# Coded values on their level maps (docs/coding_rules.md): pahalgam_2025 is a historical preset.
QATAR_ACTOR_VALUES = {"attention": 0.6, "restraint": 1.0, "pressure": 0.5, "facilitation": 1.0,
                      "mediation": 1.0, "backing": 0.0, "public_mediation": 1.0, "public_mediation_from_day": 5.0}
QATAR_EDGES = [("QAT", "IND", "affinity", 0.4), ("QAT", "PAK", "affinity", 0.8),
               ("QAT", "PAK", "leverage_economic", 0.10), ("QAT", "IND", "leverage_economic", 0.02)]


def add_qatar(folder: Path) -> None:
    assert set(QATAR_ACTOR_VALUES) == set(THIRD_PARTY_KEYS), "the test must give every third-party key"
    with (folder / "actors.csv").open("a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["QAT", "name", "Qatar", "", ""])
        writer.writerow(["QAT", "role", "third_party", "", "test: a Gulf facilitator"])
        for key, value in QATAR_ACTOR_VALUES.items():
            writer.writerow(["QAT", key, value, "2025-04-01", f"test source for QAT {key}"])
    with (folder / "edges.csv").open("a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for a, b, attr, value in QATAR_EDGES:
            writer.writerow([a, b, attr, value, "2025-04-01", f"test source for {a}->{b} {attr}"])


def test_an_actor_is_added_by_data_alone(scenario):
    add_qatar(scenario)
    sc = load(scenario)
    assert "QAT" in sc.actors and "QAT" in sc.third_party_ids
    q = sc.actors.index("QAT")
    assert sc.names[q] == "Qatar" and sc.roles[q] == "third_party"
    k = sc.third_party_ids.index("QAT")
    for key, value in QATAR_ACTOR_VALUES.items():
        assert sc.third_party_params[key][k] == value
        assert sc.sources[f"QAT.{key}"] == f"test source for QAT {key}"
    ind, pak = sc.actors.index("IND"), sc.actors.index("PAK")
    assert sc.affinity[q, pak] == sc.affinity[pak, q] == 0.8
    assert sc.leverage_economic[q, pak] == pytest.approx(0.10)
    assert sc.leverage_economic[q, ind] == pytest.approx(0.02)
    assert np.isfinite(sc.affinity).all()

    result = run_ensemble(overrides=[f"scenario.dir={scenario}", "run.replicates=200", "run.progress=false"])
    out = result.outcomes
    assert len(out) == 200
    assert "engaged_QAT" in out.columns
    assert out["engaged_QAT"].any(), "Qatar never engaged in 200 replicates"
    assert "QAT" in result.broker_names
    assert any(c.startswith("share_QAT_") for c in result.daily.columns)


def test_an_added_actor_without_sources_is_refused(scenario):
    add_qatar(scenario)
    line = replace_line(scenario / "actors.csv", "QAT,backing,", "QAT,backing,0.0,2025-04-01,")
    assert_names(refused(scenario), "actors.csv", line, "QAT.backing", "source")
