"""Speed of the ensemble path against mesa.batch_run on the same CrisisModel, side by side.

Prints run-steps (one replicate advanced one day) per second for both paths, their ratio, and the
wall time of 10,000 replicates x 120 days of the 2025 crisis on one core. Targets (issue 2):
ensemble >= 100x batch_run per replicate-day, and 10,000 x 120 in under 5 s on one core.

    python experiments/benchmark_speed.py [--runs 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# One thread for numerical libraries; main() pins the process to one core (not at import, so
# experiments/benchmark_scale.py can reuse time_batch_run).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import mesa  # noqa: E402

import sim  # noqa: E402
from sim.core.model import CrisisModel

DAYS = 120


def time_batch_run(runs: int) -> float:
    """Run-steps per second of mesa.batch_run (one replicate per run, model built per run)."""
    CrisisModel(seed=0, days=2).run()  # compose and load once, as batch_run's first run would
    t = time.perf_counter()
    rows = mesa.batch_run(CrisisModel, parameters={"rng": range(runs), "policy": "baseline", "days": DAYS},
                          max_steps=DAYS, data_collection_period=-1, display_progress=False)
    elapsed = time.perf_counter() - t
    assert len(rows) == runs
    return runs * DAYS / elapsed


def time_ensemble(replicates: int, repeats: int) -> tuple[float, float]:
    """Median seconds and run-steps per second of the serial ensemble."""
    cfg = sim.compose_config([f"run.replicates={replicates}", f"run.days={DAYS}", "run.progress=false"])
    sim.run_ensemble(cfg)  # warm up
    times = [sim.run_ensemble(cfg).timings["simulate_s"] for _ in range(repeats)]
    t = statistics.median(times)
    return t, replicates * DAYS / t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="batch_run runs (replicates)")
    parser.add_argument("--repeats", type=int, default=3, help="ensemble timings to take the median of")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"diplosim speed benchmark: 2025 crisis, baseline policy, {DAYS} days; pinned to {cores} core(s)")
    batch = time_batch_run(args.runs)
    seconds, ensemble = time_ensemble(10_000, args.repeats)
    ratio = ensemble / batch
    print(f"  mesa.batch_run ({args.runs} runs x {DAYS} days):   {batch:>12,.0f} run-steps/s")
    print(f"  ensemble (10,000 replicates x {DAYS} days):  {ensemble:>12,.0f} run-steps/s")
    print(f"  ensemble / batch_run per replicate-day:     {ratio:>12,.0f} x   (target >= 100: "
          f"{'met' if ratio >= 100 else 'MISSED'})")
    print(f"  10,000 x {DAYS} on one core:                 {seconds:>12.2f} s   (target < 5 s: "
          f"{'met' if seconds < 5 else 'MISSED'})")


if __name__ == "__main__":
    main()
