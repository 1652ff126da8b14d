"""From per-replicate outcomes to estimates with 95% intervals, driven by the outcome catalogue.

:func:`summarise` computes every outcome of :data:`sim.vocab.outcomes.OUTCOMES` that goes into
``summary.json`` (proportions with Wilson intervals, medians with order-statistic intervals,
means with normal intervals), reading the outcome table block by block
(:class:`StreamingSummary`), so memory is bounded by a block, not by the run.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from sim.stats.intervals import _median_ci_from, _moments_ci, mean_ci, median_ci, wilson
from sim.vocab.outcomes import MEDIAN, OUTCOMES, PROPORTION, expand


def _entry(est: tuple[float, float, float], n: int) -> dict[str, Any]:
    def clean(v: float) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
    return {"estimate": clean(est[0]), "ci_low": clean(est[1]), "ci_high": clean(est[2]), "n": int(n)}


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
        ``{outcome: {estimate, ci_low, ci_high, n}}``.
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
                s.median(o.key, lambda d, c=col, a=o.among: d.loc[d[a], c], n="values", columns=[o.among, col])
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
        for d in self._blocks():
            rows += len(d)
            for key, kind, fn, extra in self._specs:
                a = acc[key]
                if kind == "prop":
                    a["k"] += int(np.asarray(fn(d)).sum())
                    a["n"] += len(d) if extra is None else int(np.asarray(extra(d)).sum())
                    continue
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
        out: dict[str, dict[str, Any]] = {}
        for key, kind, fn, extra in self._specs:
            a = acc[key]
            if kind == "prop":
                out[key] = _entry(wilson(a["k"], a["n"]), a["n"])
            elif kind == "mean":
                est = mean_ci(np.concatenate(a["kept"]) if a["kept"] else np.zeros(0)) if a["keep"] \
                    else _moments_ci(a)
                out[key] = _entry(tuple(v * extra for v in est) if extra != 1.0 else est, rows)
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
                out[key] = _entry(est, rows if n_rule == "rows" else a["count"])
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

