"""Paired comparisons: two arms of a policy contrast run on the same seeds (common random numbers).

Replicate i of both arms faces the same attacks, incidents and chance events (every process
draws from its own stream, a fixed amount a day, keyed by seed and block), so the per-replicate
difference ``d_i = x_i(arm) - x_i(reference)`` removes the variation the arms share. The paired
95% interval of the mean difference is ``mean(d) ± z·sd(d)/√n``; two independent runs of the
same size would give ``± z·√(var_ref/n + var_arm/n)``. The ratio of the two widths shows what the
pairing buys (1 = nothing; 0.1 = the same precision as 100 times more replicates unpaired).

Contrasted outcomes are those that are means over all replicates: the probabilities (strikes,
war, nuclear use, a ceasefire, a holding ceasefire, an accidental escalation, a third party
engaged, a ceasefire brokered by each channel) and the mean duration, kinetic days, deaths, LoC
incidents and ceasefire breaks. Medians and outcomes conditional on an event (days to a
ceasefire *given* one) are not means of per-replicate values, so they have no paired difference.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from sim.inputs.errors import DiplosimError
from sim.stats.intervals import Z95

#: key -> (label, column, transform)
PAIRED: dict[str, tuple[str, str, Callable[[pd.Series], Any]]] = {
    "p_strikes": ("P(strikes)", "strikes", lambda s: s),
    "p_war": ("P(war)", "war", lambda s: s),
    "p_nuclear": ("P(nuclear use)", "nuclear", lambda s: s),
    "p_ceasefire": ("P(ceasefire reached)", "ceasefire", lambda s: s),
    "p_ceasefire_holding": ("P(ceasefire holding at horizon)", "ceasefire_holding", lambda s: s),
    "p_accidental_escalation": ("P(an escalation caused by misperception)", "accidental_escalations", lambda s: s > 0),
    "p_third_party_engaged": ("P(a third party engaged)", "third_party_engaged", lambda s: s),
    "mean_duration_days": ("Mean crisis duration (days)", "duration_days", lambda s: s),
    "mean_kinetic_days": ("Mean days at rung >= 3", "kinetic_days", lambda s: s),
    "mean_casualties": ("Mean deaths (both sides)", "casualties", lambda s: s),
    "mean_loc_incidents": ("Mean LoC incidents", "loc_incidents", lambda s: s),
    "mean_ceasefire_breaks": ("Mean ceasefire breaks", "ceasefire_breaks", lambda s: s),
}


COLUMNS = sorted({col for _, col, _ in PAIRED.values()} | {"replicate", "broker"})


def _specs(names_a: list[str], names_b: list[str]) -> list[tuple[str, str, Callable, Callable]]:
    out = [(key, label, (lambda d, c=col, f=fn: f(d[c])), (lambda d, c=col, f=fn: f(d[c])))
           for key, (label, col, fn) in PAIRED.items()]
    for name in names_a:
        if name in names_b:  # the broker codes of a name may differ if the arms' scenarios differ
            ca, cb = names_a.index(name), names_b.index(name)
            out.append((f"p_brokered_{name}", f"P(ceasefire brokered: {name})",
                        lambda d, c=ca: d["broker"] == c, lambda d, c=cb: d["broker"] == c))
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


def paired_contrast(blocks_a: Callable[[], Iterable[pd.DataFrame]], blocks_b: Callable[[], Iterable[pd.DataFrame]],
                    names_a: list[str], names_b: list[str], z: float = Z95) -> pd.DataFrame:
    """Paired differences (arm b minus reference a) of each outcome that is a mean over replicates.

    Args:
        blocks_a, blocks_b: Functions returning each arm's outcome table chunk by chunk, in
            replicate order (the arms must have been run on the same seed, replicates and block size).
        names_a, names_b: Each arm's broker names (code 0 first).

    Returns:
        One row per outcome: ``outcome, label, reference, estimate, difference, ci_low, ci_high``
        (paired 95%), ``unpaired_ci_low, unpaired_ci_high`` (as if the arms were independent),
        ``width_ratio`` (paired / unpaired width), ``correlation`` and ``n``.

    Raises:
        DiplosimError: the arms are not paired (different replicates).
    """
    specs = _specs(list(names_a), list(names_b))
    acc = {key: (_Moments(), _Moments(), _Moments()) for key, *_ in specs}
    for da, db in _aligned(blocks_a(), blocks_b()):
        if not np.array_equal(da["replicate"].to_numpy(), db["replicate"].to_numpy()):
            raise DiplosimError("the two arms hold different replicates, so they are not paired")
        for key, _, fa, fb in specs:
            xa = np.asarray(fa(da), dtype=float)
            xb = np.asarray(fb(db), dtype=float)
            ma, mb, md = acc[key]
            ma.add(xa)
            mb.add(xb)
            md.add(xb - xa)
    rows = []
    for key, label, _, _ in specs:
        ma, mb, md = acc[key]
        n = md.n
        se_p = math.sqrt(md.var / n) if n > 1 else math.nan
        se_u = math.sqrt(ma.var / n + mb.var / n) if n > 1 else math.nan
        cov = (ma.var + mb.var - md.var) / 2.0 if n > 1 else math.nan
        corr = cov / math.sqrt(ma.var * mb.var) if n > 1 and ma.var > 0 and mb.var > 0 else math.nan
        rows.append({"outcome": key, "label": label, "reference": ma.mean, "estimate": mb.mean,
                     "difference": md.mean, "ci_low": md.mean - z * se_p, "ci_high": md.mean + z * se_p,
                     "unpaired_ci_low": md.mean - z * se_u, "unpaired_ci_high": md.mean + z * se_u,
                     "width_ratio": se_p / se_u if se_u > 0 else math.nan, "correlation": corr, "n": n})
    return pd.DataFrame(rows)


def paired_reason(cfg_a: Any, cfg_b: Any) -> str | None:
    """Why two runs are not paired (None if they are): they must share seed, replicates and blocks."""
    for key in ("seed", "replicates", "block_size"):
        if cfg_a["run"][key] != cfg_b["run"][key]:
            return f"run.{key} differs ({cfg_a['run'][key]} vs {cfg_b['run'][key]})"
    if cfg_a["run"].get("design", "") != cfg_b["run"].get("design", ""):
        return "run.design differs"
    return None

