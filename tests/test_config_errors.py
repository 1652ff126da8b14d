"""Bad config input is refused with one line that names the key (Python API side).

Every case goes through :func:`sim.compose_config` or :func:`sim.run_ensemble` in-process; the
command line's handling of the same errors (exit code 2, one line on stderr, no results left
behind) is tested in test_cli.py.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from sim.inputs.compose import compose_config
from sim.inputs.schema import SCENARIOS_DIR
from sim.runs.ensemble import run_ensemble
from sim.inputs.errors import ConfigError, DiplosimError, ScenarioError
from sim.inputs.scenario import load_scenario

FAST = ["run.replicates=20", "run.days=10", "run.progress=false"]


def names_key(message: str, key: str) -> bool:
    """True if ``key`` appears in ``message`` as a whole dotted name (``policy.hotline`` is not
    found in ``policy.hotline_reliability``)."""
    return re.search(rf"(?<![\w.]){re.escape(key)}(?![\w])", message) is not None


def assert_one_line_naming(exc: BaseException, key: str, *also: str) -> None:
    message = str(exc)
    assert isinstance(exc, DiplosimError) and isinstance(exc, ValueError)
    assert message.strip() and "\n" not in message.strip(), f"not one line: {message!r}"
    assert "Traceback" not in message
    assert names_key(message, key), f"{key!r} not named in {message!r}"
    for text in also:
        assert text in message, f"{text!r} not in {message!r}"


# (overrides, the key the message must name, further text the message must contain)
BAD_CONFIG = [
    # unknown keys, with the valid keys listed
    (["run.replicatez=5"], "run.replicatez", ["unknown key", "replicates"]),
    (["+run.foo=1"], "run.foo", ["unknown key", "replicates"]),
    (["policy.cbm.levl=1"], "policy.cbm.levl", ["unknown key", "loc_understanding"]),
    (["policy.third_parties.USA.levl=1"], "policy.third_parties.USA.levl", ["unknown key", "pressure"]),
    # wrong types
    (["run.replicates=abc"], "run.replicates", ["wrong type", "whole number"]),
    (["run.days=1.5"], "run.days", ["wrong type", "whole number"]),
    (["policy.hotline=maybe"], "policy.hotline", ["wrong type", "true or false"]),
    (["policy.third_parties.USA.intensity=abc"], "policy.third_parties.USA.intensity", ["wrong type"]),
    # probabilities outside [0, 1]
    (["policy.hotline_reliability=1.5"], "policy.hotline_reliability", ["[0, 1]"]),
    (["params.misperception_prob=2"], "params.misperception_prob", ["out of range"]),
    # negative or zero counts
    (["run.replicates=-3"], "run.replicates", ["out of range", "positive"]),
    (["run.workers=0"], "run.workers", ["out of range", "positive"]),
    # other values out of range or not among the choices
    (["run.seed=-1"], "run.seed", ["out of range"]),
    (["run.executor=threads"], "run.executor", ["serial", "processes"]),
    (["policy.third_parties.USA.pressure_from_rung=9"], "policy.third_parties.USA.pressure_from_rung",
     ["out of range"]),
    # unknown scenario or policy, with the available ones listed
    (["scenario=nope"], "scenario", ["nope", "pahalgam_2025"]),
    (["policy=nope"], "policy", ["nope", "baseline", "hotline_off"]),
    # actors a policy does not list cannot be set from the command line
    (["policy.third_parties.QAT.engage=false"], "policy.third_parties.QAT", []),
    (["+policy.third_parties.QAT.engage=false"], "policy.third_parties.QAT", []),
    # malformed overrides
    (["run.replicates"], "run.replicates", ["KEY=VALUE"]),
    (["run.days=${run.foo}"], "run.days", ["run.foo"]),
    # a run name that would write outside results/ (or into a hidden folder)
    (["run.name=../elsewhere"], "run.name", []),
    (["run.name=a/b"], "run.name", []),
]


@pytest.mark.parametrize("overrides, key, also", BAD_CONFIG, ids=[c[0][0] for c in BAD_CONFIG])
def test_bad_config_is_refused_naming_the_key(overrides, key, also):
    with pytest.raises(ConfigError) as info:
        compose_config(overrides)
    assert_one_line_naming(info.value, key, *also)


@pytest.mark.parametrize("overrides, key, also", BAD_CONFIG[:3] + BAD_CONFIG[8:12],
                         ids=[c[0][0] for c in BAD_CONFIG[:3] + BAD_CONFIG[8:12]])
def test_run_ensemble_refuses_bad_overrides(overrides, key, also):
    with pytest.raises(ConfigError) as info:
        run_ensemble(overrides=overrides + ["run.progress=false"])
    assert_one_line_naming(info.value, key, *also)


def test_good_overrides_compose():
    cfg = compose_config(["policy=hotline_off", "run.replicates=7", "params.misperception_prob=0.5",
                          "policy.third_parties.GBR.pressure=false"])
    assert cfg.policy.hotline is False
    assert cfg.run.replicates == 7
    assert cfg.policy.third_parties.GBR.pressure is False


# ------------------------------------------------------------- policies against the scenario
def scenario_without(tmp_path: Path, actor: str) -> Path:
    """A copy of pahalgam_2025 with every row of ``actor`` (actors.csv and edges.csv) removed."""
    load_scenario.cache_clear()
    dest = tmp_path / f"pahalgam_without_{actor}"
    shutil.copytree(SCENARIOS_DIR / "pahalgam_2025", dest)
    for name, columns in (("actors.csv", ("actor",)), ("edges.csv", ("from", "to"))):
        path = dest / name
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fieldnames = reader.fieldnames
            rows = [r for r in reader if all(r[c] != actor for c in columns)]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fieldnames)
            writer.writeheader()
            writer.writerows(rows)
    assert actor not in load_scenario(dest.name, str(dest)).actors
    return dest


def test_policy_setting_an_actor_the_scenario_lacks_gives_a_note_not_a_silent_default(tmp_path):
    # uk_iran_contacts sets Iran; a scenario without Iran takes the policy, and says Iran's settings do not apply
    from sim.inputs.resolve import build_inputs

    folder = scenario_without(tmp_path, "IRN")
    cfg = compose_config([f"scenario.dir={folder}", f"scenario.name={folder.name}", "policy=uk_iran_contacts"])
    notes = build_inputs(cfg).notes
    assert len(notes) == 1 and "policy.third_parties.IRN" in notes[0] and "do not apply" in notes[0]
    assert not build_inputs(compose_config(["policy=uk_iran_contacts"])).notes


def test_empty_policy_entry_for_a_missing_actor_is_fine_and_setting_it_gives_a_note(tmp_path):
    # baseline lists GBR with no fields set: a scenario without the UK runs under it ...
    from sim.inputs.resolve import build_inputs

    folder = scenario_without(tmp_path, "GBR")
    common = [f"scenario.dir={folder}", f"scenario.name={folder.name}", *FAST]
    result = run_ensemble(overrides=common)
    assert len(result.outcomes) == 20
    assert "engaged_GBR" not in result.outcomes
    assert not build_inputs(compose_config(common)).notes
    # ... and setting one of GBR's fields is not silently dropped: a note names the entry
    notes = build_inputs(compose_config([*common, "policy.third_parties.GBR.pressure=false"])).notes
    assert len(notes) == 1 and "policy.third_parties.GBR" in notes[0]


# ------------------------------------------------------------- scenarios that cannot be found
def test_unknown_scenario_name_is_refused_by_run_ensemble():
    load_scenario.cache_clear()
    with pytest.raises(ScenarioError) as info:
        run_ensemble(overrides=["scenario.name=nope", *FAST])
    message = str(info.value)
    assert "\n" not in message and "'nope'" in message and "pahalgam_2025" in message


def test_missing_scenario_dir_is_refused_naming_the_folder(tmp_path):
    missing = tmp_path / "no_such_scenario"
    with pytest.raises(ScenarioError) as info:
        run_ensemble(overrides=[f"scenario.dir={missing}", *FAST])
    message = str(info.value)
    assert "\n" not in message and str(missing) in message


def test_malformed_scenario_file_is_refused_by_run_ensemble(tmp_path):
    load_scenario.cache_clear()
    folder = tmp_path / "broken_edges"
    shutil.copytree(SCENARIOS_DIR / "pahalgam_2025", folder)
    path = folder / "edges.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, ln in enumerate(lines) if ln.startswith("IND,PAK,affinity,"))
    lines[n] = "IND,PAK,affinity,1.5,test source\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        run_ensemble(overrides=[f"scenario.dir={folder}", *FAST])
    message = str(info.value)
    assert "\n" not in message
    assert "edges.csv" in message and re.search(rf"\bline {n + 1}\b", message), message
