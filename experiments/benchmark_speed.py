"""Speed of the ensemble path against mesa.batch_run on the same CrisisModel, side by side.

Prints run-steps (one replicate advanced one day) per second for both paths, their ratio, and the
wall time of 10,000 replicates x 120 days of the 2025 crisis on one core. Targets (issue 2):
ensemble >= 100x batch_run per replicate-day, and 10,000 x 120 in under 5 s on one core.

CrisisModel at R = 1 is a slow yardstick (numpy calls on one-element arrays), so the ensemble is
also set against a scalar one: ``mesa.batch_run`` on an idiomatic scalar Mesa model of the same
size (``experiments/scalar_yardstick.py``: 9 agents, 27 draws and 13 reporters a day, plain
Python floats; not the crisis model's dynamics), with the same runs and days (issue 11). The
three are timed in rounds, one after the other, and each figure is the median over the rounds
(a ratio: the median of each round's ratio), so a ratio never sets runs made under different
loads of a shared machine against each other.

Last, the share of a CrisisModel step at R = 1 spent in its Mesa reporters: the same seeds
stepped day by day with ``datacollector.collect`` and without it, interleaved. Target (issue 11):
at most 5%.

    python experiments/benchmark_speed.py [--runs 40] [--repeats 3] [--share-runs 60]
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
from scalar_yardstick import time_yardstick

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


def time_rounds(runs: int, replicates: int, repeats: int) -> dict[str, float]:
    """Rounds of mesa.batch_run on CrisisModel, mesa.batch_run on the scalar yardstick and the serial
    ensemble, one after the other, so that each round's ratios compare runs made under the same
    load: the median of each rate, of the ensemble's seconds and of each round's ratios."""
    cfg = sim.compose_config([f"run.replicates={replicates}", f"run.days={DAYS}", "run.progress=false"])
    sim.run_ensemble(cfg)  # warm up
    rounds = []
    for _ in range(repeats):
        batch, yardstick = time_batch_run(runs), time_yardstick(runs, DAYS)
        seconds = sim.run_ensemble(cfg).timings["simulate_s"]
        ensemble = replicates * DAYS / seconds
        rounds.append({"batch": batch, "yardstick": yardstick, "seconds": seconds, "ensemble": ensemble,
                       "ensemble_per_batch": ensemble / batch, "ensemble_per_yardstick": ensemble / yardstick,
                       "batch_per_yardstick": batch / yardstick})
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def reporter_share(runs: int) -> tuple[float, float, float]:
    """Share of a CrisisModel step at R = 1 spent in the Mesa reporters, and the microseconds of a
    day with and without them.

    Two models of each seed are stepped day by day, one collecting and one whose ``collect`` does
    nothing; the order alternates each day so that neither always runs on a warmer cache. Both
    runs have the same numbers (the reporters only read the state), so they stop on the same day.
    Steps are timed in this thread's CPU time: on a core shared with other processes, wall time
    would also count theirs, and a difference of a few percent would drown in it.
    """
    CrisisModel(seed=0, days=2).run()
    with_, without, days = 0.0, 0.0, 0
    clock = time.thread_time
    for seed in range(runs):
        collecting, silent = CrisisModel(seed=seed, days=DAYS), CrisisModel(seed=seed, days=DAYS)
        silent.datacollector.collect = lambda model: None
        while collecting.running:
            pair = (collecting, silent) if days % 2 else (silent, collecting)
            for model in pair:
                t = clock()
                model.step()
                if model is collecting:
                    with_ += clock() - t
                else:
                    without += clock() - t
            days += 1
        assert not silent.running and silent.day == collecting.day
    return (with_ - without) / with_, with_ / days * 1e6, without / days * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="batch_run runs (replicates)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="rounds (batch_run, yardstick, ensemble) to take the medians of")
    parser.add_argument("--share-runs", type=int, default=60, help="seeds stepped to measure the reporters' share")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"diplosim speed benchmark: 2025 crisis, baseline policy, {DAYS} days; pinned to {cores} core(s)")
    m = time_rounds(args.runs, 10_000, args.repeats)
    batch, ensemble, seconds, ratio = m["batch"], m["ensemble"], m["seconds"], m["ensemble_per_batch"]
    print(f"  mesa.batch_run ({args.runs} runs x {DAYS} days):   {batch:>12,.0f} run-steps/s")
    print(f"  ensemble (10,000 replicates x {DAYS} days):  {ensemble:>12,.0f} run-steps/s")
    print(f"  ensemble / batch_run per replicate-day:     {ratio:>12,.0f} x   (target >= 100: "
          f"{'met' if ratio >= 100 else 'MISSED'})")
    print(f"  10,000 x {DAYS} on one core:                 {seconds:>12.2f} s   (target < 5 s: "
          f"{'met' if seconds < 5 else 'MISSED'})")
    print(f"  scalar Mesa yardstick ({args.runs} runs x {DAYS} days): {m['yardstick']:>10,.0f} run-steps/s")
    print(f"  ensemble = {ratio:,.0f} x batch_run(CrisisModel), {m['ensemble_per_yardstick']:,.1f} x scalar Mesa "
          f"yardstick (batch_run(CrisisModel) = {m['batch_per_yardstick']:.3f} x yardstick)")
    share, with_us, without_us = reporter_share(args.share_runs)
    print(f"  Mesa reporters at R = 1 ({args.share_runs} runs): {share:>6.1%} of a step ({with_us:,.0f} us a day "
          f"with, {without_us:,.0f} without)   (target <= 5%: {'met' if share <= 0.05 else 'MISSED'})")


if __name__ == "__main__":
    main()
