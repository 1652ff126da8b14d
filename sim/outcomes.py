"""From per-replicate outcomes to estimates with confidence intervals.

Proportions get Wilson score intervals; medians get distribution-free intervals from binomial
order statistics; means get normal intervals from the standard error. Never a bare point.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Estimate and Wilson score interval of a proportion k/n (MODEL.md §6).

    Returns:
        ``(estimate, low, high)``; all NaN when n is 0.
    """
    if n <= 0:
        return (math.nan, math.nan, math.nan)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return (p, low, high)


def median_ci(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Median and its distribution-free interval from binomial order statistics.

    The interval runs between the order statistics at ranks n/2 ∓ z·√n/2, so it holds without
    any assumption about the distribution (it is conservative for tied integer data).
    """
    x = np.sort(np.asarray(values, dtype=float)[~np.isnan(np.asarray(values, dtype=float))])
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    lo = max(0, int(math.floor(n / 2 - z * math.sqrt(n) / 2)))
    hi = min(n - 1, int(math.ceil(n / 2 + z * math.sqrt(n) / 2)) - 1)
    return (float(np.median(x)), float(x[lo]), float(x[max(hi, lo)]))


def mean_ci(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Mean and its normal interval (mean ± z·SE)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return (m, m - z * se, m + z * se)


#: The headline outcomes: key -> (label for the table, how it is computed).
HEADLINE = {
    "p_strikes": "P(strikes: highest rung >= 3)",
    "p_war": "P(war: highest rung >= 4)",
    "p_nuclear": "P(nuclear use: rung 5)",
    "p_ceasefire": "P(ceasefire reached)",
    "p_ceasefire_holding": "P(ceasefire holding at horizon)",
    "median_duration_days": "Median crisis duration (days)",
    "median_days_to_ceasefire": "Median days to ceasefire",
    "median_kinetic_days": "Median kinetic phase (days at rung >= 3 | strikes)",
    "p_accidental_escalation": "P(an escalation caused by misperception)",
    "p_third_party_engaged": "P(a third party engaged)",
    "median_casualties": "Median deaths (both sides)",
    "mean_loc_incidents": "Mean LoC incidents",
    "mean_crises_per_decade": "Mean crisis onsets per decade",
}


def _entry(est: tuple[float, float, float], n: int) -> dict[str, Any]:
    def clean(v: float) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
    return {"estimate": clean(est[0]), "ci_low": clean(est[1]), "ci_high": clean(est[2]), "n": int(n)}


def summarise(df: pd.DataFrame | Callable[[], Iterable[pd.DataFrame]], days: int, broker_names: Iterable[str],
              third_parties: Iterable[str], belligerents: Iterable[str], horizon: str = "crisis"
              ) -> dict[str, dict[str, Any]]:
    """Estimates with 95% intervals from the per-replicate outcome table.

    Args:
        df: One row per replicate (see :meth:`sim.model.CrisisModel.outcomes`), or a function
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
    s.prop("p_strikes", lambda d: d["strikes"])
    s.prop("p_war", lambda d: d["war"])
    s.prop("p_nuclear", lambda d: d["nuclear"])
    s.prop("p_ceasefire", lambda d: d["ceasefire"])
    s.prop("p_ceasefire_holding", lambda d: d["ceasefire_holding"])
    s.median("median_duration_days", lambda d: d["duration_days"], columns=["duration_days"])
    s.median("median_days_to_ceasefire", lambda d: d["day_ceasefire"], n="values", columns=["day_ceasefire"])
    s.median("median_kinetic_days", lambda d: d.loc[d["strikes"], "kinetic_days"], n="values",
             columns=["strikes", "kinetic_days"])
    s.prop("p_accidental_escalation", lambda d: d["accidental_escalations"] > 0)
    s.prop("p_third_party_engaged", lambda d: d["third_party_engaged"])
    s.median("median_casualties", lambda d: d["casualties"], columns=["casualties"])
    s.mean("mean_loc_incidents", lambda d: d["loc_incidents"])
    if horizon == "era":
        s.mean("mean_crises_per_decade", lambda d: d["crises"], scale=3650.0 / days)
    for code, name in enumerate(broker_names):
        s.prop(f"share_brokered_{name}", lambda d, code=code: d["broker"] == code, of=lambda d: d["ceasefire"])
    for tp in third_parties:
        s.prop(f"p_engaged_{tp}", lambda d, tp=tp: d[f"engaged_{tp}"])
        for b in belligerents:
            key = f"affinity_change_{tp}_{b}"
            s.mean(f"mean_{key}", lambda d, key=key: d[key])
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


def _moments_ci(a: dict[str, Any], z: float = Z95) -> tuple[float, float, float]:
    """Like :func:`mean_ci`, from merged moments."""
    n = a["n"]
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = a["mean"]
    se = math.sqrt(a["m2"] / (n - 1)) / math.sqrt(n) if n > 1 else math.nan
    return (m, m - z * se, m + z * se)


def _median_ci_from(n: int, select: Callable[[list[int]], dict[int, float]], z: float = Z95
                    ) -> tuple[float, float, float]:
    """Like :func:`median_ci`, from a function returning order statistics at 0-based ranks."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    lo = max(0, int(math.floor(n / 2 - z * math.sqrt(n) / 2)))
    hi = min(n - 1, int(math.ceil(n / 2 + z * math.sqrt(n) / 2)) - 1)
    mids = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    got = select([lo, max(hi, lo), *mids])
    med = got[mids[0]] if n % 2 else (got[mids[0]] + got[mids[1]]) / 2.0
    return (float(med), got[lo], got[max(hi, lo)])


# ----------------------------------------------------------------- calibration targets (MODEL.md §8)
def calibration_checks(summary: dict[str, dict[str, Any]]) -> list[tuple[str, bool, str]]:
    """The post-1998 calibration targets of MODEL.md §8, checked on a crisis-horizon summary.

    Returns:
        ``(target, met, detail)`` per target; the estimate must lie in the stated band.
    """
    def est(key: str) -> float:
        value = summary[key]["estimate"]
        return math.nan if value is None else float(value)

    checks = [
        ("strikes likely but not certain (post-2016 ≈ 0.75): P(strikes) in [0.5, 0.95]",
         0.5 <= est("p_strikes") <= 0.95, f"{est('p_strikes'):.3f}"),
        ("war rare: P(war) <= 0.11", est("p_war") <= 0.11, f"{est('p_war'):.4f}"),
        ("nuclear use rarer than war: P(nuclear) <= P(war) and < 0.01",
         est("p_nuclear") <= est("p_war") and est("p_nuclear") < 0.01, f"{est('p_nuclear'):.4f}"),
        ("weeks, not months: median duration in [14, 56] days",
         14 <= est("median_duration_days") <= 56, f"{est('median_duration_days'):.0f} d"),
        ("kinetic phase lasts days: median days at rung >= 3 (given strikes) <= 7",
         est("median_kinetic_days") <= 7, f"{est('median_kinetic_days'):.0f} d"),
        ("a third party engaged in ≈ 90% of crises: P in [0.8, 1]",
         0.8 <= est("p_third_party_engaged") <= 1.0, f"{est('p_third_party_engaged'):.3f}"),
    ]
    return checks
