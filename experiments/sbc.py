"""Simulation-based calibration of the fitting machinery on synthetic records.

    python experiments/sbc.py                # 20 synthetic records (about 40 min on 2 cores)
    python experiments/sbc.py --fits 4 --quick

Each fit draws a true parameter set from the prior, simulates one synthetic outcome for every
crisis of the record at that truth (one replicate each: highest rung, duration, ceasefire), fits
that synthetic record with the same ABC-SMC as experiments/calibrate.py, and asks whether each
parameter's 90% posterior interval covers the truth. A sound sampler covers it in about 90% of
fits (85-95% is the target; Talts et al. 2018 for the rank-based form of the check). Writes
results/sbc/coverage.csv, ranks.csv and summary.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.drivers.calibration import FitSettings, Record, draw_prior, fit, identification, record, simulate  # noqa: E402
from sim.inputs.errors import run_script  # noqa: E402

OUT = ROOT / "results" / "sbc"
SETTINGS = FitSettings(draws=1000, reps=4, generations=3, quantile=0.1)
QUICK = FitSettings(draws=300, reps=2, generations=2, quantile=0.1)


def one_fit(args: tuple) -> dict:
    k, base_records, settings = args
    truth = draw_prior(1, settings.seed + 10_000 + k)
    sims = simulate(truth, settings.seed + 20_000 + k, 1, [r.scenario for r in base_records], settings.days,
                    settings.block_size)
    synthetic = [Record(r.scenario, r.trigger_date, int(sims[r.scenario]["highest_rung"].iloc[0]),
                        float(sims[r.scenario]["crisis_days"].iloc[0]), bool(sims[r.scenario]["ceasefire"].iloc[0]))
                 for r in base_records]
    post = fit(synthetic, replace(settings, seed=settings.seed + 30_000 + k))
    ident = identification(post)
    w = post.weights / post.weights.sum()
    out = {"fit": k}
    for name in ident.index:
        t = float(truth[name].iloc[0])
        out[f"{name}_covered"] = bool(ident.loc[name, "q05"] <= t <= ident.loc[name, "q95"])
        out[f"{name}_rank"] = float(np.sum(w * (post.draws[name].to_numpy() < t)))  # posterior CDF at the truth
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fits", type=int, default=20, help="synthetic records (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--quick", action="store_true", help="small fits")
    parser.add_argument("--quantile", type=float, default=None, help="share accepted a generation (default as the fit)")
    parser.add_argument("--generations", type=int, default=None, help="generations (default 3)")
    parser.add_argument("--out", default=str(OUT), help=f"output folder (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args()
    if args.fits < 1 or args.workers < 1:
        parser.error("--fits and --workers must be >= 1")
    if args.quantile is not None and not 0 < args.quantile < 1:
        parser.error("--quantile must be in (0, 1)")
    if args.generations is not None and args.generations < 1:
        parser.error("--generations must be >= 1")
    settings = QUICK if args.quick else SETTINGS
    settings = replace(settings, **{k: v for k, v in (("quantile", args.quantile), ("generations", args.generations))
                                    if v is not None})
    out = Path(args.out)
    t0 = time.perf_counter()
    base = record()
    tasks = [(k, base, settings) for k in range(args.fits)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        rows = []
        for row in pool.map(one_fit, tasks):
            rows.append(row)
            print(f"fit {row['fit'] + 1}/{args.fits} done", flush=True)
    table = pd.DataFrame(rows)
    names = [c[:-len("_covered")] for c in table.columns if c.endswith("_covered")]
    coverage = pd.DataFrame({"parameter": names, "coverage_90": [table[f"{n}_covered"].mean() for n in names]})
    pooled = float(np.mean([table[f"{n}_covered"].mean() for n in names]))
    se = float(np.sqrt(0.9 * 0.1 / (len(names) * len(table))))
    out.mkdir(parents=True, exist_ok=True)
    coverage.to_csv(out / "coverage.csv", index=False)
    table.to_csv(out / "ranks.csv", index=False)
    summary = {"fits": len(table), "pooled_coverage_90": pooled, "se_if_nominal": se,
               "target": [0.85, 0.95], "settings": settings.__dict__, "quick": args.quick,
               "per_parameter": dict(zip(coverage["parameter"], coverage["coverage_90"].round(3))),
               "seconds": round(time.perf_counter() - t0, 1)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(coverage.round(3).to_string(index=False))
    print(f"Pooled coverage of the 90% intervals: {pooled:.3f} over {len(table)} fits x {len(names)} parameters "
          f"(target 0.85-0.95; se {se:.3f} if nominal) — {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    run_script(main, "sbc.py")
