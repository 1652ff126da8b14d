"""Proper scoring rules for forecasts of a crisis's outcome, and skill with bootstrap intervals.

A forecast of one crisis is a probability distribution over the highest rung (0-5) and a median
duration. The rules here are the ones the validation reports (lower is better for every score):

- the ranked probability score over the ordered rungs (Epstein 1969; Gneiting & Raftery 2007),
  normalised by the number of thresholds so that it lies in [0, 1];
- the logarithmic score, of the forecast mixed with 1% of the uniform distribution, so that a
  rung a finite sample never produced costs a large but finite penalty (the mixture is itself a
  forecast, so the score stays proper);
- the Brier score of a binary event (strikes: rung >= 3; war: rung >= 4);
- the absolute log ratio of the forecast median duration to the observed one.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from sim.vocab.ladder import TOP_RUNG

#: Number of rungs a forecast distributes its probability over (0 to TOP_RUNG).
RUNGS = TOP_RUNG + 1

#: Weight of the uniform distribution mixed into a forecast for the log score.
LOG_SCORE_UNIFORM_MIX = 0.01


def rung_distribution(highest_rungs: np.ndarray) -> np.ndarray:
    """The empirical distribution over rungs 0..TOP_RUNG of a sample of highest rungs."""
    x = np.asarray(highest_rungs, dtype=np.int64).ravel()
    if x.size == 0:
        raise ValueError("an empty sample has no distribution")
    return np.bincount(np.clip(x, 0, TOP_RUNG), minlength=RUNGS) / x.size


def rps(probs: np.ndarray, observed: int) -> float | np.ndarray:
    """Ranked probability score of a distribution over ordered categories, in [0, 1].

    ``probs`` may hold one distribution per row (the last axis is the categories); the score is
    then one per row.
    """
    p = np.asarray(probs, dtype=float)
    cdf = np.cumsum(p, axis=-1)[..., :-1]
    step = (np.arange(p.shape[-1] - 1) >= observed).astype(float)
    score = np.mean((cdf - step) ** 2, axis=-1)
    return float(score) if score.ndim == 0 else score


def log_score(probs: np.ndarray, observed: int) -> float:
    """Negative log probability of the observed category, the forecast mixed with 1% uniform."""
    p = np.asarray(probs, dtype=float)
    mixed = (1.0 - LOG_SCORE_UNIFORM_MIX) * p + LOG_SCORE_UNIFORM_MIX / p.size
    return float(-math.log(mixed[observed]))


def brier(prob: float, event: bool) -> float:
    """Brier score of a probability for a binary event."""
    return float((prob - float(event)) ** 2)


def log_duration_ratio(forecast_median: float, observed: float, horizon: float) -> float:
    """Absolute log ratio of the forecast median duration to the observed, both capped at the
    simulated horizon (a model run cannot say more than "beyond the horizon") and floored at 1 day."""
    f = min(max(float(forecast_median), 1.0), horizon)
    o = min(max(float(observed), 1.0), horizon)
    return abs(math.log(f / o))


def bootstrap_mean_ci(values: np.ndarray, seed: int, reps: int = 4000, level: float = 0.95
                      ) -> tuple[float, float, float]:
    """Mean of per-crisis values with a percentile bootstrap interval over crises."""
    x = np.asarray(values, dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xB007]))
    idx = rng.integers(0, x.size, size=(reps, x.size))
    means = x[idx].mean(axis=1)
    tail = (1.0 - level) / 2.0
    return float(x.mean()), float(np.quantile(means, tail)), float(np.quantile(means, 1.0 - tail))


def skill_ci(model: Sequence[float], benchmark: Sequence[float], seed: int, reps: int = 4000,
             level: float = 0.95) -> tuple[float, float, float]:
    """Skill score 1 - mean(model) / mean(benchmark) over crises, with a percentile bootstrap
    interval that resamples crises (both forecasters' scores of a crisis stay together).

    Positive skill means the model scores better (lower) than the benchmark.
    """
    m = np.asarray(model, dtype=float)
    b = np.asarray(benchmark, dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5C11]))
    idx = rng.integers(0, m.size, size=(reps, m.size))
    bm = b[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = 1.0 - m[idx].mean(axis=1) / bm
    boot = boot[np.isfinite(boot)]
    tail = (1.0 - level) / 2.0
    est = 1.0 - m.mean() / b.mean() if b.mean() > 0 else math.nan
    if boot.size == 0:
        return float(est), math.nan, math.nan
    return float(est), float(np.quantile(boot, tail)), float(np.quantile(boot, 1.0 - tail))
