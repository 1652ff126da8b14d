"""Sweeps: Hydra multirun expanded with Hydra's own override grammar; each run a whole ensemble;
a sweep directory with a manifest; bad sweep input is one line and exit code 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from sim.drivers.cli import main
from sim.inputs.schema import CONF_DIR
from sim.drivers.sweep import plan_sweep
from test_cli import assert_refused, run_cli

FAST = ["run.replicates=300", "run.block_size=150", "run.days=30", "run.progress=false", "run.figures=false"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    work = tmp_path_factory.mktemp("sweep")
    proc = run_cli(["-m", "policy=baseline,hotline_off", "params.w_pressure=1.0,2.5", *FAST, "run.name=s"], work)
    return work, proc


def test_a_sweep_writes_one_complete_results_directory_per_run_and_a_manifest(sweep):
    work, proc = sweep
    assert proc.returncode == 0, proc.stderr
    folder = work / "results" / "s"
    manifest = json.loads((folder / "sweep.json").read_text())
    assert manifest["status"] == "complete" and manifest["swept"] == ["policy", "params.w_pressure"]
    assert manifest["reference"] == {"policy": "baseline", "params.w_pressure": 1.0}
    dirs = [r["dir"] for r in manifest["runs"]]
    assert dirs == ["0_policy=baseline_params.w_pressure=1.0", "1_policy=baseline_params.w_pressure=2.5",
                    "2_policy=hotline_off_params.w_pressure=1.0", "3_policy=hotline_off_params.w_pressure=2.5"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        dirs + ["sweep.json", "collected.parquet", "collected.csv", "contrasts.parquet", "contrasts.csv"])
    for entry in manifest["runs"]:
        run = folder / entry["dir"]
        assert {"summary.json", "outcomes.parquet", "daily.parquet", "metadata.json", "config.yaml"} <= {
            p.name for p in run.iterdir()}
        meta = json.loads((run / "metadata.json").read_text())
        assert meta["replicates_planned"] == meta["replicates_finished"] == 300
        assert meta["execution"]["sweep"]["values"] == entry["values"]
        assert entry["status"] == "done"
    assert f"Results: {folder}" in proc.stdout and "Paired contrast policy: hotline_off vs baseline" in proc.stdout


def test_each_sweep_run_equals_the_single_run_with_the_same_overrides(sweep):
    work, _ = sweep
    single = sim.run_ensemble(overrides=["policy=hotline_off", "params.w_pressure=2.5", *FAST])
    swept = pd.read_parquet(work / "results/s/3_policy=hotline_off_params.w_pressure=2.5/outcomes.parquet")
    pd.testing.assert_frame_equal(single.outcomes, swept, check_exact=True)


def test_sweep_expansion_follows_hydra_grammar():
    plan = plan_sweep(["run.seed=range(1,4)", "policy=baseline,hotline_off", "run.replicates=10"])
    assert len(plan.jobs) == 6 and plan.swept == ["run.seed", "policy"]
    assert [v["run.seed"] for v in plan.values] == [1, 1, 2, 2, 3, 3]
    assert all(cfg.run.replicates == 10 for cfg in plan.cfgs)
    # an experiment's sweep, with the command line taking precedence over its values
    plan = plan_sweep(["experiment=trade_leverage", "policy.trade_ties=1.0,3.0", "run.replicates=10"])
    assert [v["policy.trade_ties"] for v in plan.values] == [1.0, 3.0]


@pytest.mark.parametrize("name", sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml")))
def test_every_experiment_config_composes_into_a_sweep(name):
    plan = plan_sweep([f"experiment={name}", "run.replicates=10"])
    assert len(plan.jobs) >= 2 and plan.swept
    assert len({json.dumps(v, sort_keys=True) for v in plan.values}) == len(plan.jobs)
    text = (CONF_DIR / "experiment" / f"{name}.yaml").read_text()
    assert text.startswith("# @package _global_")


def test_cfg_with_multirun_lists_the_runs_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["-m", "--cfg", "experiment=hotline_cbm", "run.replicates=10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 8 runs") and "policy.hotline=false" in out.lower()
    assert not any(tmp_path.iterdir())


# Bad sweep input -> the key the message must name.
BAD_SWEEPS = [
    (["-m", "run.name=a,b"], "run.name"),
    (["-m", "run.executor=serial,processes"], "run.executor"),
    (["-m", "policy=baseline,nope"], "policy"),
    (["-m", "run.replicates=10,-1"], "run.replicates"),
    (["-m", "run.replicatez=1,2"], "run.replicatez"),
    (["-m", "policy=[a"], "policy"),
    (["-m", "policy=baseline,"], "policy"),
    (["-m", "run.seed=interval(0,1)"], "run.seed"),
    (["-m", "experiment=nope"], "experiment"),
    (["-m", "policy=baseline,hotline_off", "cluster=slurm"], "cluster"),
    (["run.seed=1,2"], "run.seed"),
    (["experiment=hotline_cbm"], "experiment"),
]


@pytest.mark.parametrize("args, key", BAD_SWEEPS, ids=[" ".join(a) for a, _ in BAD_SWEEPS])
def test_bad_sweep_input_is_one_line_and_exit_2(args, key, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main([*args, "run.progress=false", "run.figures=false"])
    captured = capsys.readouterr()
    assert_refused(code, captured.out, captured.err, key, tmp_path)


def test_bad_sweep_input_through_the_command(tmp_path):
    proc = run_cli(["-m", "policy=baseline,nope", "run.replicates=10", "run.figures=false"], tmp_path)
    assert_refused(proc.returncode, proc.stdout, proc.stderr, "policy", tmp_path)


def test_a_finished_named_sweep_is_not_run_again(sweep):
    work, _ = sweep
    before = (work / "results/s/sweep.json").read_text()
    proc = run_cli(["-m", "policy=baseline,hotline_off", "params.w_pressure=1.0,2.5", *FAST, "run.name=s"], work)
    assert_refused(proc.returncode, proc.stdout, proc.stderr, "run.name", None)
    assert (work / "results/s/sweep.json").read_text() == before


def test_a_run_name_taken_by_a_single_run_is_refused_for_a_sweep(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([*FAST, "run.name=taken"]) == 0
    capsys.readouterr()
    code = main(["-m", "policy=baseline,hotline_off", *FAST, "run.name=taken"])
    captured = capsys.readouterr()
    assert_refused(code, captured.out, captured.err, "run.name", None)


def test_progress_shows_replicates_per_second_and_time_remaining(capsys):
    sim.run_ensemble(overrides=["run.replicates=400", "run.block_size=100", "run.days=20"], progress=True)
    err = capsys.readouterr().err
    assert "rep/s" in err and "<" in err and "400/400" in err.replace("400/400", "400/400")


def test_every_run_records_its_provenance(sweep):
    work, _ = sweep
    meta = json.loads((work / "results/s/0_policy=baseline_params.w_pressure=1.0/metadata.json").read_text())
    assert meta["versions"]["python"] and meta["versions"]["diplosim"] and meta["versions"]["dask"]
    assert "commit" in meta["git"] and "dirty" in meta["git"]
    assert meta["seed"] == 20250422 and len(meta["config_hash"]) == 64
    assert meta["executor"] == "serial" and meta["execution"]["blocks"] == 2
    assert meta["replicates_planned"] == meta["replicates_finished"] == 300
    assert len(meta["execution"]["work_key"]) == 64 and meta["execution"]["blocks_resumed"] == 0
    assert meta["timings"]["simulate_s"] > 0 and meta["timings"]["replicate_days_per_s"] > 0
