"""Resume: a run or sweep restarted with the same config computes only its unfinished blocks and
ends with exactly the results of an uninterrupted run; nothing already written is overwritten."""

from __future__ import annotations

import hashlib
import glob
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.runs.store import DiskStore

SMALL = ["run.replicates=1500", "run.block_size=250", "run.days=50", "run.progress=false"]
DIPLOSIM = Path(sys.executable).with_name("diplosim")


def _files(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.name: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.glob("block-*.parquet"))}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    work = tmp_path_factory.mktemp("full")
    return sim.run_ensemble(overrides=SMALL, work_dir=work), work


def test_prewritten_blocks_are_used_and_the_result_equals_an_uninterrupted_run(full, tmp_path):
    result, work = full
    key = result.execution["work_key"]
    assert len(list((work / key).glob("block-*.parquet"))) == 6
    # An "interrupted" attempt that finished blocks 0, 2 and 5.
    part = tmp_path / key
    part.mkdir()
    for k in (0, 2, 5):
        shutil.copy2(work / key / f"block-{k:06d}.parquet", part)
    before = _files(part)
    resumed = sim.run_ensemble(overrides=SMALL, work_dir=tmp_path)
    assert resumed.execution["blocks_resumed"] == 3 and resumed.execution["replicates_computed"] == 750
    pd.testing.assert_frame_equal(result.outcomes, resumed.outcomes, check_exact=True)
    pd.testing.assert_frame_equal(result.daily, resumed.daily, check_exact=True)
    assert result.summary == resumed.summary
    after = _files(part)
    assert {k: after[k] for k in before} == before  # the finished blocks were not rewritten
    assert len(after) == 6


def test_blocks_of_another_config_or_code_are_never_mixed_in(full, tmp_path):
    result, work = full
    other = sim.run_ensemble(overrides=SMALL + ["run.seed=99"], work_dir=work)
    assert other.execution["work_key"] != result.execution["work_key"]
    assert other.execution["blocks_resumed"] == 0
    assert not other.outcomes["day_ceasefire"].equals(result.outcomes["day_ceasefire"])


def test_a_block_file_is_never_overwritten_and_stray_temp_files_are_ignored(full, tmp_path):
    result, work = full
    store = DiskStore(tmp_path / "w")
    first = result.store.get(0)
    store.put(first)
    before = _files(store.path)
    changed = result.store.get(1)
    changed.index = 0  # a different block under the same index: put() must leave the file alone
    store.put(changed)
    assert _files(store.path) == before
    (store.path / ".block-000003.parquet.123.tmp").write_bytes(b"half a file")
    assert store.done() == {0}


def test_an_unreadable_block_file_is_a_one_line_error(tmp_path):
    cfg = sim.compose_config(SMALL)
    key = sim.runs.ensemble.prepare_run(cfg, work_dir=tmp_path).work_key
    (tmp_path / key).mkdir()
    (tmp_path / key / "block-000001.parquet").write_bytes(b"not parquet")
    with pytest.raises(sim.DiplosimError) as info:
        sim.run_ensemble(cfg, work_dir=tmp_path)
    assert "block-000001.parquet" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("executor", [["run.executor=serial"], ["run.executor=processes", "run.workers=2"]])
def test_a_killed_command_line_run_resumes_to_the_uninterrupted_results(executor, tmp_path):
    args = ["run.replicates=8000", "run.block_size=1000", "run.days=60", "run.progress=false", "run.figures=false"]
    subprocess.run([str(DIPLOSIM), *args, "run.name=full"], cwd=tmp_path, check=True, capture_output=True)
    proc = subprocess.Popen([str(DIPLOSIM), *args, *executor, "run.name=part"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(glob.glob(str(tmp_path / "results/.work/*/block-*.parquet"))) < 3 and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = glob.glob(str(tmp_path / "results/.work/*/block-*.parquet"))
    assert 3 <= len(kept) < 8 and not (tmp_path / "results/part").exists()
    again = subprocess.run([str(DIPLOSIM), *args, *executor, "run.name=part"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "resuming" in again.stderr
    a = pd.read_parquet(tmp_path / "results/full/outcomes.parquet")
    b = pd.read_parquet(tmp_path / "results/part/outcomes.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert (tmp_path / "results/full/summary.json").read_text() == (tmp_path / "results/part/summary.json").read_text()
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["full", "part"]  # work files gone


def test_an_interrupted_sweep_resumes_and_equals_an_uninterrupted_one(tmp_path, monkeypatch, capsys):
    import sim.runs.ensemble as ens
    from sim.drivers.cli import main

    args = ["-m", "policy=baseline,hotline_off", "run.replicates=600", "run.block_size=200", "run.days=40",
            "run.progress=false", "run.figures=false"]
    monkeypatch.chdir(tmp_path)
    assert main(args + ["run.name=whole"]) == 0
    real = ens.run_block
    calls = {"n": 0}

    def interrupted(task):
        calls["n"] += 1
        if calls["n"] == 5:  # the second run's second block: Ctrl-C
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(ens, "run_block", interrupted)
    assert main(args + ["run.name=broken"]) == 130
    err = capsys.readouterr().err
    assert "run the same command again to resume" in err
    first = tmp_path / "results/broken/0_policy=baseline"
    assert (first / "metadata.json").is_file() and not (tmp_path / "results/broken/1_policy=hotline_off").exists()
    stamp = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    monkeypatch.setattr(ens, "run_block", real)
    assert main(args + ["run.name=broken"]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in first.iterdir()} == stamp  # the finished run was kept
    for run in ("0_policy=baseline", "1_policy=hotline_off"):
        a = pd.read_parquet(tmp_path / "results/whole" / run / "outcomes.parquet")
        b = pd.read_parquet(tmp_path / "results/broken" / run / "outcomes.parquet")
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    a = pd.read_parquet(tmp_path / "results/whole/collected.parquet").drop(columns="run")
    b = pd.read_parquet(tmp_path / "results/broken/collected.parquet").drop(columns="run")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not (tmp_path / "results/broken/.work").exists()


def test_an_unnamed_sweep_finds_its_unfinished_directory(tmp_path, monkeypatch):
    import sim.runs.ensemble as ens
    from sim.drivers.cli import main

    args = ["-m", "run.seed=1,2", "run.replicates=200", "run.days=20", "run.progress=false", "run.figures=false"]
    monkeypatch.chdir(tmp_path)
    real = ens.run_block

    def stop_second_run(task):
        if task["seed"] == 2:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(ens, "run_block", stop_second_run)
    assert main(args) == 130
    monkeypatch.setattr(ens, "run_block", real)
    assert main(args) == 0
    sweeps = [p for p in (tmp_path / "results").iterdir()]
    assert len(sweeps) == 1 and (sweeps[0] / "1_run.seed=2" / "summary.json").is_file()


def test_the_same_config_running_twice_at_once_is_refused(tmp_path, monkeypatch, capsys):
    from sim.drivers.cli import main
    from sim.runs.ensemble import prepare_run

    args = SMALL + ["run.figures=false"]
    monkeypatch.chdir(tmp_path)
    other = prepare_run(sim.compose_config(args), work_dir=tmp_path / "results" / ".work")
    other.store.acquire()  # as if another diplosim process were running this config
    code = main(args + ["run.name=second"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "run.work_dir" in err and "in use" in err
    assert not (tmp_path / "results" / "second").exists()
    other.store.remove()
    assert main(args + ["run.name=second"]) == 0
