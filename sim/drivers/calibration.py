"""Fitting the model's free parameters to the crisis record: ABC-SMC over the vectorised ensemble.

**Data.** Each historical preset (a scenario with an ``observed`` block) contributes its observed
highest rung, its duration class (ICB termination: at most 30 days, 31-90, longer) and whether it
ended in a ceasefire or agreement. Nothing else: no band or base rate computed from the record
enters the fit, so leaving a crisis out of the record leaves it out of the fit entirely.

**Discrepancy.** Each parameter draw runs ``reps`` replicates of every crisis (the draws of a
generation run as per-replicate parameter arrays, one batch per crisis). A draw's discrepancy is
the sum over crises of proper scores of its predictive distribution against the record: the
ranked probability score of the highest rung, plus half the ranked probability score of the
duration class and half the Brier score of the ending (weights fixed before any fit). Scoring
rules as ABC discrepancies: Pacchiardi & Dutta (2021); see also Gneiting & Raftery (2007).

**Algorithm.** ABC population Monte Carlo (Beaumont et al. 2009): the first generation draws from
the uniform priors; each later one perturbs the accepted population with a Gaussian kernel of
twice its weighted covariance, with importance weights prior / kernel mixture; each generation
accepts the ``quantile`` of its draws closest to the record, so the tolerance falls from
generation to generation. The last accepted population, with its weights, is the posterior;
:func:`posterior_sample` resamples it into an equally weighted sample. No draw is picked out of
it afterwards.

**Why our own sampler rather than pyabc.** pyabc's model interface simulates one parameter set at
a time; here a whole generation of draws runs as one vectorised batch per crisis, which is what
makes a fit take minutes. The sampler is the textbook one and short; its machinery is checked by
simulation-based calibration (``experiments/sbc.py``).

**Leaving a crisis out** (:func:`fit` with ``exclude``) drops it from every discrepancy of every
generation; its own simulations are never used. The first generation does not depend on the
record, so folds may share its discrepancies (``prior_distances``): a fold then equals a fit run
on its own with the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.inputs.compose import compose_config
from sim.inputs.scenario import load_scenario
from sim.inputs.scenario.coding import historical_presets
from sim.runs.ensemble import run_ensemble
from sim.stats.scores import RUNGS, rps

#: Candidate free parameters with their uniform priors (low, high). A fit of all of them on the
#: 18 crises (2026-12-02, experiments/calibrate.py --all-parameters) left seven with posterior sd
#: above 0.9 of the prior sd, i.e. not identified by the record: w_retaliation_norm 0.98,
#: threshold_rung2 0.96, threshold_rung3 0.96, threshold_rung4 0.97, danger_rung4 0.98,
#: grievance_from_standing_cause 1.07, incursion_danger_factor 1.00. They are fixed at their
#: declared defaults (sim/inputs/params.py) and left out of PRIORS; the four the record does
#: inform are fitted.
CANDIDATE_PRIORS: dict[str, tuple[float, float]] = {
    "grievance_per_log_death": (1.0, 3.5),
    "w_retaliation_norm": (0.0, 6.0),
    "threshold_rung2": (1.0, 6.0),
    "threshold_rung3": (4.0, 9.0),
    "threshold_rung4": (0.0, 4.0),
    "danger_rung4": (2.0, 14.0),
    "cf_intercept": (-4.0, 0.0),
    "grievance_share_without_norm": (0.0, 1.0),
    "grievance_from_standing_cause": (0.0, 2.0),
    "grievance_per_severity": (0.0, 4.0),
    "incursion_danger_factor": (0.0, 1.0),
}

#: Not identified by the record (see above): fixed at their declared defaults.
NOT_IDENTIFIED = ("w_retaliation_norm", "threshold_rung2", "threshold_rung3", "threshold_rung4", "danger_rung4",
                  "grievance_from_standing_cause", "incursion_danger_factor")

#: The parameters fitted, with their priors.
PRIORS: dict[str, tuple[float, float]] = {k: v for k, v in CANDIDATE_PRIORS.items() if k not in NOT_IDENTIFIED}

DURATION_EDGES = (30, 90)  # duration classes: <= 30 days, 31-90 days, > 90 days
DURATION_CLASSES = len(DURATION_EDGES) + 1

#: Weights of the three scores in a crisis's discrepancy (fixed a priori).
W_RUNG, W_DURATION, W_ENDING = 1.0, 0.5, 0.5

#: Columns a fit or a forecast keeps of each simulated replicate.
SIM_COLUMNS = ("highest_rung", "crisis_days", "ceasefire")


def duration_class(days: np.ndarray | float) -> np.ndarray:
    """0 for crises of at most 30 days, 1 for 31-90 days, 2 for longer ones."""
    return np.searchsorted(np.asarray(DURATION_EDGES, dtype=float), np.asarray(days, dtype=float), side="left")


@dataclass(frozen=True)
class Record:
    """What happened in one historical crisis (its scenario's ``observed`` block)."""

    scenario: str
    trigger_date: str
    highest_rung: int
    duration_days: float
    ceasefire: bool


def record(names: Sequence[str] | None = None) -> list[Record]:
    """The observed outcomes of the historical presets (all of them by default)."""
    out = []
    for name in names or historical_presets():
        sc = load_scenario(name)
        obs = sc.observed
        out.append(Record(name, str(sc.trigger["date"]), int(obs["highest_rung"]), float(obs["duration_days"]),
                          str(obs.get("ending", "")) == "ceasefire"))
    return out


@dataclass(frozen=True)
class FitSettings:
    """Sizes and seed of one ABC-SMC fit."""

    draws: int = 2000  # draws a generation
    reps: int = 5  # replicates per draw and crisis
    generations: int = 4
    quantile: float = 0.1  # share of each generation accepted
    days: int = 180  # simulated horizon
    seed: int = 2026
    block_size: int = 5000
    posterior_size: int = 400  # rows of the equally weighted posterior sample
    forecast_reps: int = 10  # replicates per posterior row when forecasting a crisis


def draw_prior(n: int, seed: int, priors: Mapping[str, tuple[float, float]] = PRIORS) -> pd.DataFrame:
    """n parameter draws from the uniform priors (a seeded generator of its own)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xABC]))
    return pd.DataFrame({k: rng.uniform(lo, hi, n) for k, (lo, hi) in priors.items()})


def simulate(draws: pd.DataFrame, seed: int, reps: int, scenarios: Sequence[str], days: int,
             block_size: int = 5000) -> dict[str, pd.DataFrame]:
    """Run every scenario ``reps`` times per draw, the draws as per-replicate parameter arrays.

    Returns:
        Per scenario, the columns of :data:`SIM_COLUMNS` and ``draw`` (replicate ``i * reps + k``
        belongs to draw ``i``). Parameters not in ``draws`` keep their configured values.
    """
    out = {}
    arrays = {k: np.repeat(draws[k].to_numpy(float), reps) for k in draws.columns}
    for name in scenarios:
        cfg = compose_config([f"scenario={name}", f"run.replicates={len(draws) * reps}", f"run.days={days}",
                              f"run.seed={seed}", f"run.block_size={block_size}", "run.progress=false",
                              "run.figures=false", "run.parameters=point"])  # the draws on the point, never a former posterior
        o = run_ensemble(cfg, param_arrays=arrays, progress=False).outcomes
        frame = o[list(SIM_COLUMNS)].copy()
        frame["draw"] = np.repeat(np.arange(len(draws)), reps)
        out[name] = frame
    return out


def _per_draw_counts(codes: np.ndarray, draw: np.ndarray, n_draws: int, k: int) -> np.ndarray:
    """(n_draws, k) shares of each code among each draw's replicates."""
    counts = np.bincount(draw * k + codes, minlength=n_draws * k).reshape(n_draws, k)
    return counts / counts.sum(axis=1, keepdims=True)


def crisis_discrepancy(sim: pd.DataFrame, rec: Record, n_draws: int) -> np.ndarray:
    """Per draw: the crisis's discrepancy, a weighted sum of proper scores of the draw's
    predictive distribution (see the module's docstring)."""
    draw = sim["draw"].to_numpy()
    rung = np.clip(sim["highest_rung"].to_numpy(np.int64), 0, RUNGS - 1)
    p_rung = _per_draw_counts(rung, draw, n_draws, RUNGS)
    p_dur = _per_draw_counts(duration_class(sim["crisis_days"].to_numpy(float)).astype(np.int64), draw, n_draws,
                             DURATION_CLASSES)
    p_cf = np.bincount(draw, weights=sim["ceasefire"].to_numpy(float), minlength=n_draws) / np.bincount(
        draw, minlength=n_draws)
    return (W_RUNG * rps(p_rung, rec.highest_rung)
            + W_DURATION * rps(p_dur, int(duration_class(rec.duration_days)))
            + W_ENDING * (p_cf - float(rec.ceasefire)) ** 2)


def discrepancies(sims: Mapping[str, pd.DataFrame], records: Sequence[Record], n_draws: int) -> pd.DataFrame:
    """Per draw (rows) and crisis (columns, named by scenario): the crisis's discrepancy."""
    return pd.DataFrame({rec.scenario: crisis_discrepancy(sims[rec.scenario], rec, n_draws) for rec in records})


def accept(total: np.ndarray, quantile: float) -> np.ndarray:
    """Indices of the draws whose total discrepancy is in the lowest ``quantile`` (stable order)."""
    k = max(2, int(round(quantile * total.size)))
    return np.argsort(total, kind="stable")[:k]


def perturb(accepted: pd.DataFrame, weights: np.ndarray, n: int, seed: int,
            priors: Mapping[str, tuple[float, float]] = PRIORS) -> tuple[pd.DataFrame, np.ndarray]:
    """One ABC population Monte Carlo step (Beaumont et al. 2009): n new draws from a Gaussian
    kernel (twice the weighted covariance) around the accepted ones, kept inside the prior box,
    with importance weights prior / kernel mixture (the prior is uniform, so 1 / mixture)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xBEE]))
    x = accepted.to_numpy(float)
    w = weights / weights.sum()
    cov = 2.0 * np.atleast_2d(np.cov(x.T, aweights=w))
    lo = np.array([priors[k][0] for k in accepted.columns])
    hi = np.array([priors[k][1] for k in accepted.columns])
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


@dataclass
class Posterior:
    """The last accepted population of a fit, with its weights and the fit's history."""

    draws: pd.DataFrame
    weights: np.ndarray
    crises: tuple[str, ...]
    settings: FitSettings
    history: list[dict[str, Any]] = field(default_factory=list)

    def sample(self) -> pd.DataFrame:
        """An equally weighted sample of ``settings.posterior_size`` rows (systematic resampling,
        seeded; rows in random order)."""
        return posterior_sample(self.draws, self.weights, self.settings.posterior_size, self.settings.seed)


def posterior_sample(draws: pd.DataFrame, weights: np.ndarray, size: int, seed: int) -> pd.DataFrame:
    """Systematic resampling of a weighted population into ``size`` equally weighted rows."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5A3]))
    w = np.asarray(weights, float) / np.sum(weights)
    positions = (rng.random() + np.arange(size)) / size
    idx = np.minimum(np.searchsorted(np.cumsum(w), positions), len(w) - 1)
    return draws.iloc[rng.permutation(idx)].reset_index(drop=True)


def prior_generation(records: Sequence[Record], settings: FitSettings,
                     priors: Mapping[str, tuple[float, float]] = PRIORS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first generation: prior draws and their discrepancies on every crisis of ``records``.

    It does not depend on the record's outcomes beyond the discrepancy columns, so leave-one-out
    folds share it and drop their crisis's column.
    """
    draws = draw_prior(settings.draws, settings.seed, priors)
    sims = simulate(draws, settings.seed, settings.reps, [r.scenario for r in records], settings.days,
                    settings.block_size)
    return draws, discrepancies(sims, records, len(draws))


def fit(records: Sequence[Record], settings: FitSettings, exclude: str | None = None,
        prior: tuple[pd.DataFrame, pd.DataFrame] | None = None, log: Any = None,
        priors: Mapping[str, tuple[float, float]] = PRIORS) -> Posterior:
    """ABC-SMC on the record without ``exclude`` (see the module's docstring).

    Args:
        records: The crises of the record.
        settings: Sizes and seed.
        exclude: A crisis left out of every discrepancy of every generation.
        prior: The first generation from :func:`prior_generation` on (at least) the crises used.
        log: Called with one line per generation, if given.
        priors: The parameters fitted and their uniform priors.
    """
    used = [r for r in records if r.scenario != exclude]
    draws, dist = prior if prior is not None else prior_generation(used, settings, priors)
    total = dist[[r.scenario for r in used]].sum(axis=1).to_numpy()
    weights = np.full(len(draws), 1.0 / len(draws))
    idx = np.arange(len(draws))
    history = []
    for gen in range(settings.generations):
        if gen:
            draws, weights = perturb(draws.iloc[idx].reset_index(drop=True), weights[idx], settings.draws,
                                     settings.seed + gen, priors)
            sims = simulate(draws, settings.seed + 100 * gen, settings.reps, [r.scenario for r in used],
                            settings.days, settings.block_size)
            total = discrepancies(sims, used, len(draws)).sum(axis=1).to_numpy()
        idx = accept(total, settings.quantile)
        history.append({"generation": gen + 1, "draws": int(len(draws)), "accepted": int(len(idx)),
                        "tolerance": float(total[idx].max()), "mean_accepted": float(total[idx].mean()),
                        "mean_all": float(total.mean())})
        if log:
            h = history[-1]
            log(f"generation {h['generation']}: accepted {h['accepted']} of {h['draws']}, tolerance "
                f"{h['tolerance']:.3f}, mean discrepancy {h['mean_accepted']:.3f} (all {h['mean_all']:.3f})")
    acc_w = weights[idx] / weights[idx].sum()
    return Posterior(draws.iloc[idx].reset_index(drop=True), acc_w, tuple(r.scenario for r in used), settings,
                     history)


def forecast(sample: pd.DataFrame, scenario: str, settings: FitSettings, seed: int | None = None) -> pd.DataFrame:
    """The posterior predictive sample of one crisis: every posterior row run
    ``settings.forecast_reps`` times (columns of :data:`SIM_COLUMNS` and ``draw``)."""
    seed = settings.seed + 7 if seed is None else seed
    return simulate(sample, seed, settings.forecast_reps, [scenario], settings.days, settings.block_size)[scenario]


def identification(posterior: Posterior) -> pd.DataFrame:
    """Per parameter: prior range, weighted posterior mean, sd, 5-95% interval, and the ratio of
    posterior to prior sd (near 1: the record does not identify the parameter)."""
    w = posterior.weights / posterior.weights.sum()
    rows = {}
    for k in posterior.draws.columns:
        x = posterior.draws[k].to_numpy(float)
        lo, hi = CANDIDATE_PRIORS[k]
        mean = float(np.sum(w * x))
        sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        q05, q50, q95 = (float(x[order][min(np.searchsorted(cdf, q), len(x) - 1)]) for q in (0.05, 0.5, 0.95))
        rows[k] = {"prior_low": lo, "prior_high": hi, "mean": mean, "median": q50, "sd": sd, "q05": q05,
                   "q95": q95, "sd_ratio": sd / ((hi - lo) / np.sqrt(12.0))}
    return pd.DataFrame.from_dict(rows, orient="index")
