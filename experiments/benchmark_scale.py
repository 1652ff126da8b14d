"""Experiments at scale, measured side by side in one run (issue 4).

1. Run-steps per second (one replicate advanced one day) of ``mesa.batch_run`` on ``CrisisModel``
   and of the serial ensemble, both pinned to one core: their ratio is the speed-up per core.
2. Run-steps per second of the process pool and of dask (a LocalCluster) with 2 workers, and the
   scaling from 1 to 2 workers of each. Pools and clusters are started and warmed up before the
   clock starts (their start-up time is printed separately): this is the rate at which a long run
   or a sweep proceeds.
3. Peak memory of 1,000,000 replicates x 120 days of the 2025 crisis, run as the ``diplosim``
   command (2 worker processes, finished blocks streamed to disk), beside a run ten times smaller:
   the resident memory of the whole process tree (the command and its workers), sampled every
   0.2 s. Memory is bounded by the block size, not by the number of replicates.

Targets: ensemble >= 300 x batch_run per core; 2 workers >= 1.7 x 1 worker.

    python experiments/benchmark_scale.py                  # the full benchmark (about 5 minutes)
    python experiments/benchmark_scale.py --big 200000     # a quicker memory check
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

DAYS = 120
ALL_CORES = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pin(cores: list[int]) -> None:
    """Run this process (and processes it starts from now on) on these cores."""
    if ALL_CORES:
        os.sched_setaffinity(0, set(cores))


def time_batch_run(runs: int) -> float:
    """Run-steps per second of mesa.batch_run: one replicate per run, the model built per run."""
    from benchmark_speed import time_batch_run as measure  # the same measurement as the speed benchmark

    return measure(runs)


def time_serial(replicates: int, repeats: int) -> float:
    import sim

    cfg = sim.compose_config([f"run.replicates={replicates}", f"run.days={DAYS}", "run.progress=false"])
    sim.run_ensemble(cfg)  # warm up
    return statistics.median(sim.run_ensemble(cfg).timings["replicate_days_per_s"] for _ in range(repeats))


def time_parallel(executor: str, workers: int, replicates: int) -> tuple[float, float]:
    """(run-steps per second on a warm pool or cluster, seconds to start and warm it)."""
    import sim
    from sim.runs.executors import make_executor

    common = ["run.progress=false", f"run.days={DAYS}", f"run.executor={executor}", f"run.workers={workers}"]
    cfg = sim.compose_config(common + [f"run.replicates={replicates}"])
    warm = sim.compose_config(common + [f"run.replicates={2 * workers * 200}", "run.block_size=200"])
    t = time.perf_counter()
    with make_executor(cfg) as ex:
        sim.run_ensemble(warm, executor=ex)  # start the workers, import diplosim there
        start = time.perf_counter() - t
        result = sim.run_ensemble(cfg, executor=ex)
    return result.timings["replicate_days_per_s"], start


def peak_memory(replicates: int, out_dir: Path) -> dict[str, float]:
    """Run the diplosim command; sample the resident memory of its process tree."""
    import psutil

    exe = Path(sys.executable).with_name("diplosim")
    cmd = [str(exe), f"run.replicates={replicates}", f"run.days={DAYS}", "run.executor=processes", "run.workers=2",
           "run.progress=false", "run.figures=false", f"run.output_dir={out_dir}", f"run.name=r{replicates}"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"tree": 0, "main": 0}
    stop = threading.Event()

    def sample() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = {p.pid: p.memory_info().rss for p in procs if p.is_running()}
            except psutil.Error:
                rss = {}
            if rss:
                peak["tree"] = max(peak["tree"], sum(rss.values()))
                peak["main"] = max(peak["main"], rss.get(proc.pid, 0))
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    stop.set()
    thread.join()
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"diplosim failed ({proc.returncode}): {err.strip().splitlines()[-1:]}")
    folder = out_dir / f"r{replicates}"
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {"seconds": seconds, "tree_gib": peak["tree"] / 2**30, "main_gib": peak["main"] / 2**30,
            "results_mib": size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="mesa.batch_run runs (one replicate each)")
    parser.add_argument("--serial", type=int, default=10_000, help="replicates of the serial ensemble")
    parser.add_argument("--parallel", type=int, default=32_000, help="replicates of each parallel measurement")
    parser.add_argument("--big", type=int, default=1_000_000, help="replicates of the memory measurement")
    parser.add_argument("--repeats", type=int, default=3, help="serial timings to take the median of")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"diplosim scale benchmark: 2025 crisis, baseline policy, {DAYS} days, blocks of 2,000 replicates; "
          f"{len(ALL_CORES) or '?'} cores, load average {load:.1f} at the start")

    pin(ALL_CORES[:1])
    batch = time_batch_run(args.runs)
    serial = time_serial(args.serial, args.repeats)
    pin(ALL_CORES)
    rates = {}
    starts = {}
    for executor in ("processes", "dask"):
        for workers in (1, 2):
            rates[executor, workers], starts[executor, workers] = time_parallel(executor, workers, args.parallel)

    ratio = serial / batch
    print()
    print(f"  {'path':44s} {'run-steps/s':>13s}")
    print(f"  {'mesa.batch_run (1 core, %d runs)' % args.runs:44s} {batch:>13,.0f}")
    print(f"  {'serial ensemble (1 core, %s replicates)' % f'{args.serial:,}':44s} {serial:>13,.0f}   "
          f"{ratio:,.0f} x batch_run per core (target >= 300: {'met' if ratio >= 300 else 'MISSED'})")
    for executor in ("processes", "dask"):
        for workers in (1, 2):
            label = f"{executor}, {workers} worker{'s' if workers > 1 else ''} ({args.parallel:,} replicates)"
            print(f"  {label:44s} {rates[executor, workers]:>13,.0f}   (start-up {starts[executor, workers]:.1f} s)")
    print()
    for executor in ("processes", "dask"):
        scale = rates[executor, 2] / rates[executor, 1]
        print(f"  scaling 1 -> 2 workers, {executor:9s}  {scale:5.2f} x   (target >= 1.7: "
              f"{'met' if scale >= 1.7 else 'MISSED'})")
    print()
    tmp = Path(tempfile.mkdtemp(prefix="diplosim-bench-"))
    try:
        small = peak_memory(max(args.big // 10, 2000), tmp)
        big = peak_memory(args.big, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for n, m in ((max(args.big // 10, 2000), small), (args.big, big)):
        print(f"  {n:>9,} replicates x {DAYS} days (diplosim, processes x 2): {m['seconds']:6.1f} s, "
              f"peak memory {m['tree_gib']:.2f} GiB (command {m['main_gib']:.2f} GiB + workers), "
              f"results {m['results_mib']:,.0f} MiB")
    growth = big["tree_gib"] / small["tree_gib"] if small["tree_gib"] else float("nan")
    print(f"  ten times the replicates, {growth:.2f} times the peak memory: bounded by the block size")


if __name__ == "__main__":
    main()
