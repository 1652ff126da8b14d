"""Krippendorff's alpha: agreement between coders, for nominal, ordinal and interval codes.

``alpha = 1 - D_o / D_e`` from the coincidence matrix of the pairable values (Krippendorff 2011,
"Computing Krippendorff's alpha-reliability"): 1 is perfect agreement, 0 agreement at chance.
Units coded by fewer than two coders are not pairable and are left out.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

LEVELS = ("nominal", "ordinal", "interval")


def krippendorff_alpha(units: Sequence[Sequence[object]], level: str = "nominal") -> float:
    """Alpha for ``units``: one sequence of codes per unit (one code per coder; None = missing).

    Ordinal codes must be sortable; interval codes numbers. Returns NaN when no two values differ
    across the whole data (alpha is undefined then: there is no variation to agree on).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    pairable = [[v for v in u if v is not None] for u in units]
    pairable = [u for u in pairable if len(u) >= 2]
    values = sorted({v for u in pairable for v in u})
    if len(values) < 2:
        return math.nan
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    o = np.zeros((k, k))  # coincidence matrix
    for u in pairable:
        m = len(u)
        codes = [index[v] for v in u]
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[codes[a], codes[b]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if level == "nominal":
        delta = 1.0 - np.eye(k)
    elif level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        delta = np.zeros((k, k))
        for c in range(k):
            for d in range(k):
                lo, hi = min(c, d), max(c, d)
                delta[c, d] = (cum[hi + 1] - cum[lo] - (n_c[c] + n_c[d]) / 2.0) ** 2
    else:
        x = np.asarray(values, dtype=float)
        delta = (x[:, None] - x[None, :]) ** 2
    d_o = float(np.sum(o * delta)) / n
    d_e = float(np.sum(np.outer(n_c, n_c) * delta)) / (n * (n - 1))
    return math.nan if d_e == 0 else 1.0 - d_o / d_e
