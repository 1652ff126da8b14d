"""Executors: serial, process pool and dask give the same numbers bit for bit; a worker that dies
has its blocks retried; fewer finished replicates than planned is an error."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.runs.ensemble import RunIncomplete

SMALL = ["run.replicates=1200", "run.block_size=300", "run.days=60", "run.progress=false"]


def assert_same(a: sim.EnsembleResult, b: sim.EnsembleResult) -> None:
    pd.testing.assert_frame_equal(a.outcomes, b.outcomes, check_exact=True)
    pd.testing.assert_frame_equal(a.daily, b.daily, check_exact=True)
    assert a.summary == b.summary


@pytest.fixture(scope="module")
def serial():
    return sim.run_ensemble(overrides=SMALL)


def test_dask_local_cluster_matches_serial_bit_for_bit(serial):
    two = sim.run_ensemble(overrides=SMALL + ["run.executor=dask", "run.workers=2"])
    assert two.execution["executor"] == "dask" and two.execution["workers"] == 2
    assert_same(serial, two)


@pytest.mark.slow
def test_serial_processes_and_dask_match_bit_for_bit_on_any_worker_count(serial, tmp_path):
    runs = {
        "processes x1": sim.run_ensemble(overrides=SMALL + ["run.executor=processes", "run.workers=1"]),
        "processes x2": sim.run_ensemble(overrides=SMALL + ["run.executor=processes", "run.workers=2"]),
        "dask x1": sim.run_ensemble(overrides=SMALL + ["run.executor=dask", "run.workers=1"]),
        # on disk: blocks written as Parquet and read back give the same numbers as in memory
        "dask x2, on disk": sim.run_ensemble(overrides=SMALL + ["run.executor=dask", "run.workers=2"],
                                             work_dir=tmp_path / "work"),
    }
    for name, result in runs.items():
        assert_same(serial, result), name


def _kill_after(folder: Path, blocks: int, pids, killed: list, sig=signal.SIGKILL) -> threading.Thread:
    """A thread that kills one worker process once `blocks` block files are in `folder`."""
    def watch() -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            if len(list(folder.glob("*/block-*.parquet"))) >= blocks:
                victims = pids()
                if victims:
                    os.kill(victims[0], sig)
                    killed.append((victims[0], len(list(folder.glob("*/block-*.parquet")))))
                return
            time.sleep(0.01)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


WORK = ["run.replicates=6000", "run.block_size=500", "run.days=120", "run.progress=false"]


@pytest.mark.slow
def test_a_killed_dask_worker_has_its_blocks_retried(tmp_path):
    from distributed import Client, LocalCluster

    reference = sim.run_ensemble(overrides=WORK)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client:
        before = client.run(os.getpid)
        client.run(lambda: __import__("sim") and None)  # warm the workers: the kill lands mid-run
        killed: list = []
        watcher = _kill_after(tmp_path / "work", 2, lambda: list(before.values()), killed)
        result = sim.run_ensemble(overrides=WORK + ["run.executor=dask", f"run.dask.address={cluster.scheduler_address}"],
                                  work_dir=tmp_path / "work")
        watcher.join()
        after = client.run(os.getpid)
    assert killed, "the worker was not killed"
    pid, done_then = killed[0]
    assert done_then < 12, "the kill came after the run had finished"
    assert pid not in after.values()  # the nanny restarted it; its blocks ran elsewhere
    assert result.finished == result.planned == 6000
    assert_same(reference, result)


@pytest.mark.slow
def test_a_killed_worker_process_is_replaced_and_its_blocks_retried(tmp_path):
    import psutil

    reference = sim.run_ensemble(overrides=WORK)
    killed: list = []
    me = psutil.Process()

    def workers() -> list[int]:
        return [p.pid for p in me.children() if "spawn_main" in " ".join(p.cmdline())]

    watcher = _kill_after(tmp_path / "work", 2, workers, killed)
    result = sim.run_ensemble(overrides=WORK + ["run.executor=processes", "run.workers=2"], work_dir=tmp_path / "work")
    watcher.join()
    assert killed and killed[0][1] < 12
    assert result.execution["pool_restarts"] >= 1
    assert_same(reference, result)


def test_fewer_finished_replicates_than_planned_is_an_error_and_keeps_the_rest(tmp_path, monkeypatch):
    import sim.runs.ensemble as ens

    real = ens.run_block

    def flaky(task):
        if task["block"] == 2:
            raise MemoryError("simulated loss of block 2")
        return real(task)

    monkeypatch.setattr(ens, "run_block", flaky)
    with pytest.raises(RunIncomplete) as info:
        sim.run_ensemble(overrides=SMALL, work_dir=tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert "only 900 of 1,200 planned replicates finished" in message and "block 2" in message
    assert "resume" in message
    kept = sorted(p.name for p in tmp_path.glob("*/block-*.parquet"))
    assert kept == ["block-000000.parquet", "block-000001.parquet", "block-000003.parquet"]
    monkeypatch.setattr(ens, "run_block", real)
    again = sim.run_ensemble(overrides=SMALL, work_dir=tmp_path)
    assert again.execution["blocks_resumed"] == 3
    assert_same(sim.run_ensemble(overrides=SMALL), again)


def test_cli_exits_1_with_one_line_when_blocks_fail(tmp_path, monkeypatch, capsys):
    import sim.runs.ensemble as ens
    from sim.drivers.cli import main

    def broken(task):
        raise RuntimeError("boom")

    monkeypatch.setattr(ens, "run_block", broken)
    monkeypatch.chdir(tmp_path)
    code = main(SMALL + ["run.name=x", "run.figures=false"])
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("diplosim: error:")]
    assert code == 1 and len(lines) == 1 and "Traceback" not in err
    assert "only 0 of 1,200 planned replicates finished" in lines[0]
    assert not (tmp_path / "results" / "x").exists()


def test_dask_settings_are_checked_before_any_work():
    for overrides, key in ((["run.dask.address=localhost:8786"], "run.dask.address"),
                           (["cluster=slurm"], "cluster"),
                           (["run.executor=dask", "cluster=slurm", "run.workers=2"], "run.workers"),
                           (["run.executor=dask", "cluster=slurm", "cluster.processes=4", "cluster.cores=2"],
                            "cluster.processes"),
                           (["run.executor=dask", "run.dask.address=tcp://127.0.0.1:1", "cluster=slurm"],
                            "run.dask.address")):
        with pytest.raises(sim.ConfigError) as info:
            sim.compose_config(overrides)
        assert key in str(info.value) and "\n" not in str(info.value)


def test_unreachable_scheduler_is_one_line_naming_the_key():
    with pytest.raises(sim.ConfigError) as info:
        sim.run_ensemble(overrides=SMALL + ["run.executor=dask", "run.dask.address=tcp://127.0.0.1:9",
                                            "run.dask.connect_timeout=2"])
    assert "run.dask.address" in str(info.value) and "\n" not in str(info.value)


def test_slurm_job_script_is_written_offline(capsys):
    from sim.drivers.cli import main

    code = main(["--job-script", "run.executor=dask", "cluster=slurm", "cluster.queue=compute",
                 "cluster.cores=4", "cluster.processes=4", "cluster.memory=8GB", "cluster.walltime=00:30:00"])
    out = capsys.readouterr().out
    assert code == 0
    assert "#SBATCH -p compute" in out and "#SBATCH -t 00:30:00" in out
    assert "--nworkers 4" in out and "--nthreads 1" in out
