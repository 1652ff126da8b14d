"""Fit the model's free behavioural parameters to the crisis record by ABC-SMC and keep the posterior.

    python experiments/calibrate.py                 # fit, print, write conf/params/posterior.* and default.yaml
    python experiments/calibrate.py --no-write      # fit and print only

Data: each historical preset's observed highest rung, duration class and ending (scenarios/*/
scenario.yaml, `observed`; the crisis table of docs/brief.md H§1a). Method: ABC population Monte
Carlo over the vectorised ensemble, discrepancy a sum of proper scores per crisis
(sim/drivers/calibration.py). No band, base rate or coverage check enters the fit, and no point
is picked out of the posterior.

Writes:
- conf/params/posterior.csv: the posterior as an equally weighted sample (one row per draw), the
  parameters every run draws from by default; conf/params/posterior.json: its provenance;
- conf/params/default.yaml: the posterior median of each parameter, the point a run uses with
  run.parameters=point (for exact comparisons; it carries no parameter uncertainty);
- results/calibration/: the last population with weights (abc_population.parquet) and the
  identification table (identification.csv: posterior sd / prior sd per parameter).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.drivers.calibration import CANDIDATE_PRIORS, PRIORS, FitSettings, fit, identification, record  # noqa: E402
from sim.runs.provenance import git_state  # noqa: E402
from sim.inputs.errors import run_script  # noqa: E402

OUT = ROOT / "results" / "calibration"
PARAMS = ROOT / "conf" / "params"

#: Posterior sd / prior sd above which a parameter counts as not identified by the record.
NOT_IDENTIFIED = 0.9


def write_params(ident, settings: FitSettings, crises: tuple[str, ...]) -> None:
    today = dt.date.today().isoformat()
    lines = [
        "# The behavioural parameters: meanings, units, ranges and hand-set defaults are declared in",
        "# sim/inputs/params.py (ModelParams). A run draws the fitted ones from the posterior sample",
        "# conf/params/posterior.csv by default; the values below are the posterior medians, used only",
        "# with run.parameters=point (exact comparisons without parameter uncertainty). Fitted on",
        f"# {today} by experiments/calibrate.py (ABC-SMC, {settings.draws} draws a generation,",
        f"# {settings.generations} generations, seed {settings.seed}) to the observed highest rung, duration",
        f"# class and ending of {len(crises)} crises: {', '.join(crises)}.",
        "defaults:",
        "  - params_schema",
    ]
    for name, row in ident.iterrows():
        flag = "  NOT IDENTIFIED" if row["sd_ratio"] > NOT_IDENTIFIED else ""
        lines.append(f"{name}: {row['median']:.4g}  # posterior median; mean {row['mean']:.3g}, sd {row['sd']:.3g}, "
                     f"90% [{row['q05']:.3g}, {row['q95']:.3g}], sd/prior sd {row['sd_ratio']:.2f}, prior "
                     f"U[{row['prior_low']:g}, {row['prior_high']:g}]{flag}")
    (PARAMS / "default.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    d = FitSettings()
    parser.add_argument("--draws", type=int, default=d.draws, help=f"draws a generation (default {d.draws})")
    parser.add_argument("--reps", type=int, default=d.reps, help=f"replicates per draw and crisis (default {d.reps})")
    parser.add_argument("--generations", type=int, default=d.generations, help=f"generations (default {d.generations})")
    parser.add_argument("--quantile", type=float, default=d.quantile, help=f"share accepted (default {d.quantile})")
    parser.add_argument("--posterior-size", type=int, default=d.posterior_size,
                        help=f"rows of the posterior sample (default {d.posterior_size})")
    parser.add_argument("--seed", type=int, default=d.seed, help=f"seed (default {d.seed})")
    parser.add_argument("--all-parameters", action="store_true",
                        help="fit every candidate parameter (the identification check); implies --no-write")
    parser.add_argument("--no-write", action="store_true", help="do not write conf/params/")
    args = parser.parse_args()
    if args.draws < 100 or not 0 < args.quantile < 1 or args.reps < 1 or args.generations < 1:
        parser.error("--draws must be >= 100, --reps and --generations >= 1, --quantile in (0, 1)")
    settings = FitSettings(draws=args.draws, reps=args.reps, generations=args.generations, quantile=args.quantile,
                           posterior_size=args.posterior_size, seed=args.seed)
    t0 = time.perf_counter()
    records = record()
    print(f"Record: {len(records)} crises")
    for r in records:
        print(f"  {r.scenario:20s} {r.trigger_date}  highest rung {r.highest_rung}, {r.duration_days:.0f} days, "
              f"{'ceasefire or agreement' if r.ceasefire else 'no ceasefire agreement'}")
    priors = CANDIDATE_PRIORS if args.all_parameters else PRIORS
    print(f"Fitting {len(priors)} parameters: {', '.join(priors)}")
    post = fit(records, settings, log=lambda s: print(s, flush=True), priors=priors)
    ident = identification(post)
    print("\nPosterior (weighted last population) and identification (sd / prior sd; near 1: not identified):")
    print(ident.round(3).to_string())
    weak = [k for k, v in ident["sd_ratio"].items() if v > NOT_IDENTIFIED]
    print(f"Not identified (sd ratio > {NOT_IDENTIFIED}): {', '.join(weak) or 'none'}")
    OUT.mkdir(parents=True, exist_ok=True)
    pop = post.draws.copy()
    pop["weight"] = post.weights
    pop.to_parquet(OUT / "abc_population.parquet", index=False)
    ident.to_csv(OUT / "identification.csv")
    seconds = time.perf_counter() - t0
    if not args.no_write and not args.all_parameters:
        sample = post.sample()
        sample.to_csv(PARAMS / "posterior.csv", index=False, float_format="%.6g")
        git = git_state()
        meta = {"method": "ABC-SMC (ABC population Monte Carlo, Beaumont et al. 2009) over the vectorised ensemble; "
                          "discrepancy: per crisis RPS(highest rung) + 0.5 RPS(duration class) + 0.5 Brier(ceasefire)",
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "seed": settings.seed, "n_draws": len(sample), "settings": settings.__dict__,
                "crises": list(post.crises), "priors": {k: list(v) for k, v in PRIORS.items()},
                "fixed_not_identified": "the parameters of CANDIDATE_PRIORS not in PRIORS keep their declared defaults",
                "history": post.history, "identification": ident.round(4).to_dict(orient="index"),
                "not_identified": weak, "git_commit": git["commit"], "git_dirty": git["dirty"],
                "script": "experiments/calibrate.py", "seconds": round(seconds, 1)}
        (PARAMS / "posterior.json").write_text(json.dumps(meta, indent=2) + "\n")
        write_params(ident, settings, post.crises)
        print(f"\nWrote conf/params/posterior.csv ({len(sample)} rows), posterior.json and default.yaml")
    print(f"Outputs in {OUT.relative_to(ROOT)}/ ({seconds:.0f} s)")


if __name__ == "__main__":
    run_script(main, "calibrate.py")
