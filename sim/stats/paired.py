"""Paired comparisons: two arms of a policy contrast run on the same seeds (common random numbers).

Replicate i of both arms faces the same attacks, incidents and chance events (every process
draws from its own stream, a fixed amount a day, keyed by seed and block), so the per-replicate
difference ``d_i = x_i(arm) - x_i(reference)`` removes the variation the arms share. This module
is the one engine of paired differences: ``sim.compare``, ``contrasts.csv`` (collect) and the
comparison report's differences all come from :func:`paired_contrast`, and :func:`paired_reason`
is the one test of whether two runs are paired.

The interval depends on the outcome's kind (from the catalogue, :mod:`sim.vocab.outcomes`),
both computed from counts and moments streamed block by block:

- a proportion (a mean of 0/1 values): Tango's score interval from the numbers of replicates
  where the difference is +1 and -1 (:func:`~sim.stats.intervals.tango_interval`), which keeps a
  width for rare events (P(war) of a few in 10,000, where most differences are 0 and
  ``mean(d) ± z·sd(d)/√n`` collapses to a point); as if the arms were independent, Newcombe's
  hybrid score interval (:func:`~sim.stats.intervals.newcombe_interval`);
- a mean: the normal interval ``mean(d) ± z·sd(d)/√n``; as if independent,
  ``± z·√(var_ref/n + var_arm/n)``.

The ratio of the paired width to the unpaired one shows what the pairing buys (1 = nothing; 0.1
= the same precision as 100 times more replicates unpaired). Contrasted outcomes are those the
catalogue marks ``paired``: the probabilities, a ceasefire brokered by each channel, and means
such as the duration, kinetic days, deaths, LoC incidents and ceasefire breaks. Medians and
outcomes conditional on an event (days to a ceasefire *given* one) are not means of
per-replicate values, so they have no paired difference.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from sim.inputs.errors import DiplosimError
from sim.stats.intervals import Z95, DrawMoments, credible_interval, newcombe_interval, tango_interval
from sim.vocab.keys import PAIRING_KEYS
from sim.vocab.outcomes import OUTCOMES, PROPORTION, outcome

#: The contrasted outcomes with a fixed key, in catalogue order: key -> (label, column, per-replicate value).
PAIRED: dict[str, tuple[str, str, Callable[[pd.Series], Any]]] = {
    o.key: (o.label, o.column, (lambda s: s > 0) if o.test == "positive" else (lambda s: s))
    for o in OUTCOMES if o.paired and "{" not in o.key
}

#: The per-replicate columns a contrast reads.
COLUMNS = sorted({col for _, col, _ in PAIRED.values()} | {"replicate", "broker", "draw"})

#: The columns of :func:`paired_contrast`'s table.
CONTRAST_COLUMNS = ("outcome", "label", "reference", "estimate", "difference", "ci_low", "ci_high",
                    "unpaired_ci_low", "unpaired_ci_high", "width_ratio", "correlation", "n",
                    "cred_low", "cred_high", "sign_agreement", "draws")


def _specs(names_a: list[str], names_b: list[str]) -> list[tuple[str, str, Callable, Callable]]:
    out = [(key, label, (lambda d, c=col, f=fn: f(d[c])), (lambda d, c=col, f=fn: f(d[c])))
           for key, (label, col, fn) in PAIRED.items()]
    for name in names_a:
        if name in names_b:  # the broker codes of a name may differ if the arms' scenarios differ
            ca, cb = names_a.index(name), names_b.index(name)
            key = f"p_brokered_{name}"
            out.append((key, outcome(key).label, lambda d, c=ca: d["broker"] == c, lambda d, c=cb: d["broker"] == c))
    return out


def _aligned(a: Iterable[pd.DataFrame], b: Iterable[pd.DataFrame]) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Pairs of equally long chunks of two tables read chunk by chunk (chunks may differ in size)."""
    ia, ib = iter(a), iter(b)
    buf_a: pd.DataFrame | None = None
    buf_b: pd.DataFrame | None = None
    while True:
        while buf_a is not None and len(buf_a) == 0 or buf_a is None:
            buf_a = next(ia, None)
            if buf_a is None:
                break
        while buf_b is not None and len(buf_b) == 0 or buf_b is None:
            buf_b = next(ib, None)
            if buf_b is None:
                break
        if buf_a is None and buf_b is None:
            return
        if buf_a is None or buf_b is None:
            raise DiplosimError("the two arms have different numbers of replicates, so they are not paired")
        n = min(len(buf_a), len(buf_b))
        yield buf_a.iloc[:n], buf_b.iloc[:n]
        buf_a, buf_b = buf_a.iloc[n:], buf_b.iloc[n:]


