"""The ``diplosim`` command's contract.

A good run exits 0, prints the table and a ``Results:`` line and writes one complete results
directory. Bad input exits 2 with exactly one line ``diplosim: error: ...`` on stderr, no
traceback and no results directory (not even a hidden ``.tmp-*`` one).

Most bad inputs go through :func:`sim.drivers.cli.main` in-process (fast); a representative handful,
and every good path, run the installed command as a subprocess.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.drivers.cli import main
from sim.inputs.compose import compose_config
from sim.inputs.schema import SCENARIOS_DIR
from sim.runs.provenance import config_hash
from sim.inputs.scenario import load_scenario

DIPLOSIM = Path(sys.executable).with_name("diplosim")
POLICIES = ("baseline", "gulf_facilitation", "hotline_off", "no_third_parties", "us_public_mediation")
HEADLINE = ("p_strikes", "p_war", "p_nuclear", "p_ceasefire", "p_ceasefire_holding",
            "median_duration_days", "median_days_to_ceasefire")


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    assert DIPLOSIM.is_file(), f"the diplosim command is not installed at {DIPLOSIM}"
    return subprocess.run([str(DIPLOSIM), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def names_key(message: str, key: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(key)}(?![\w])", message) is not None


def assert_refused(code: int, out: str, err: str, key: str, cwd: Path | None) -> None:
    """Exit 2, one non-empty stderr line 'diplosim: error: ...' naming ``key``, no traceback,
    and (if ``cwd`` is given) ``cwd/results`` absent or empty, hidden entries included."""
    assert code == 2, f"exit code {code}; stderr: {err}"
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one stderr line, got: {err!r}"
    assert lines[0].startswith("diplosim: error:"), lines[0]
    assert names_key(lines[0], key), f"{key!r} not named in {lines[0]!r}"
    assert "Traceback" not in err and "Traceback" not in out
    if cwd is not None:
        results = cwd / "results"
        assert not results.exists() or not any(results.iterdir()), list(results.iterdir())


def scenario_without(tmp_path: Path, actor: str) -> Path:
    """A copy of pahalgam_2025 without any row of ``actor``."""
    load_scenario.cache_clear()
    dest = tmp_path / f"scenario_without_{actor}"
    shutil.copytree(SCENARIOS_DIR / "pahalgam_2025", dest)
    for name, columns in (("actors.csv", ("actor",)), ("edges.csv", ("from", "to"))):
        path = dest / name
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fieldnames, rows = reader.fieldnames, [r for r in reader if all(r[c] != actor for c in columns)]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fieldnames)
            writer.writeheader()
            writer.writerows(rows)
    return dest


def broken_scenario(tmp_path: Path) -> Path:
    """A copy of pahalgam_2025 whose edges.csv holds an affinity of 1.5."""
    load_scenario.cache_clear()
    dest = tmp_path / "scenario_broken_edges"
    shutil.copytree(SCENARIOS_DIR / "pahalgam_2025", dest)
    path = dest / "edges.csv"
    text = re.sub(r"^IND,PAK,affinity,[^\n]*$", "IND,PAK,affinity,1.5,test source",
                  path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return dest


# Bad input -> the key its message must name. "{noirn}" and "{broken}" become scenario folders.
BAD_INPUTS = [
    (["run.replicatez=5"], "run.replicatez"),
    (["+run.foo=1"], "run.foo"),
    (["policy.cbm.levl=1"], "policy.cbm.levl"),
    (["run.replicates=abc"], "run.replicates"),
    (["run.days=1.5"], "run.days"),
    (["policy.hotline=maybe"], "policy.hotline"),
    (["policy.hotline_reliability=1.5"], "policy.hotline_reliability"),
    (["params.misperception_prob=2"], "params.misperception_prob"),
    (["run.replicates=-3"], "run.replicates"),
    (["run.workers=0"], "run.workers"),
    (["scenario=nope"], "scenario"),
    (["policy=nope"], "policy"),
    (["scenario.name=nope"], "'nope'"),
    (["+policy.third_parties.QAT.engage=false"], "policy.third_parties.QAT"),
    (["run.days=${run.foo}"], "run.days"),
    (["run.name=../elsewhere"], "run.name"),
    (["scenario.dir={broken}", "scenario.name=broken"], "edges.csv"),
    (["--bogus"], "--bogus"),
]


def _expand(args: list[str], tmp_path: Path) -> list[str]:
    out = []
    for a in args:
        if "{noirn}" in a:
            a = a.format(noirn=scenario_without(tmp_path / "data", "IRN"))
        elif "{broken}" in a:
            a = a.format(broken=broken_scenario(tmp_path / "data"))
        out.append(a)
    return out


@pytest.mark.parametrize("args, key", BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_in_process(args, key, tmp_path, monkeypatch, capsys):
    args = _expand(args, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code = main(["run.replicates=50", "run.progress=false", *args])
    captured = capsys.readouterr()
    assert_refused(code, captured.out, captured.err, key, work)


# A representative handful through the real command: unknown key, wrong type, out-of-range
# probability, bad count, unknown policy, unknown actor, malformed scenario file, unknown flag.
SUBPROCESS_CASES = [0, 4, 6, 9, 11, 15, 16, 17]


@pytest.mark.parametrize("args, key", [BAD_INPUTS[i] for i in SUBPROCESS_CASES],
                         ids=[" ".join(BAD_INPUTS[i][0]) for i in SUBPROCESS_CASES])
def test_bad_input_subprocess(args, key, tmp_path):
    args = _expand(args, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    proc = run_cli(["run.replicates=50", "run.progress=false", *args], work)
    assert_refused(proc.returncode, proc.stdout, proc.stderr, key, work)


# ------------------------------------------------------------------------------ a good run
RUN_ARGS = ["run.replicates=300", "run.progress=false", "run.name=t1"]


@pytest.fixture(scope="module")
def t1(tmp_path_factory):
    work = tmp_path_factory.mktemp("cli_run")
    proc = run_cli(RUN_ARGS, work)
    return work, proc


def test_good_run_exits_0_and_prints_the_table(t1):
    work, proc = t1
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "P(strikes" in proc.stdout
    results_lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("Results:")]
    assert len(results_lines) == 1, proc.stdout
    assert Path(results_lines[0].split(":", 1)[1].strip()).resolve() == (work / "results" / "t1").resolve()


def test_good_run_writes_one_complete_results_directory(t1):
    work, _ = t1
    results = work / "results"
    assert sorted(p.name for p in results.iterdir()) == ["t1"]  # no .tmp-* left behind
    assert {"summary.json", "outcomes.parquet", "daily.parquet", "metadata.json", "config.yaml"} <= {
        p.name for p in (results / "t1").iterdir()}


def test_summary_json(t1):
    work, _ = t1
    summary = json.loads((work / "results" / "t1" / "summary.json").read_text())
    for key in HEADLINE:
        entry = summary[key]
        # a default run is over the posterior: the 90% interval over parameter draws beside the Monte Carlo one
        assert isinstance(entry, dict) and set(entry) == {"estimate", "ci_low", "ci_high", "n", "cred_low", "cred_high",
                                                         "draws"}, (key, entry)
        # draws with an estimate: all 200 for an outcome over all replicates, fewer for a conditional one
        assert entry["draws"] == 200 if key.startswith("p_") else 0 < entry["draws"] <= 200, (key, entry)
        assert entry["cred_low"] <= entry["cred_high"], (key, entry)
        assert entry["estimate"] is not None, key
        assert entry["ci_low"] <= entry["estimate"] <= entry["ci_high"], (key, entry)
        assert isinstance(entry["n"], int) and 0 < entry["n"] <= 300, (key, entry)
        if key.startswith("p_"):
            assert 0 <= entry["ci_low"] and entry["ci_high"] <= 1, (key, entry)


def test_outcomes_and_daily_parquet(t1):
    work, _ = t1
    outcomes = pd.read_parquet(work / "results" / "t1" / "outcomes.parquet")
    assert len(outcomes) == 300
    assert sorted(outcomes["replicate"]) == list(range(300))
    daily = pd.read_parquet(work / "results" / "t1" / "daily.parquet")
    assert len(daily) > 0 and "day" in daily.columns


def test_metadata_json(t1):
    work, _ = t1
    meta = json.loads((work / "results" / "t1" / "metadata.json").read_text())
    for key in ("seed", "config_hash", "git", "versions", "timings", "executor"):
        assert key in meta, key
    assert meta["replicates_planned"] == meta["replicates_finished"] == 300
    assert meta["executor"] == "serial"
    assert isinstance(meta["timings"], dict) and meta["timings"]
    assert isinstance(meta["versions"], dict) and meta["versions"].get("python")
    assert isinstance(meta["git"], dict) and "commit" in meta["git"]
    assert re.fullmatch(r"[0-9a-f]{64}", meta["config_hash"])
    assert meta["config_hash"] == config_hash(compose_config(RUN_ARGS))
    assert meta["seed"] == compose_config(RUN_ARGS).run.seed


def test_config_yaml(t1):
    work, _ = t1
    cfg = yaml.safe_load((work / "results" / "t1" / "config.yaml").read_text())
    assert cfg["run"]["replicates"] == 300 and cfg["run"]["name"] == "t1"
    assert cfg["policy"]["name"] == "baseline" and cfg["scenario"]["name"] == "pahalgam_2025"


def _snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder`` (figures/ included): modification time and content hash."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_run_name_again_is_refused_and_leaves_the_first_untouched(t1):
    work, first = t1
    assert first.returncode == 0
    before = _snapshot(work / "results" / "t1")
    proc = run_cli(RUN_ARGS, work)
    assert_refused(proc.returncode, proc.stdout, proc.stderr, "run.name", None)
    assert "t1" in proc.stderr
    assert _snapshot(work / "results" / "t1") == before
    assert sorted(p.name for p in (work / "results").iterdir()) == ["t1"]


# --------------------------------------------------------------------------- other options
def test_info_lists_the_scenario_and_the_policies(tmp_path):
    proc = run_cli(["--info"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    first_words = {ln.split()[0] for ln in proc.stdout.splitlines() if ln.startswith("  ") and ln.split()}
    assert "pahalgam_2025" in first_words
    assert set(POLICIES) <= first_words, proc.stdout
    assert not any(tmp_path.iterdir())


def test_cfg_prints_the_composed_config_and_writes_nothing(tmp_path):
    proc = run_cli(["--cfg", "policy=hotline_off"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^\s+hotline: false$", proc.stdout, flags=re.M), proc.stdout
    cfg = yaml.safe_load(proc.stdout)
    assert cfg["policy"]["hotline"] is False and cfg["policy"]["name"] == "hotline_off"
    assert not any(tmp_path.iterdir()), list(tmp_path.iterdir())
