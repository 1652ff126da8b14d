"""Simple forecasters of a crisis's highest rung and duration, the benchmarks the model must beat.

Each is fitted on the other crises of the record (its training set) and forecasts the crisis left
out from that crisis's trigger-day features alone:

- :func:`climatology`: the training crises' distribution of highest rung and their median
  duration, whatever the features;
- :func:`ordered_logit`: a proportional-odds logistic regression of the highest rung on the
  features (McCullagh 1980), with a weak ridge penalty (a Gaussian prior of sd 2 on each
  standardised coefficient) so that it exists with a handful of crises, and a ridge regression of
  log duration on the same features;
- :func:`two_feature_rule`: "a retaliation norm or an incursion means strikes": the crises are
  split by that rule and each group's training distribution is the forecast.

A forecast is ``(probabilities over rungs 0..TOP_RUNG, median duration in days)``.
"""

from __future__ import annotations

import numpy as np

from sim.stats.scores import RUNGS

Forecast = tuple[np.ndarray, float]

#: Standard deviation of the Gaussian prior on each standardised coefficient (ridge penalty).
PRIOR_SD = 2.0


def climatology(y: np.ndarray, duration: np.ndarray) -> Forecast:
    """The training crises' distribution of highest rung and their median duration."""
    y = np.asarray(y, dtype=np.int64)
    return np.bincount(y, minlength=RUNGS)[:RUNGS] / y.size, float(np.median(duration))


def _standardise(X: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu, sd = X.mean(axis=0), X.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (X - mu) / sd, (x - mu) / sd


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _ordered_logit_probs(Z: np.ndarray, beta: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """P(y = k) for k over the categories between the cut points, one row per crisis."""
    eta = Z @ beta
    cdf = _sigmoid(cuts[None, :] - eta[:, None])  # P(y <= k), k = 0..K-2
    cdf = np.concatenate([np.zeros((len(Z), 1)), cdf, np.ones((len(Z), 1))], axis=1)
    return np.diff(cdf, axis=1)


def _fit_ordered_logit(Z: np.ndarray, y: np.ndarray, K: int, iters: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """Penalised maximum likelihood by gradient descent with backtracking (the problem is convex
    in the coefficients and the log-gaps of the cut points are an unconstrained reparametrisation)."""
    n, p = Z.shape
    counts = np.bincount(y, minlength=K)
    cum = np.cumsum(counts)[:-1] / n
    cuts0 = np.log(np.clip(cum, 0.05, 0.95) / (1 - np.clip(cum, 0.05, 0.95)))
    cuts0 = np.maximum.accumulate(cuts0 + np.arange(K - 1) * 1e-3)
    theta = np.concatenate([np.zeros(p), [cuts0[0]], np.log(np.maximum(np.diff(cuts0), 1e-2))])

    def unpack(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return t[:p], t[p] + np.concatenate([[0.0], np.cumsum(np.exp(t[p + 1:]))])

    def loss(t: np.ndarray) -> float:
        beta, cuts = unpack(t)
        probs = _ordered_logit_probs(Z, beta, cuts)[np.arange(n), y]
        return float(-np.sum(np.log(np.maximum(probs, 1e-300))) + 0.5 * np.sum(beta ** 2) / PRIOR_SD ** 2)

    def grad(t: np.ndarray) -> np.ndarray:  # central differences: a dozen parameters, cheap and robust
        g = np.empty_like(t)
        for i in range(t.size):
            e = np.zeros_like(t)
            e[i] = 1e-6
            g[i] = (loss(t + e) - loss(t - e)) / 2e-6
        return g

    f, step = loss(theta), 1.0
    for _ in range(iters):
        g = grad(theta)
        if np.max(np.abs(g)) < 1e-6:
            break
        while step > 1e-12:
            cand = theta - step * g
            fc = loss(cand)
            if fc < f - 1e-4 * step * np.dot(g, g):
                theta, f, step = cand, fc, step * 2.0
                break
            step *= 0.5
        else:
            break
    return unpack(theta)


def ordered_logit(X: np.ndarray, y: np.ndarray, duration: np.ndarray, x: np.ndarray) -> Forecast:
    """Proportional-odds forecast of the highest rung and ridge forecast of log duration.

    The categories are the training crises' range of highest rung (no rung outside it gets
    probability); the rungs inside it all do, even those no training crisis reached.
    """
    X, x = np.asarray(X, float), np.asarray(x, float)
    y = np.asarray(y, dtype=np.int64)
    Z, z = _standardise(X, x[None, :])
    lo, hi = int(y.min()), int(y.max())
    probs = np.zeros(RUNGS)
    if hi > lo:
        beta, cuts = _fit_ordered_logit(Z, y - lo, hi - lo + 1)
        probs[lo:hi + 1] = _ordered_logit_probs(z, beta, cuts)[0]
    else:
        probs[lo] = 1.0
    # Ridge regression of log duration (same prior on the standardised coefficients).
    ld = np.log(np.maximum(np.asarray(duration, float), 1.0))
    A = np.column_stack([np.ones(len(Z)), Z])
    penalty = np.diag([0.0] + [1.0 / PRIOR_SD ** 2] * Z.shape[1])
    resid_var = max(float(np.var(ld)), 1e-6)
    coef = np.linalg.solve(A.T @ A + resid_var * penalty, A.T @ ld)
    return probs, float(np.exp(np.concatenate([[1.0], z[0]]) @ coef))


def two_feature_rule(flag: np.ndarray, y: np.ndarray, duration: np.ndarray, flag_x: bool) -> Forecast:
    """The training distribution of the crises on the same side of the rule as the crisis forecast
    (all training crises when none is on its side)."""
    flag = np.asarray(flag, dtype=bool)
    same = flag == bool(flag_x)
    if not same.any():
        same = np.ones_like(flag)
    return climatology(np.asarray(y)[same], np.asarray(duration)[same])
