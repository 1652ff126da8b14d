"""From per-replicate outcomes to estimates with 95% intervals, driven by the outcome catalogue.

:func:`summarise` computes every outcome of :data:`sim.vocab.outcomes.OUTCOMES` that goes into
``summary.json`` (proportions with Wilson intervals, medians with order-statistic intervals,
means with normal intervals), reading the outcome table block by block
(:class:`StreamingSummary`), so memory is bounded by a block, not by the run.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from sim.stats.intervals import (
    Z95,
    DrawMoments,
    _median_ci_from,
    _moments_ci,
    credible_interval,
    mean_ci,
    median_ci,
    median_ranks,
    wilson,
)
from sim.vocab.outcomes import MEDIAN, OUTCOMES, PROPORTION, expand

def _coverage_z(n: int) -> float:
    """The normal quantile matching the exact coverage of the median's order-statistic interval
    at n values (1.96 for large n; larger for few values, whose interval covers more than 95%)."""
    ranks = median_ranks(n)
    if ranks is None or n > 2000:
        return Z95
    tail = sum(math.comb(n, k) for k in range(ranks[0] + 1)) / (1 << n)
    return NormalDist().inv_cdf(1.0 - tail)


#: The column of a posterior run's outcome table naming each replicate's posterior draw.
DRAW = "draw"


def _clean(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _entry(est: tuple[float, float, float], n: int, cred: tuple[float, float, int] | None = None,
           scale: float = 1.0) -> dict[str, Any]:
    """A summary entry: estimate, 95% Monte Carlo interval and n; the 90% interval over the
    posterior draws and their number, or null for a run at a point of the parameters.

    The interval over draws lies around the mean of the per-draw estimates. For a proportion or a
    mean that is the estimate; for a median it is the mean of the per-draw medians, which need not
    be the pooled median reported (a mixture's median is not the mean of its parts' medians: draws
    whose crises mostly never fight have median 0). Where the estimate falls outside, the interval
    is widened to reach it: conservative, and it stays inside the outcome's range, which moving
    the interval onto the estimate would not.
    """
    out = {"estimate": _clean(est[0]), "ci_low": _clean(est[1]), "ci_high": _clean(est[2]), "n": int(n)}
    if cred is None:
        out.update(cred_low=None, cred_high=None, draws=None)
        return out
    lo, hi, e = _clean(cred[0] * scale), _clean(cred[1] * scale), out["estimate"]
    if lo is not None and hi is not None and e is not None:
        lo, hi = min(lo, e), max(hi, e)
    out.update(cred_low=lo, cred_high=hi, draws=int(cred[2]))
    return out


def summarise(df: pd.DataFrame | Callable[[], Iterable[pd.DataFrame]], days: int, broker_names: Iterable[str],
              third_parties: Iterable[str], belligerents: Iterable[str], horizon: str = "crisis"
              ) -> dict[str, dict[str, Any]]:
    """Estimates with 95% intervals from the per-replicate outcome table.

    Args:
        df: One row per replicate (see :meth:`sim.core.model.CrisisModel.outcomes`), or a function
            returning the table's blocks in order (a fresh iterable at each call; called with
            ``columns=[...]`` when only those columns are needed). Blocks are read one at a time,
            so memory is bounded by a block, not by the run.
        days: The horizon in days (for the per-decade rate).
        broker_names: Names of the broker codes, code 0 first.
        third_parties: Third-party ids (for engagement and affinity-change entries).
        belligerents: The two belligerent ids.
        horizon: ``"era"`` adds the rate of crisis onsets per decade.

    Returns:
        ``{outcome: {estimate, ci_low, ci_high, n, cred_low, cred_high, draws}}``: the 95% Monte
        Carlo interval and, when the table has a ``draw`` column (``run.parameters=posterior``),
        the 90% credible interval over the posterior draws and the number of draws with an
        estimate (D, or fewer for a conditional outcome; see :class:`StreamingSummary`);
        otherwise the last three are None.
    """
    s = StreamingSummary(df)
    for o in expand(OUTCOMES, broker_names, third_parties, belligerents):
        if not o.summary or (o.era_only and horizon != "era"):
            continue
        col = o.column
        if o.kind == PROPORTION:
            if o.key.startswith("share_brokered_"):  # the broker code is the position of the name
                code = list(broker_names).index(o.key[len("share_brokered_"):])
                s.prop(o.key, lambda d, code=code: d["broker"] == code, of=lambda d, a=o.among: d[a])
            else:
                s.prop(o.key, (lambda d, c=col: d[c] > 0) if o.test == "positive" else (lambda d, c=col: d[c]))
        elif o.kind == MEDIAN:
            if o.among not in (None, "values"):  # among the rows where a 0/1 column is true
                s.median(o.key, lambda d, c=col, a=o.among: d[c].where(d[a].astype(bool)), n="values",
                         columns=[o.among, col])
            else:
                s.median(o.key, lambda d, c=col: d[c], n="values" if o.n_values else "rows", columns=[col])
        else:
            scale = 3650.0 / days if o.unit == "per decade" else 1.0
            s.mean(o.key, lambda d, c=col: d[c], scale=scale)
    return s.compute()


class StreamingSummary:
    """Proportions, medians and means over a table read block by block, exactly.

    Proportions are counts. An outcome with at most ``cap`` values is kept whole and passed to
    :func:`median_ci` or :func:`mean_ci`, so the numbers are exactly those of the whole table.
    Beyond that, means merge each block's mean and sum of squared deviations in block order (Chan
    et al.; equal to the whole-table mean to about 1e-15), and medians and their order-statistic
    intervals stay exact: counted in a histogram while the values are small whole numbers (days,
    counts), otherwise found by narrowing histograms over repeated passes that read only the
    columns concerned, holding at most ``cap`` values at a time.

    **Over parameter draws.** When the table has a ``draw`` column (each replicate's posterior
    draw, ``run.parameters=posterior``), each outcome is also estimated per draw: counts per draw
    for a proportion, merged moments per draw for a mean, and for a median a per-draw histogram
    read in one more pass (over the integers when the values are whole numbers spanning at most
    4096, else 4096 bins even on the asinh scale between the run's least and greatest value, an
    order statistic interpolated within its bin: about 0.3% of relative resolution). Each
    per-draw estimate's Monte Carlo variance is p(1-p)/n_d, s²/n_d or, for a median, the square
    of the width of its distribution-free interval over 2·z, z the normal quantile of that
    interval's exact binomial coverage (1.96 for many values; the binomial order-statistic
    approximation). :func:`~sim.stats.intervals.credible_interval` shrinks the spread of the
    per-draw estimates by that noise into the 90% interval over parameters. Memory grows with the
    number of draws (a few arrays of D, a D × 4096 histogram per median), not with the run.
    Per-draw functions must return one value per row (NaN for a row outside the outcome).

    Args:
        table: A DataFrame, or a function returning the blocks (DataFrames) in order; it is called
            with ``columns=[...]`` (or None for all) when it accepts that keyword.
        cap: The most values of one outcome held in memory at once.
    """

    #: Whole numbers from 0 to this are counted in a histogram (exact order statistics, no re-reading).
    MAX_COUNTED = 2**20

    def __init__(self, table: pd.DataFrame | Callable[..., Iterable[pd.DataFrame]], cap: int = 2**18):
        self._blocks = (lambda columns=None: [table]) if isinstance(table, pd.DataFrame) else table
        self._specs: list[tuple[str, str, Callable, Any]] = []
        self.cap = int(cap)

    def prop(self, key: str, fn: Callable[[pd.DataFrame], Any], of: Callable[[pd.DataFrame], Any] | None = None) -> None:
        """A proportion: rows where ``fn`` is true, among all rows or among rows where ``of`` is true."""
        self._specs.append((key, "prop", fn, of))

    def median(self, key: str, fn: Callable[[pd.DataFrame], Any], n: str = "rows",
               columns: list[str] | None = None) -> None:
        """The median of ``fn``'s values (NaN ignored); ``n`` reports all rows or only the values;
        ``columns``: the columns ``fn`` reads (lets later passes read only those)."""
        self._specs.append((key, "median", fn, (n, columns)))

    def mean(self, key: str, fn: Callable[[pd.DataFrame], Any], scale: float = 1.0) -> None:
        """The mean of ``fn``'s values (NaN ignored), estimate and interval multiplied by ``scale``."""
        self._specs.append((key, "mean", fn, scale))

    @staticmethod
    def _values(fn: Callable, d: pd.DataFrame) -> np.ndarray:
        x = np.asarray(fn(d), dtype=float).reshape(-1)
        return x[~np.isnan(x)]

    def compute(self) -> dict[str, dict[str, Any]]:
        rows = 0
        acc: dict[str, dict[str, Any]] = {}
        for key, kind, _, _ in self._specs:
            acc[key] = {"k": 0, "n": 0} if kind == "prop" else {"n": 0, "mean": 0.0, "m2": 0.0, "count": 0,
                                                                  "lo": math.inf, "hi": -math.inf, "kept": [],
                                                                  "keep": True, "hist": np.zeros(0, np.int64)}
        per_draw = False
        for d in self._blocks():
            rows += len(d)
            draw = d[DRAW].to_numpy(np.int64) if DRAW in d.columns else None
            per_draw = per_draw or draw is not None
            for key, kind, fn, extra in self._specs:
                a = acc[key]
                if kind == "prop":
                    hit = np.asarray(fn(d))
                    a["k"] += int(hit.sum())
                    among = None if extra is None else np.asarray(extra(d), dtype=bool).reshape(-1)
                    a["n"] += len(d) if among is None else int(among.sum())
                    if draw is not None:
                        x = hit.astype(float).reshape(-1)
                        a.setdefault("draws", DrawMoments()).add(draw, x if among is None else np.where(among, x, np.nan))
                    continue
                if kind == "mean" and draw is not None:
                    a.setdefault("draws", DrawMoments()).add(draw, np.asarray(fn(d), dtype=float).reshape(-1))
                x = self._values(fn, d)
                if x.size == 0:
                    continue
                a["count"] += x.size
                if kind == "mean":
                    _merge_moments(a, x)
                else:
                    a["lo"], a["hi"] = min(a["lo"], float(x.min())), max(a["hi"], float(x.max()))
                    if a["hist"] is not None:
                        if a["lo"] >= 0 and a["hi"] <= self.MAX_COUNTED and np.array_equal(x, np.floor(x)):
                            counts = np.bincount(x.astype(np.int64))
                            if counts.size > a["hist"].size:
                                a["hist"] = np.concatenate([a["hist"], np.zeros(counts.size - a["hist"].size,
                                                                                np.int64)])
                            a["hist"][:counts.size] += counts
                        else:
                            a["hist"] = None  # not small whole numbers: exact selection later
                if a["keep"]:
                    a["kept"].append(x)
                    if a["count"] > self.cap:
                        a["keep"], a["kept"] = False, []
        cred: dict[str, tuple[float, float, int] | None] = {key: None for key, *_ in self._specs}
        if per_draw:
            cred.update(self._per_draw(acc))
        out: dict[str, dict[str, Any]] = {}
        for key, kind, fn, extra in self._specs:
            a = acc[key]
            if kind == "prop":
                out[key] = _entry(wilson(a["k"], a["n"]), a["n"], cred[key])
            elif kind == "mean":
                est = mean_ci(np.concatenate(a["kept"]) if a["kept"] else np.zeros(0)) if a["keep"] \
                    else _moments_ci(a)
                out[key] = _entry(tuple(v * extra for v in est) if extra != 1.0 else est, rows, cred[key], extra)
            else:
                n_rule, columns = extra
                if a["keep"]:
                    est = median_ci(np.concatenate(a["kept"]) if a["kept"] else np.zeros(0))
                elif a["hist"] is not None:
                    cum = np.cumsum(a["hist"])
                    est = _median_ci_from(a["count"], lambda ranks, cum=cum: {
                        r: float(np.searchsorted(cum, r, side="right")) for r in ranks})
                else:
                    est = _median_ci_from(a["count"], lambda ranks, fn=fn, a=a, columns=columns:
                                          self._select(fn, a, ranks, columns))
                out[key] = _entry(est, rows if n_rule == "rows" else a["count"], cred[key])
        return out

    #: Bins of a per-draw histogram of a median's values.
    DRAW_BINS = 4096

    def _per_draw(self, acc: dict[str, dict[str, Any]]) -> dict[str, tuple[float, float, int]]:
        """The interval over parameter draws of every outcome (see the class docstring)."""
        out: dict[str, tuple[float, float, int]] = {}
        medians = []
        for key, kind, fn, extra in self._specs:
            a = acc[key]
            if kind == "prop":
                m = a.get("draws")
                est = m.estimates()[0] if m is not None else np.zeros(0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    var = est * (1 - est) / (m.n if m is not None else 1.0)
                out[key] = credible_interval(est, var)
            elif kind == "mean":
                m = a.get("draws")
                out[key] = credible_interval(*m.estimates()) if m is not None else (math.nan, math.nan, 0)
            elif a["count"] == 0:
                out[key] = (math.nan, math.nan, 0)
            else:
                medians.append((key, fn, extra[1], a))
        if medians:
            out.update(self._per_draw_medians(medians))
        return out

    def _per_draw_medians(self, medians: list[tuple[str, Callable, list[str] | None, dict[str, Any]]]
                          ) -> dict[str, tuple[float, float, int]]:
        """Per-draw medians from per-draw histograms, all medians in one more pass."""
        grids = []
        for key, fn, columns, a in medians:
            lo, hi = a["lo"], a["hi"]
            whole = a["hist"] is not None and hi - lo < self.DRAW_BINS
            if whole:
                edges = np.arange(lo, hi + 2, dtype=float)
            else:
                edges = np.linspace(math.asinh(lo), math.asinh(hi), self.DRAW_BINS + 1)
            grids.append({"key": key, "fn": fn, "whole": whole, "edges": edges, "hist": np.zeros((0, edges.size - 1),
                                                                                                   np.int64)})
        wanted = sorted({c for _, _, cols, _ in medians for c in (cols or [])} | {DRAW})
        for d in self._read(wanted):
            draw = d[DRAW].to_numpy(np.int64)
            for g in grids:
                x = np.asarray(g["fn"](d), dtype=float).reshape(-1)
                ok = ~np.isnan(x)
                x, dr = x[ok], draw[ok]
                if x.size == 0:
                    continue
                t = x if g["whole"] else np.arcsinh(x)
                nb = g["edges"].size - 1
                b = np.clip(np.searchsorted(g["edges"], t, side="right") - 1, 0, nb - 1)
                size = int(dr.max()) + 1
                if size > g["hist"].shape[0]:
                    g["hist"] = np.vstack([g["hist"], np.zeros((size - g["hist"].shape[0], nb), np.int64)])
                np.add.at(g["hist"], (dr, b), 1)
        out = {}
        for g in grids:
            est, var = [], []
            for row in g["hist"]:
                n = int(row.sum())
                if n == 0:
                    est.append(math.nan)
                    var.append(math.nan)
                    continue
                cum = np.cumsum(row)

                def at(r: int, row=row, cum=cum, g=g) -> float:
                    b = int(np.searchsorted(cum, r, side="right"))
                    if g["whole"]:
                        return float(g["edges"][b])
                    frac = (r - (cum[b] - row[b]) + 0.5) / row[b]
                    e0, e1 = g["edges"][b], g["edges"][b + 1]
                    return math.sinh(e0 + frac * (e1 - e0))
                mids = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
                est.append(sum(at(r) for r in mids) / len(mids))
                ranks = median_ranks(n)
                var.append(math.nan if ranks is None else ((at(ranks[1]) - at(ranks[0])) / (2 * _coverage_z(n))) ** 2)
            out[g["key"]] = credible_interval(np.asarray(est), np.asarray(var))
        return out

    def _read(self, columns: list[str] | None) -> Iterable[pd.DataFrame]:
        try:
            return self._blocks(columns=columns)
        except TypeError:  # a function of no arguments: every column
            return self._blocks()

    def _select(self, fn: Callable, a: dict[str, Any], ranks: list[int], columns: list[str] | None = None
                ) -> dict[int, float]:
        """The values at the given 0-based ranks, exactly, by narrowing windows over repeated passes."""
        bins = 1024
        # A window: values v with lo <= v < hi (v <= hi if closed), `below` values under lo, its
        # count, and the ranks it holds.
        windows = [{"lo": a["lo"], "hi": a["hi"], "closed": True, "below": 0, "count": a["count"],
                    "ranks": sorted(set(ranks))}]
        found: dict[int, float] = {}
        while windows:
            for w in windows:
                w["collect"] = w["count"] <= self.cap
                w["edges"] = None if w["collect"] else np.linspace(w["lo"], w["hi"], bins + 1)
                w["hist"], w["kept"], w["vmin"], w["vmax"] = np.zeros(bins, np.int64), [], math.inf, -math.inf
            for d in self._read(columns):
                x = self._values(fn, d)
                for w in windows:
                    inside = x[(x >= w["lo"]) & ((x <= w["hi"]) if w["closed"] else (x < w["hi"]))]
                    if inside.size == 0:
                        continue
                    w["vmin"], w["vmax"] = min(w["vmin"], float(inside.min())), max(w["vmax"], float(inside.max()))
                    if w["collect"]:
                        w["kept"].append(inside)
                    else:
                        b = np.clip(np.searchsorted(w["edges"], inside, side="right") - 1, 0, bins - 1)
                        w["hist"] += np.bincount(b, minlength=bins)
            nxt = []
            for w in windows:
                if w["vmin"] == w["vmax"]:  # every value in the window is the same
                    found.update({r: w["vmin"] for r in w["ranks"]})
                elif w["collect"]:
                    vals = np.sort(np.concatenate(w["kept"]))
                    found.update({r: float(vals[r - w["below"]]) for r in w["ranks"]})
                else:
                    cum = np.concatenate([[0], np.cumsum(w["hist"])]) + w["below"]
                    groups: dict[int, list[int]] = {}
                    for r in w["ranks"]:
                        groups.setdefault(int(np.searchsorted(cum, r, side="right") - 1), []).append(r)
                    for b, rs in groups.items():
                        last = b == bins - 1
                        nxt.append({"lo": float(w["edges"][b]), "hi": float(w["edges"][b + 1]),
                                    "closed": w["closed"] and last, "below": int(cum[b]),
                                    "count": int(w["hist"][b]), "ranks": rs})
            windows = nxt
        return found


def _merge_moments(a: dict[str, Any], x: np.ndarray) -> None:
    nb = x.size
    mb = float(x.mean())
    m2b = float(((x - mb) ** 2).sum())
    if a["n"] == 0:
        a["n"], a["mean"], a["m2"] = nb, mb, m2b
        return
    n = a["n"] + nb
    delta = mb - a["mean"]
    a["mean"] = a["mean"] + delta * nb / n
    a["m2"] = a["m2"] + m2b + delta * delta * a["n"] * nb / n
    a["n"] = n

