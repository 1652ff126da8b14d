"""Time to draw a run's figures and report, for 1,000 and 10,000 replicates (issue 5).

Figures are drawn from aggregates (the daily shares, the summary, one bincount per survival
curve), so their cost should not grow with the number of replicates. Prints, per run size: the
seconds to simulate, to draw and write every figure of the run as PNG and SVG with report.md and
report.html (from memory, and again from a results directory on disk written without figures,
as ``diplosim figures`` would), each figure's share, and the seconds to compare two policies.

    python experiments/benchmark_figures.py [--replicates 1000,10000] [--days 120]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import sim
from sim.runs.results import write_results
from sim.views.render import compare_policies, plot_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", default="1000,10000", help="comma-separated run sizes")
    parser.add_argument("--days", type=int, default=120)
    args = parser.parse_args()
    sizes = [int(s) for s in args.replicates.split(",")]
    print(f"{'replicates':>10s} {'simulate s':>10s} {'figures+report s':>16s} {'from disk s':>11s} "
          f"{'compare 2 s':>11s}  per figure (s)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            common = [f"run.replicates={n}", f"run.days={args.days}", "run.progress=false", "run.figures=false"]
            t0 = time.perf_counter()
            base = sim.run_ensemble(overrides=common)
            t_sim = time.perf_counter() - t0
            other = sim.run_ensemble(overrides=[*common, "policy=hotline_off"])
            t0 = time.perf_counter()
            drawn = plot_run(base, Path(tmp) / f"mem_{n}")
            t_fig = time.perf_counter() - t0
            # data only (no draw step), so the figures below are drawn from the files on disk
            folder = write_results(base, dt.datetime.now(dt.timezone.utc), out_dir=tmp, name=f"run_{n}", draw=None)
            t0 = time.perf_counter()
            plot_run(folder, Path(tmp) / f"disk_{n}")
            t_disk = time.perf_counter() - t0
            t0 = time.perf_counter()
            compare_policies([base, other], Path(tmp) / f"cmp_{n}")
            t_cmp = time.perf_counter() - t0
            per = ", ".join(f"{r.name} {r.seconds:.2f}" for r in drawn.records)
            print(f"{n:>10,d} {t_sim:>10.2f} {t_fig:>16.2f} {t_disk:>11.2f} {t_cmp:>11.2f}  {per}")
            if drawn.notes:
                print("  notes:", "; ".join(drawn.notes))


if __name__ == "__main__":
    main()
