"""Vectorised helpers of the model's day: exact, fast forms of numpy lookups and reductions.

The day works on arrays with a leading replicate axis and reduces over short axes (the two
belligerents, the T third parties), where numpy's own reductions and fancy indexing cost tens
of microseconds per call. The lookups and reductions here give bit for bit the values of the numpy
expression in their docstrings, computed column by column or as one flat lookup.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _halflife_factor(days: Any) -> Any:
    return np.power(0.5, 1.0 / days)


def _per_rung(table: np.ndarray, rung: np.ndarray) -> np.ndarray:
    """Look up a per-belligerent, per-rung table (R|1, 2, K) at rungs (R, 2)."""
    if table.shape[0] == 1:  # table[0][np.arange(2), rung], as one flat take
        return table.reshape(-1).take(rung + _SIDE_OFFSETS * table.shape[2])
    return np.take_along_axis(table, rung[:, :, None], 2)[:, :, 0]


_SIDE_OFFSETS = np.arange(2)

#: Every possible highest rung, as a column: a quantity that depends on the replicate only through
#: its highest rung is computed once per rung and looked up (``.take(rmax[:, 0], axis=0)``).
_RUNG_LEVELS = np.arange(6)[:, None]


def _at_rung(table: np.ndarray, rung: np.ndarray) -> np.ndarray:
    """Look up a per-rung table (R|1, K) at rungs (R, 1)."""
    if table.shape[0] == 1:
        return table[0][rung]
    return np.take_along_axis(table, rung, 1)


# The day's hot path reduces over short axes (2 belligerents, T third parties), where numpy's
# reductions are slow (tens of microseconds for 2,000 replicates). These helpers give exactly the
# same values, column by column.
#: Up to this many replicates (the classroom app, mesa.batch_run), numpy's own reductions are
#: quicker than the column-by-column ones below; where both are used, they give identical values.
_FEW = 32


def _max_pair(x: np.ndarray) -> np.ndarray:
    """``x.max(1, keepdims=True)`` of an (R, 2) array."""
    return np.maximum(x[:, :1], x[:, 1:])


def _sum_mid(x: np.ndarray) -> np.ndarray:
    """``x.sum(1)`` of an (R, T, K) float array: from 0.0, adding t = 0, 1, ... in turn, as numpy does."""
    out = np.zeros((x.shape[0], x.shape[2]))
    for k in range(x.shape[2]):
        column = out[:, k]
        for t in range(x.shape[1]):
            column += x[:, t, k]
    return out


def _any_cols(x: np.ndarray) -> np.ndarray:
    """``x.any(1, keepdims=True)`` of an (R, K) boolean array."""
    if x.shape[0] <= _FEW or x.shape[1] == 0:  # for a few replicates numpy's own is quicker (and exact)
        return x.any(1, keepdims=True)
    out = x[:, :1].copy()
    for k in range(1, x.shape[1]):
        out |= x[:, k:k + 1]
    return out


def _count_cols(x: np.ndarray) -> np.ndarray:
    """``x.sum(1, keepdims=True)`` of an (R, K) boolean array (int64 counts)."""
    if x.shape[0] <= _FEW:  # integer counts: numpy's own gives the same and is quicker for a few rows
        return x.sum(1, keepdims=True)
    out = np.zeros((x.shape[0], 1), dtype=np.int64)
    for k in range(x.shape[1]):
        out += x[:, k:k + 1]
    return out

