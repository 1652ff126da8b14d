"""Calibration against the historical record by ABC over the vectorised ensemble.

Each parameter draw from the prior runs as ``reps`` replicates: a whole prior sample runs as one
batch per historical preset (per-replicate parameter arrays). A draw's distance to the record
sums, over the crises, the expected gap between the simulated and the observed highest rung,
plus half a point for a wrong duration class and half a point for a wrong ending (ceasefire or
not), averaged over the draw's replicates; and, as summary statistics, the targets of brief
M§8 (P(strikes) ≈ 0.45 pooled over the post-1998 presets and ≈ 0.75 for each post-2016 preset,
P(war) ≤ 0.11 over the post-1998 ones, 0.2-0.5 over the pre-nuclear ones, a median post-1998
crisis of 2-8 weeks, and for the 2025 reference case a median of 2-8 weeks and a kinetic phase of
at most a week), each costing TARGET_WEIGHT points per unit of probability outside its band.
The draws closest form the posterior.

Leaving one crisis out is cheap: the same draws are accepted on the other crises' distances,
and their simulated outcomes of the crisis left out are its out-of-sample predictive sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from sim.inputs.compose import compose_config
from sim.inputs.scenario import load_scenario
from sim.runs.ensemble import run_ensemble
from sim.stats.summary import summarise
from sim.stats.targets import calibration_checks

#: The historical presets the model is fitted to and scored on (not the era preset).
HISTORICAL = ("rann_kutch_1965", "kashmir_1965", "kargil_1999", "twin_peaks_2001", "kaluchak_2002",
              "mumbai_2008", "uri_2016", "pulwama_2019", "pahalgam_2025")


#: Free behavioural parameters fitted to the record, with uniform priors (low, high).
PRIORS: dict[str, tuple[float, float]] = {
    "grievance_per_log_death": (1.0, 3.5),
    "w_retaliation_norm": (0.0, 6.0),
    "threshold_rung2": (1.0, 6.0),
    "threshold_rung3": (4.0, 9.0),
    "threshold_rung4": (0.0, 4.0),
    "danger_rung4": (2.0, 14.0),
    "cf_intercept": (-4.0, 0.0),
    "grievance_share_without_norm": (0.0, 1.0),
    "grievance_from_incursion": (0.0, 2.0),
    "incursion_danger_factor": (0.0, 1.0),
}


DURATION_EDGES = (30, 90)  # duration classes: <= 30 days, 31-90 days, > 90 days

ABC_DAYS = 180


def duration_class(days: np.ndarray | float) -> np.ndarray:
    """0 for crises of at most 30 days, 1 for 31-90 days, 2 for longer ones."""
    return np.searchsorted(np.asarray(DURATION_EDGES, dtype=float), np.asarray(days, dtype=float), side="left")


@dataclass
class Record:
    """What happened in one historical crisis (from its scenario's ``observed`` block)."""

    scenario: str
    highest_rung: int
    duration_days: float
    ceasefire: bool


def record() -> list[Record]:
    """The observed outcomes of the historical presets."""
    out = []
    for name in HISTORICAL:
        obs = load_scenario(name).observed
        out.append(Record(name, int(obs["highest_rung"]), float(obs["duration_days"]),
                          str(obs.get("ending", "")) == "ceasefire"))
    return out


def draw_prior(n: int, seed: int) -> pd.DataFrame:
    """n parameter draws from the uniform priors (a seeded generator of its own)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xABC]))
    return pd.DataFrame({k: rng.uniform(lo, hi, n) for k, (lo, hi) in PRIORS.items()})


#: Targets of brief M§8 used as summary statistics: (presets pooled, outcome, low, high).
POST_1998 = ("kargil_1999", "twin_peaks_2001", "kaluchak_2002", "mumbai_2008", "uri_2016", "pulwama_2019",
             "pahalgam_2025")


TARGETS = (
    (POST_1998, "strikes", 0.35, 0.55),  # P(rung >= 3 | post-1998 crisis) ≈ 0.45
    (("uri_2016",), "strikes", 0.6, 0.9),  # ≈ 0.75 for each post-2016 preset
    (("pulwama_2019",), "strikes", 0.6, 0.9),
    (("pahalgam_2025",), "strikes", 0.6, 0.9),
    (POST_1998, "war", 0.0, 0.11),  # P(war | post-1998 crisis) <= 0.11
    (("rann_kutch_1965", "kashmir_1965"), "war", 0.2, 0.5),  # pre-1998, nuclear off: 0.2-0.5
    (POST_1998, "within_8_weeks", 0.5, 1.0),  # median crisis duration ≈ 2-8 weeks: at most 56 days ...
    (POST_1998, "beyond_2_weeks", 0.5, 1.0),  # ... and at least 14 days
    # The reference case on its own (the pooled bands above can be met by crises that never
    # fought, whose duration of fighting is 0): its median duration 2-8 weeks, kinetic phase
    # (rung >= 3) days, not weeks.
    (("pahalgam_2025",), "within_8_weeks", 0.5, 1.0),
    (("pahalgam_2025",), "beyond_2_weeks", 0.5, 1.0),
    (("pahalgam_2025",), "kinetic_within_week", 0.5, 1.0),
)


TARGET_WEIGHT = 20.0  # distance points per unit of probability outside a target band (near-hard constraints)


def simulate(draws: pd.DataFrame, seed: int, reps: int = 1, scenarios: Sequence[str] = HISTORICAL,
             days: int = ABC_DAYS, block_size: int = 5000) -> dict[str, pd.DataFrame]:
    """Run every scenario ``reps`` times per draw; per-replicate outcomes by scenario, with a
    ``draw`` column (replicate ``i * reps + k`` belongs to draw ``i``)."""
    out = {}
    arrays = {k: np.repeat(draws[k].to_numpy(), reps) for k in draws.columns}
    for name in scenarios:
        cfg = compose_config([f"scenario={name}", f"run.replicates={len(draws) * reps}", f"run.days={days}",
                              f"run.seed={seed}", f"run.block_size={block_size}", "run.progress=false",
                              "run.parameters=point"])  # the fit's draws on the point, never a former posterior
        o = run_ensemble(cfg, param_arrays=arrays, progress=False).outcomes
        o["draw"] = np.repeat(np.arange(len(draws)), reps)
        out[name] = o
    return out


def distances(sims: dict[str, pd.DataFrame], records: Sequence[Record]) -> pd.DataFrame:
    """Per draw (rows): each crisis's expected distance to the record (columns named by scenario)
    and each base-rate target's penalty (columns ``target_<k>``)."""
    cols = {}
    for rec in records:
        o = sims[rec.scenario]
        d = np.abs(o["highest_rung"].to_numpy() - rec.highest_rung).astype(float)
        if rec.highest_rung >= 2:  # the model's duration counts days of fighting (rung >= 2)
            d += 0.5 * (duration_class(o["duration_days"].to_numpy()) != duration_class(rec.duration_days))
        d += 0.5 * (o["ceasefire"].to_numpy() != rec.ceasefire)
        cols[rec.scenario] = pd.Series(d).groupby(o["draw"].to_numpy()).mean().to_numpy()
    for o in sims.values():
        o["within_8_weeks"] = o["duration_days"] <= 56
        o["beyond_2_weeks"] = o["duration_days"] >= 14
        o["kinetic_within_week"] = o["kinetic_days"] <= 7
    for k, (names, outcome, lo, hi) in enumerate(TARGETS):
        rate = np.mean([pd.Series(sims[n][outcome].to_numpy(float)).groupby(sims[n]["draw"].to_numpy()).mean()
                        .to_numpy() for n in names if n in sims], axis=0)
        cols[f"target_{k}"] = TARGET_WEIGHT * (np.maximum(lo - rate, 0) + np.maximum(rate - hi, 0))
    return pd.DataFrame(cols)


def covers(sims: dict[str, pd.DataFrame], records: Sequence[Record], level: float = 0.9,
           margin_se: float = 0.0) -> pd.DataFrame:
    """Per draw (rows) and crisis (columns): whether the observed highest rung lies inside the
    draw's central ``level`` predictive range of highest rung, i.e. whether the model gives the
    observed rung or below, and the observed rung or above, each at least (1 - level) / 2.

    ``margin_se`` asks for that many standard errors (of a share of (1 - level) / 2 over the
    draw's replicates) more, so that coverage seen in a few hundred replicates still holds in many.
    """
    tail = (1.0 - level) / 2.0
    cols = {}
    for rec in records:
        o = sims[rec.scenario]
        hi, draw = o["highest_rung"].to_numpy(), o["draw"].to_numpy()
        below = pd.Series(hi <= rec.highest_rung).groupby(draw)
        above = pd.Series(hi >= rec.highest_rung).groupby(draw).mean().to_numpy()
        need = tail + margin_se * np.sqrt(tail * (1.0 - tail) / below.size().to_numpy())
        cols[rec.scenario] = (below.mean().to_numpy() >= need) & (above >= need)
    return pd.DataFrame(cols)


def reference_checks_met(sims: dict[str, pd.DataFrame], scenario: str = "pahalgam_2025",
                         days: int = ABC_DAYS) -> np.ndarray:
    """Per draw: whether the reference crisis meets every brief M§8 check of
    :func:`sim.stats.targets.calibration_checks` (the checks every run of a post-2016 crisis prints)."""
    sc = load_scenario(scenario)
    met = []
    for _, o in sims[scenario].groupby("draw"):
        summary = summarise(o, days, ["bilateral", *sc.third_party_ids], sc.third_party_ids, sc.belligerent_ids)
        met.append(all(ok for _, ok, _ in calibration_checks(summary)))
    return np.array(met, dtype=bool)


def accept(dist: pd.DataFrame, quantile: float, exclude: str | None = None) -> np.ndarray:
    """Indices of the draws whose total distance (without ``exclude``) is in the lowest quantile."""
    total = dist.drop(columns=[exclude]) if exclude else dist
    total = total.sum(axis=1).to_numpy()
    k = max(1, int(round(quantile * total.size)))
    return np.argsort(total, kind="stable")[:k]


def posterior_summary(draws: pd.DataFrame, idx: np.ndarray) -> pd.DataFrame:
    """Mean, sd and 5-95% interval of each fitted parameter among the accepted draws."""
    acc = draws.iloc[idx]
    return pd.DataFrame({"prior_low": [PRIORS[k][0] for k in draws.columns],
                         "prior_high": [PRIORS[k][1] for k in draws.columns],
                         "mean": acc.mean(), "sd": acc.std(ddof=1),
                         "q05": acc.quantile(0.05), "q95": acc.quantile(0.95)}, index=draws.columns)


def perturb(accepted: pd.DataFrame, weights: np.ndarray, n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """One ABC population Monte Carlo step (Beaumont et al. 2009): n new draws from a Gaussian
    kernel (twice the weighted covariance) around the accepted ones, kept inside the prior box,
    with importance weights prior / kernel mixture (the prior is uniform, so 1 / mixture)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xBEE]))
    x = accepted.to_numpy(float)
    w = weights / weights.sum()
    cov = 2.0 * np.cov(x.T, aweights=w)
    lo = np.array([PRIORS[k][0] for k in accepted.columns])
    hi = np.array([PRIORS[k][1] for k in accepted.columns])
    out = np.empty((n, x.shape[1]))
    filled = 0
    while filled < n:
        parents = rng.choice(len(x), size=2 * (n - filled), p=w)
        cand = x[parents] + rng.multivariate_normal(np.zeros(x.shape[1]), cov, size=parents.size)
        cand = cand[((cand >= lo) & (cand <= hi)).all(axis=1)][: n - filled]
        out[filled:filled + len(cand)] = cand
        filled += len(cand)
    inv = np.linalg.inv(cov)
    diff = out[:, None, :] - x[None, :, :]
    kernel = np.exp(-0.5 * np.einsum("nkd,de,nke->nk", diff, inv, diff))
    new_w = 1.0 / (kernel @ w)
    return pd.DataFrame(out, columns=accepted.columns), new_w / new_w.sum()


def weighted_summary(draws: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Weighted mean, sd and 5-95% interval of each parameter of a weighted population."""
    w = np.asarray(weights, float) / np.sum(weights)
    rows = {}
    for k in draws.columns:
        x = draws[k].to_numpy(float)
        mean = float(np.sum(w * x))
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        q05, q95 = (float(x[order][np.searchsorted(cdf, q)]) for q in (0.05, 0.95))
        rows[k] = {"prior_low": PRIORS[k][0], "prior_high": PRIORS[k][1], "mean": mean,
                   "sd": float(np.sqrt(np.sum(w * (x - mean) ** 2))), "q05": q05, "q95": q95}
    return pd.DataFrame.from_dict(rows, orient="index")