class _Moments:
    __slots__ = ("n", "mean", "m2")

    def __init__(self) -> None:
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, x: np.ndarray) -> None:
        nb = x.size
        if nb == 0:
            return
        mb = float(x.mean())
        m2b = float(((x - mb) ** 2).sum())
        n = self.n + nb
        delta = mb - self.mean
        self.mean += delta * nb / n
        self.m2 += m2b + delta * delta * self.n * nb / n
        self.n = n

    @property
    def var(self) -> float:
        return self.m2 / (self.n - 1) if self.n > 1 else math.nan


class _Counts:
    """Counts of a 0/1 outcome in two paired arms: ones in each, and pairs differing each way."""

    __slots__ = ("n", "ones_a", "ones_b", "up", "down")

    def __init__(self) -> None:
        self.n = self.ones_a = self.ones_b = self.up = self.down = 0

    def add(self, xa: np.ndarray, xb: np.ndarray) -> None:
        self.n += xa.size
        self.ones_a += int(np.count_nonzero(xa))
        self.ones_b += int(np.count_nonzero(xb))
        self.up += int(np.count_nonzero(xb > xa))  # d = +1: the outcome in the arm only
        self.down += int(np.count_nonzero(xb < xa))  # d = -1: in the reference only


def paired_contrast(blocks_a: Callable[[], Iterable[pd.DataFrame]], blocks_b: Callable[[], Iterable[pd.DataFrame]],
                    names_a: list[str], names_b: list[str], z: float = Z95) -> pd.DataFrame:
    """Paired differences (arm b minus reference a) of each outcome that is a mean over replicates.

    Proportions get Tango's paired score interval (unpaired: Newcombe's), means the normal interval
    of the mean difference (unpaired: of two independent means); see the module's docstring.

    Args:
        blocks_a, blocks_b: Functions returning each arm's outcome table chunk by chunk, in
            replicate order (the arms must have been run on the same seed, replicates and block size).
        names_a, names_b: Each arm's broker names (code 0 first).
        z: The normal quantile of the intervals (95% by default).

    **Over parameter draws** (both arms run with ``run.parameters=posterior``: their tables have a
    ``draw`` column, equal replicate by replicate): the paired difference is also estimated per
    draw, its spread shrunk by each per-draw difference's Monte Carlo variance (s²_d/n_d of the
    per-replicate differences) into the 90% interval over parameters
    (:func:`~sim.stats.intervals.credible_interval`), and ``sign_agreement`` is the share of
    draws whose difference has the sign of the overall difference (a zero counts half; NaN when
    the overall difference is 0). Without draws these are NaN.

    Returns:
        One row per outcome: ``outcome, label, reference, estimate, difference, ci_low, ci_high``
        (paired 95%), ``unpaired_ci_low, unpaired_ci_high`` (as if the arms were independent),
        ``width_ratio`` (paired / unpaired width), ``correlation``, ``n``, ``cred_low, cred_high``
        (90% over parameter draws), ``sign_agreement`` and ``draws``.

    Raises:
        DiplosimError: the arms are not paired (different replicates, or different draws).
    """
    specs = _specs(list(names_a), list(names_b))
    acc = {key: (_Moments(), _Moments(), _Moments()) for key, *_ in specs}
    counts = {key: _Counts() for key, *_ in specs if outcome(key).kind == PROPORTION}
    per_draw = {key: DrawMoments() for key, *_ in specs}
    with_draws = None
    for da, db in _aligned(blocks_a(), blocks_b()):
        if not np.array_equal(da["replicate"].to_numpy(), db["replicate"].to_numpy()):
            raise DiplosimError("the two arms hold different replicates, so they are not paired")
        has = ("draw" in da.columns, "draw" in db.columns)
        if has[0] != has[1]:
            raise DiplosimError("one arm ran with posterior parameters and the other at a point "
                                "(run.parameters), so they are not paired")
        if has[0] and not np.array_equal(da["draw"].to_numpy(), db["draw"].to_numpy()):
            raise DiplosimError("the two arms gave their replicates different posterior draws "
                                "(run.posterior_draws or run.posterior_file), so they are not paired")
        with_draws = has[0]
        draw = da["draw"].to_numpy() if has[0] else None
        for key, _, fa, fb in specs:
            xa = np.asarray(fa(da), dtype=float)
            xb = np.asarray(fb(db), dtype=float)
            ma, mb, md = acc[key]
            ma.add(xa)
            mb.add(xb)
            md.add(xb - xa)
            if draw is not None:
                per_draw[key].add(draw, xb - xa)
            if key in counts:
                counts[key].add(xa, xb)
    rows = []
    for key, label, _, _ in specs:
        ma, mb, md = acc[key]
        n = md.n
        cov = (ma.var + mb.var - md.var) / 2.0 if n > 1 else math.nan
        corr = cov / math.sqrt(ma.var * mb.var) if n > 1 and ma.var > 0 and mb.var > 0 else math.nan
        if key in counts:
            c = counts[key]
            ref, est = (c.ones_a / n, c.ones_b / n) if n else (math.nan, math.nan)
            diff, lo, hi = tango_interval(c.up, c.down, n, z)
            _, u_lo, u_hi = newcombe_interval(c.ones_b, n, c.ones_a, n, z)
        else:
            se_p = math.sqrt(md.var / n) if n > 1 else math.nan
            se_u = math.sqrt(ma.var / n + mb.var / n) if n > 1 else math.nan
            ref, est, diff = ma.mean, mb.mean, md.mean
            lo, hi, u_lo, u_hi = diff - z * se_p, diff + z * se_p, diff - z * se_u, diff + z * se_u
        width, u_width = hi - lo, u_hi - u_lo
        c_lo, c_hi, draws, agree = math.nan, math.nan, math.nan, math.nan
        if with_draws:
            per, var = per_draw[key].estimates()
            c_lo, c_hi, draws = credible_interval(per, var)
            agree = sign_agreement(per, diff)
        rows.append({"outcome": key, "label": label, "reference": ref, "estimate": est, "difference": diff,
                     "ci_low": lo, "ci_high": hi, "unpaired_ci_low": u_lo, "unpaired_ci_high": u_hi,
                     "width_ratio": width / u_width if u_width > 0 else math.nan, "correlation": corr, "n": n,
                     "cred_low": c_lo, "cred_high": c_hi, "sign_agreement": agree, "draws": draws})
    return pd.DataFrame(rows, columns=list(CONTRAST_COLUMNS))


