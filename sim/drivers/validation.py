"""Out-of-sample validation: leave one crisis out, refit, forecast it, score it beside benchmarks.

For each crisis of the record, :func:`loo_fold` refits the parameters by ABC-SMC on the other
crises (:func:`sim.drivers.calibration.fit` with ``exclude``: the crisis enters no discrepancy of
any generation) and forecasts the crisis from the fold's posterior. The benchmarks
(:mod:`sim.stats.benchmarks`) are fitted on the same other crises and see the same trigger-day
features. Every forecast is scored by the same proper rules (:mod:`sim.stats.scores`).
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from sim.drivers.calibration import FitSettings, Record, fit, forecast, prior_generation
from sim.inputs.scenario import load_scenario
from sim.stats import benchmarks
from sim.stats.scores import brier, log_duration_ratio, log_score, rps, rung_distribution, skill_ci

#: The trigger-day features the covariate benchmarks see (all inputs of the preset).
FEATURES = ("nuclear", "retaliation_norm", "incursion", "log_deaths")

FORECASTERS = ("model", "climatology", "covariate", "rule")


def features(scenario: str) -> dict[str, float]:
    """A preset's trigger-day features: both sides nuclear, the victim's retaliation norm, whether
    the trigger is an incursion, and log1p of the trigger's death toll."""
    sc = load_scenario(scenario)
    victim = sc.trigger.get("victim") or sc.belligerent_ids[0]
    norm = sc.belligerent_params["retaliation_norm"][sc.belligerent_ids.index(victim)]
    return {"nuclear": float(bool(sc.nuclear)), "retaliation_norm": float(norm),
            "incursion": float(sc.trigger["kind"] == "incursion"),
            "log_deaths": float(np.log1p(float(sc.trigger["deaths"])))}


def model_forecast(sims: pd.DataFrame) -> dict[str, Any]:
    """The forecast a posterior predictive sample makes: rung distribution and median duration."""
    return {"probs": rung_distribution(sims["highest_rung"].to_numpy()),
            "median_duration": float(np.median(sims["crisis_days"].to_numpy(float)))}


def loo_fold(records: Sequence[Record], left_out: str, settings: FitSettings,
             prior: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> dict[str, Any]:
    """Refit without ``left_out`` and forecast it from the fold's posterior."""
    post = fit(records, settings, exclude=left_out, prior=prior)
    sims = forecast(post.sample(), left_out, settings)
    out = model_forecast(sims)
    out["history"] = post.history
    return out


def benchmark_forecasts(records: Sequence[Record], left_out: str, feats: dict[str, dict[str, float]]
                        ) -> dict[str, dict[str, Any]]:
    """The three benchmarks' forecasts of ``left_out``, each fitted on the other crises."""
    train = [r for r in records if r.scenario != left_out]
    y = np.array([r.highest_rung for r in train])
    dur = np.array([r.duration_days for r in train])
    X = np.array([[feats[r.scenario][f] for f in FEATURES] for r in train])
    x = np.array([feats[left_out][f] for f in FEATURES])
    rule = np.array([feats[r.scenario]["retaliation_norm"] > 0 or feats[r.scenario]["incursion"] > 0 for r in train])
    rule_x = feats[left_out]["retaliation_norm"] > 0 or feats[left_out]["incursion"] > 0
    out = {}
    for name, (probs, med) in {"climatology": benchmarks.climatology(y, dur),
                               "covariate": benchmarks.ordered_logit(X, y, dur, x),
                               "rule": benchmarks.two_feature_rule(rule, y, dur, rule_x)}.items():
        out[name] = {"probs": probs, "median_duration": med}
    return out


def score(fc: dict[str, Any], rec: Record, horizon: float) -> dict[str, float]:
    """Every score of one forecast of one crisis (lower is better)."""
    p = np.asarray(fc["probs"], float)
    return {"rps": rps(p, rec.highest_rung), "log": log_score(p, rec.highest_rung),
            "brier_strikes": brier(float(p[3:].sum()), rec.highest_rung >= 3),
            "brier_war": brier(float(p[4:].sum()), rec.highest_rung >= 4),
            "log_duration_ratio": log_duration_ratio(fc["median_duration"], rec.duration_days, horizon),
            "p_observed": float(p[rec.highest_rung]), "p_strikes": float(p[3:].sum()), "p_war": float(p[4:].sum()),
            "median_duration": float(fc["median_duration"])}


def _fold_task(args: tuple) -> tuple[str, dict[str, Any]]:
    records, name, settings, prior = args
    return name, loo_fold(records, name, settings, prior)


def validate(records: Sequence[Record], settings: FitSettings, workers: int = 1,
             log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Leave-one-out forecasts and scores of every crisis, for the model and the benchmarks.

    Returns:
        ``{"per_crisis": DataFrame (one row per crisis and forecaster), "overall": {...},
        "forecasts": {crisis: {forecaster: forecast}}, "settings": {...}, "prior": the shared first
        generation}``.
    """
    prior = prior_generation(records, settings)
    if log:
        log(f"prior generation: {len(prior[0])} draws on {len(records)} crises")
    names = [r.scenario for r in records]
    tasks = [(list(records), name, settings, prior) for name in names]
    folds: dict[str, dict[str, Any]] = {}
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for name, out in pool.map(_fold_task, tasks):
                folds[name] = out
                if log:
                    log(f"fold {name}: done")
    else:
        for task in tasks:
            name, out = _fold_task(task)
            folds[name] = out
            if log:
                log(f"fold {name}: done")
    feats = {name: features(name) for name in names}
    rows, forecasts = [], {}
    for rec in records:
        fcs = {"model": folds[rec.scenario], **benchmark_forecasts(records, rec.scenario, feats)}
        forecasts[rec.scenario] = fcs
        for who, fc in fcs.items():
            rows.append({"crisis": rec.scenario, "forecaster": who, "observed_rung": rec.highest_rung,
                         "observed_duration": rec.duration_days, **score(fc, rec, settings.days)})
    table = pd.DataFrame(rows)
    return {"per_crisis": table, "overall": overall(table, settings.seed), "forecasts": forecasts,
            "settings": asdict(settings), "prior": prior}


def overall(table: pd.DataFrame, seed: int) -> dict[str, Any]:
    """Mean scores per forecaster and skill scores of the model against each benchmark, with
    bootstrap 95% intervals over crises."""
    wide = {who: table[table["forecaster"] == who].set_index("crisis") for who in FORECASTERS}
    crises = list(wide["model"].index)
    out: dict[str, Any] = {"n_crises": len(crises)}
    names = {"rps": "rps", "log": "log_score", "brier_strikes": "brier_strikes", "brier_war": "brier_war",
             "log_duration_ratio": "log_duration_ratio"}  # score column -> key in scores.json
    for col, key in names.items():
        for who in FORECASTERS:
            out[f"{key}_{who}"] = float(wide[who].loc[crises, col].mean())
        for who in FORECASTERS[1:]:
            est, lo, hi = skill_ci(wide["model"].loc[crises, col].to_numpy(), wide[who].loc[crises, col].to_numpy(),
                                   seed)
            out[f"{key}_skill_vs_{who}"] = {"estimate": _clean(est), "ci_low": _clean(lo), "ci_high": _clean(hi)}
    return out


def _clean(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
