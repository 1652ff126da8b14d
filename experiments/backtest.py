"""Backtest: the model against every historical crisis it can be set to.

    python experiments/backtest.py            # writes results/backtest/report.md and figures

For every historical preset (each set to its trigger day, never to its outcome) the model's
distribution of highest rung and duration is set beside what happened, with the probability the
model gave the observed highest rung. Brier scores for P(strikes) and P(war) across the crises
are compared with a base-rate-only forecast, in sample (the calibrated defaults) and leaving
one crisis out (the ABC draws of experiments/calibrate.py accepted without the crisis scored).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.drivers.calibration import HISTORICAL, accept, record
from sim.inputs.scenario import load_scenario

OUT = ROOT / "results" / "backtest"
ABC = ROOT / "results" / "calibration" / "abc_draws.parquet"
NUCLEAR_ERA = {"rann_kutch_1965": False, "kashmir_1965": False}

# Base rates from the record ([IP crises], 19 crises 1947-2025; brief H§2a): post-1998,
# 9 crises of which 4 reached strikes (Kargil, Uri, Pulwama, Pahalgam) and 1 war (Kargil);
# pre-1998, 8 crises (Hyderabad excluded) of which 3 were wars (1947, 1965, 1971), and those 3
# are also the only ones at rung >= 3. Leaving a crisis out removes it from its group's counts.
BASE_COUNTS = {True: {"n": 9, "strikes": 4, "war": 1}, False: {"n": 8, "strikes": 3, "war": 3}}


def base_rate(name: str, outcome: str, observed: bool, leave_out: bool) -> float:
    nuclear = NUCLEAR_ERA.get(name, True)
    c = BASE_COUNTS[nuclear]
    n, k = c["n"], c[outcome]
    if leave_out:
        n, k = n - 1, k - int(observed)
    return k / n


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=5000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--quantile", type=float, default=0.025, help="ABC acceptance share for leave-one-out")
    args = parser.parse_args()
    t0 = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    records = {r.scenario: r for r in record()}
    rows, dists = [], {}
    for name in HISTORICAL:
        res = sim.run_ensemble(overrides=[f"scenario={name}", f"run.replicates={args.replicates}",
                                          f"run.days={args.days}", "run.progress=false"])
        o, rec = res.outcomes, records[name]
        hi = o["highest_rung"].to_numpy()
        dist = np.bincount(hi, minlength=6) / hi.size
        dists[name] = (dist, o["duration_days"].to_numpy())
        q05, q95 = np.quantile(hi, [0.05, 0.95])
        rows.append({
            "crisis": name, "observed_rung": rec.highest_rung, "p_observed_rung": dist[rec.highest_rung],
            "rung_90pct": f"{q05:.0f}-{q95:.0f}", "inside_90pct": bool(q05 <= rec.highest_rung <= q95),
            "most_likely_rung": int(dist.argmax()),
            "observed_days": rec.duration_days, "median_days": float(np.median(o["duration_days"])),
            "days_90pct": "{:.0f}-{:.0f}".format(*np.quantile(o["duration_days"], [0.05, 0.95])),
            "observed_ceasefire": rec.ceasefire, "p_ceasefire": float(o["ceasefire"].mean()),
            "p_strikes": float(dist[3:].sum()), "p_war": float(dist[4:].sum()),
            "strikes": rec.highest_rung >= 3, "war": rec.highest_rung >= 4,
        })
    table = pd.DataFrame(rows)

    # Leave one crisis out: ABC draws accepted on the other crises' distances.
    loo_note = ""
    if ABC.exists():
        draws = pd.read_parquet(ABC)
        dist_cols = {c[len("dist_"):]: c for c in draws.columns if c.startswith("dist_")}
        dist = draws[list(dist_cols.values())].rename(columns={v: k for k, v in dist_cols.items()})
        for i, name in enumerate(table["crisis"]):
            idx = accept(dist, args.quantile, exclude=name)
            acc = draws.iloc[idx]
            p = [acc[f"p_rung{k}_{name}"].mean() for k in range(6)]
            table.loc[i, "loo_p_strikes"] = sum(p[3:])
            table.loc[i, "loo_p_war"] = sum(p[4:])
            table.loc[i, "loo_p_observed_rung"] = p[records[name].highest_rung]
    else:
        loo_note = "(No ABC draws found: run experiments/calibrate.py first for the leave-one-out columns.)"
    for outcome in ("strikes", "war"):
        table[f"base_{outcome}"] = [base_rate(n, outcome, bool(y), False) for n, y in zip(table["crisis"], table[outcome])]
        table[f"loo_base_{outcome}"] = [base_rate(n, outcome, bool(y), True) for n, y in zip(table["crisis"], table[outcome])]

    scores = []
    for outcome in ("strikes", "war"):
        y = table[outcome].to_numpy()
        line = {"outcome": f"P({outcome})", "model": brier(table[f"p_{outcome}"], y),
                "base_rate": brier(table[f"base_{outcome}"], y), "loo_base_rate": brier(table[f"loo_base_{outcome}"], y)}
        if f"loo_p_{outcome}" in table:
            line["loo_model"] = brier(table[f"loo_p_{outcome}"], y)
        scores.append(line)
    scores = pd.DataFrame(scores)
    _figures(table, dists)
    _report(table, scores, args, loo_note)
    print(table[["crisis", "observed_rung", "p_observed_rung", "rung_90pct", "inside_90pct", "observed_days",
                 "median_days", "p_strikes", "p_war"]].round(3).to_string(index=False))
    print()
    print(scores.round(4).to_string(index=False))
    print(f"\nReport: {(OUT / 'report.md').relative_to(ROOT)} ({time.perf_counter() - t0:.0f} s)")


def _figures(table: pd.DataFrame, dists: dict) -> None:
    n = len(table)
    fig, axes = plt.subplots(3, 3, figsize=(11, 9), sharey=True)
    for ax, (_, row) in zip(axes.ravel(), table.iterrows()):
        dist, _ = dists[row["crisis"]]
        bars = ax.bar(range(6), dist, color="#999999", edgecolor="black")
        bars[row["observed_rung"]].set_color("#0072B2")
        bars[row["observed_rung"]].set_hatch("//")
        ax.set_title(row["crisis"], fontsize=10)
        ax.set_xticks(range(6))
        ax.set_xlabel("highest rung")
        ax.set_ylim(0, 1)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of replicates")
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.suptitle("Model distribution of the highest rung; observed rung hatched blue")
    fig.tight_layout()
    fig.savefig(OUT / "highest_rung_by_crisis.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 4.5))
    data = [np.clip(dists[c][1], 0, None) for c in table["crisis"]]
    ax.boxplot(data, whis=(5, 95), showfliers=False)
    ax.scatter(range(1, n + 1), table["observed_days"], color="#D55E00", marker="D", zorder=3, label="observed")
    ax.set_xticks(range(1, n + 1), table["crisis"], rotation=35, ha="right")
    ax.set_ylabel("crisis duration (days)")
    ax.set_title("Model duration (days to the last day at rung >= 2; box 25-75%, whiskers 5-95%) and the record")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "duration_by_crisis.png", dpi=110)
    plt.close(fig)


def _report(table: pd.DataFrame, scores: pd.DataFrame, args, loo_note: str) -> None:
    lines = ["# Backtest against the India-Pakistan crisis record", "",
             f"{args.replicates:,} replicates per crisis, {args.days} days, the default (calibrated) parameters. "
             "Each preset is set to its trigger day; its observed outcome is kept apart. "
             "Durations: the model counts days to the last day of fighting (rung >= 2), the record ICB's "
             "trigger-to-termination days, so crises that stayed at rung 1 compare poorly by construction.", "",
             "![highest rung](highest_rung_by_crisis.png)", "", "![duration](duration_by_crisis.png)", "",
             "## Crisis by crisis", "",
             "| crisis | observed rung | P(observed rung) | 90% range | inside | observed days | median days | "
             "P(strikes) | P(war) | LOO P(observed rung) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        loo = f"{r['loo_p_observed_rung']:.3f}" if "loo_p_observed_rung" in r and pd.notna(r.get("loo_p_observed_rung")) else "—"
        lines.append(f"| {r['crisis']} | {r['observed_rung']} | {r['p_observed_rung']:.3f} | {r['rung_90pct']} | "
                     f"{'yes' if r['inside_90pct'] else 'NO'} | {r['observed_days']:.0f} | {r['median_days']:.0f} | "
                     f"{r['p_strikes']:.3f} | {r['p_war']:.3f} | {loo} |")
    lines += ["", "## Brier scores (lower is better)", "",
              "| forecast of | model (in sample) | base rate | model (leave one out) | base rate (leave one out) |",
              "|---|---|---|---|---|"]
    for _, s in scores.iterrows():
        loo = f"{s['loo_model']:.4f}" if "loo_model" in s and pd.notna(s.get("loo_model")) else "—"
        lines.append(f"| {s['outcome']} | {s['model']:.4f} | {s['base_rate']:.4f} | {loo} | {s['loo_base_rate']:.4f} |")
    lines += ["", "## Where the model does worse", ""]
    for _, s in scores.iterrows():
        if s["model"] > s["base_rate"]:
            lines.append(f"- In sample, the model's {s['outcome']} forecasts score worse than the base rate "
                         f"({s['model']:.4f} vs {s['base_rate']:.4f}).")
        if "loo_model" in s and pd.notna(s.get("loo_model")) and s["loo_model"] > s["loo_base_rate"]:
            lines.append(f"- Out of sample (leave one out), the model's {s['outcome']} forecasts score worse than "
                         f"the base rate ({s['loo_model']:.4f} vs {s['loo_base_rate']:.4f}).")
    for _, r in table.iterrows():
        if r["p_observed_rung"] < 0.1:
            lines.append(f"- {r['crisis']}: the model gave the observed highest rung ({r['observed_rung']}) only "
                         f"{r['p_observed_rung']:.3f}; it expected rung {r['most_likely_rung']}.")
        if not r["inside_90pct"]:
            lines.append(f"- {r['crisis']}: the observed highest rung lies outside the model's 90% range ({r['rung_90pct']}).")
    if loo_note:
        lines += ["", loo_note]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    table.to_csv(OUT / "backtest.csv", index=False)


if __name__ == "__main__":
    main()