def sign_agreement(per_draw: np.ndarray, overall: float) -> float:
    """The share of draws whose difference has the sign of ``overall`` (zeros count half; draws
    without a difference are left out); NaN when ``overall`` is 0 or NaN."""
    e = np.asarray(per_draw, dtype=float)
    e = e[np.isfinite(e)]
    if e.size == 0 or not math.isfinite(overall) or overall == 0:
        return math.nan
    s = np.sign(e) * math.copysign(1.0, overall)
    return float((np.count_nonzero(s > 0) + 0.5 * np.count_nonzero(s == 0)) / e.size)


def _mode(cfg: Mapping[str, Any]) -> str:
    # a run written before run.parameters existed used its point parameters
    return str(_setting(cfg, "run.parameters") or "point")


def parameters_reason(rec_a: Mapping[str, Any] | None, rec_b: Mapping[str, Any] | None) -> str | None:
    """Why two runs' parameters differ (``metadata.json``'s ``parameters`` records), or None.

    Paired arms must meet the same parameters replicate by replicate: both at the point, or both
    on the same posterior file (by hash) with the same number of draws.
    """
    a, b = dict(rec_a or {}), dict(rec_b or {})
    ma, mb = a.get("mode", "point"), b.get("mode", "point")
    if ma != mb:
        return f"run.parameters differs ({ma} vs {mb})"
    if ma == "posterior":
        for key, what in (("sha256", "the posterior files differ"), ("draws", "run.posterior_draws differs")):
            if a.get(key) != b.get(key):
                return f"{what} ({a.get(key)} vs {b.get(key)})"
    return None


def _setting(cfg: Mapping[str, Any], dotted: str) -> Any:
    node: Any = cfg
    for part in dotted.split("."):
        if not hasattr(node, "get"):
            return None
        node = node.get(part)
    return "" if node is None else node


def paired_reason(cfg_a: Mapping[str, Any], cfg_b: Mapping[str, Any]) -> str | None:
    """Why two runs are not paired, or None if they are.

    Two runs are paired (replicate i of one meets the same random numbers as replicate i of the
    other) when they agree on every key of :data:`sim.vocab.keys.PAIRING_KEYS`: seed,
    replicates, block size and design; and on their parameters: both ``run.parameters=point``,
    or both ``posterior`` with the same ``run.posterior_file`` and ``run.posterior_draws``
    (:func:`parameters_reason` also compares the files' hashes, from ``metadata.json``).
    Scenario, policy and horizon may differ: that is what a paired comparison compares.

    Args:
        cfg_a, cfg_b: Composed configs (DictConfig or plain dicts, as in ``config.yaml``).
    """
    for key in PAIRING_KEYS:
        va, vb = _setting(cfg_a, key), _setting(cfg_b, key)
        if va != vb:
            return f"{key} differs ({va} vs {vb})"
    ma, mb = _mode(cfg_a), _mode(cfg_b)
    if ma != mb:
        return f"run.parameters differs ({ma} vs {mb})"
    if ma == "posterior":
        for key in ("run.posterior_file", "run.posterior_draws"):
            va, vb = _setting(cfg_a, key), _setting(cfg_b, key)
            if va != vb:
                return f"{key} differs ({va} vs {vb})"
    return None
