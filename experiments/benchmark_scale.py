"""Experiments at scale, measured side by side in one run (issues 4 and 11).

1. Run-steps per second (one replicate advanced one day) of ``mesa.batch_run`` on ``CrisisModel``
   and of the serial ensemble, both pinned to one core: their ratio is the speed-up per core.
2. Run-steps per second of the process pool and of dask (a LocalCluster) with 2 workers, and the
   scaling from 1 to 2 workers of each. Pools and clusters are started and warmed up before the
   clock starts (their start-up time is printed separately): this is the rate at which a long run
   or a sweep proceeds.
3. Peak memory of 1,000,000 replicates x 120 days of the 2025 crisis beside a run ten times
   smaller, run as the default command: ``diplosim`` with the default config (the serial
   executor, finished blocks streamed to disk, figures and report on), and again with 2 worker
   processes (``run.executor=processes run.workers=2``). For each, the peak resident memory of
   the largest process (the kernel's high-water mark, ``VmHWM``, where Linux gives it; else the
   largest sample) and of the whole process tree (the command and its workers, sampled every
   0.1 s). Target: the largest process stays below 400 MiB and its peak does not grow with the
   replicates (at most 10% more for ten times the replicates), i.e. memory is bounded by the
   block size, figures included. The figures hold one block at a time; what still grows a little
   from 10^5 to 10^6 is the summary's exact means and medians, which keep up to 2^18 values per
   outcome (bounded, but above 10^5), and the footer of ``outcomes.parquet``, which the Parquet
   writer holds until it closes the file (about 60 kB per block of 2,000 replicates, twice that
   while closing: it grows with the number of blocks).

Targets: ensemble >= 300 x batch_run per core; 2 workers >= 1.7 x 1 worker; memory as above.

    python experiments/benchmark_scale.py                  # the full benchmark (about 20 minutes on 2 cores)
    python experiments/benchmark_scale.py --memory-only    # the memory part alone
    python experiments/benchmark_scale.py --memory-only --big 200000 --executors serial   # a quick check
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


#: The memory runs: the default command (its config's serial executor), and 2 worker processes.
EXECUTORS = {"serial": [], "processes": ["run.executor=processes", "run.workers=2"]}
MEMORY_TARGET_MIB = 400
# Ten times the replicates may cost 10% more: RSS moves by a few MiB from run to run, and the
# summary and the Parquet footer grow a little (see the module docstring).
GROWTH_TOLERANCE = 1.10


def _high_water_mark(pid: int) -> int:
    """The peak resident memory of a live process so far, in bytes (Linux's VmHWM), or 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def peak_memory(replicates: int, out_dir: Path, executor: str = "serial") -> dict[str, float]:
    """Run the diplosim command (figures and report on, as by default); sample its process tree.

    Returns:
        Seconds, the peak of the largest process, of the command itself and of the whole tree
        (the sum over processes at one sample) in MiB, and the size of the results directory.
    """
    import psutil

    exe = Path(sys.executable).with_name("diplosim")
    name = f"{executor}_{replicates}"
    cmd = [str(exe), f"run.replicates={replicates}", f"run.days={DAYS}", *EXECUTORS[executor],
           "run.progress=false", f"run.output_dir={out_dir}", f"run.name={name}"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"tree": 0, "main": 0}
    per_process: dict[int, int] = {}
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
            for pid, r in rss.items():
                # the high-water mark catches a peak between two samples (a figure being drawn)
                per_process[pid] = max(per_process.get(pid, 0), r, _high_water_mark(pid))
            if rss:
                peak["tree"] = max(peak["tree"], sum(rss.values()))
                peak["main"] = max(peak["main"], per_process.get(proc.pid, 0))
            stop.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    stop.set()
    thread.join()
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"diplosim failed ({proc.returncode}): {err.strip().splitlines()[-1:]}")
    folder = out_dir / name
    if not (folder / "report.html").is_file():
        raise SystemExit(f"diplosim wrote no report in {folder}: the memory measured is not that of the default command")
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder, ignore_errors=True)  # a million replicates take a few hundred MiB of disk
    mib = 2**20
    return {"seconds": seconds, "largest_mib": max(per_process.values(), default=0) / mib,
            "main_mib": peak["main"] / mib, "tree_mib": peak["tree"] / mib, "processes": len(per_process),
            "results_mib": size / mib}


def memory_section(big: int, executors: list[str]) -> bool:
    """Measure and print the peak memory at ``big // 10`` and ``big`` replicates; True if on target."""
    small_n = max(big // 10, 2000)
    ok = True
    tmp = Path(tempfile.mkdtemp(prefix="diplosim-bench-"))
    try:
        for executor in executors:
            label = "default command, serial" if executor == "serial" else "processes x 2"
            measured = []
            for n in (small_n, big):  # each line printed as it is measured: the larger run takes minutes
                m = peak_memory(n, tmp, executor)
                measured.append(m)
                print(f"  {n:>9,} replicates x {DAYS} days (diplosim, {label}, figures on): {m['seconds']:6.1f} s, "
                      f"largest process {m['largest_mib']:,.0f} MiB, tree {m['tree_mib']:,.0f} MiB "
                      f"({m['processes']} processes), results {m['results_mib']:,.0f} MiB", flush=True)
            small, large = measured
            growth = large["largest_mib"] / small["largest_mib"] if small["largest_mib"] else float("nan")
            below = large["largest_mib"] < MEMORY_TARGET_MIB
            flat = growth <= GROWTH_TOLERANCE
            ok = ok and below and flat
            print(f"  {label}: {big / small_n:g} times the replicates, {large['largest_mib'] - small['largest_mib']:+,.0f} MiB "
                  f"({growth:.2f} times) in the largest process (target: within "
                  f"{100 * (GROWTH_TOLERANCE - 1):.0f}%: {'met' if flat else 'MISSED'}); "
                  f"below {MEMORY_TARGET_MIB} MiB: {'met' if below else 'MISSED'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="mesa.batch_run runs (one replicate each)")
    parser.add_argument("--serial", type=int, default=10_000, help="replicates of the serial ensemble")
    parser.add_argument("--parallel", type=int, default=32_000, help="replicates of each parallel measurement")
    parser.add_argument("--big", type=int, default=1_000_000, help="replicates of the memory measurement")
    parser.add_argument("--repeats", type=int, default=3, help="serial timings to take the median of")
    parser.add_argument("--memory-only", action="store_true", help="measure the peak memory only")
    parser.add_argument("--executors", default="serial,processes",
                        help="memory runs, comma-separated: serial (the default command), processes (2 workers)")
    args = parser.parse_args()
    executors = [e.strip() for e in args.executors.split(",") if e.strip()]
    unknown = [e for e in executors if e not in EXECUTORS]
    if unknown or not executors:
        parser.error(f"--executors: {', '.join(unknown) or 'none given'}; choose from {', '.join(EXECUTORS)}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"diplosim scale benchmark: 2025 crisis, baseline policy, {DAYS} days, blocks of 2,000 replicates; "
          f"{len(ALL_CORES) or '?'} cores, load average {load:.1f} at the start")
    if args.memory_only:
        print()
        raise SystemExit(0 if memory_section(args.big, executors) else 1)

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
    memory_section(args.big, executors)


if __name__ == "__main__":
    main()
