"""Figures of a sweep: an outcome over one swept key (lines with bands) or two (a heatmap).

They read a tidy sweep table, one row per run and outcome with the swept keys as columns and
``outcome, estimate, ci_low, ci_high, n`` (``collected.parquet``); labels, units and decimals come
from the outcome catalogue (:mod:`sim.vocab.outcomes`). :func:`write_sweep_figures` draws them
all for the collect step; a figure that does not fit the table is a note, never an error.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.inputs.errors import one_line
from sim.views.style import (
    FORMATS,
    FigureRecord,
    FigureSet,
    new_figure,
    save_figure,
    style,
)
from sim.vocab.outcomes import DAY_MEDIANS, PROBABILITIES
from sim.vocab.outcomes import outcome as catalogue_entry
from sim.vocab.palette import LINESTYLES, MARKERS, SERIES_COLOURS, SWEEP_CMAP

TIDY_COLUMNS = ("outcome", "estimate", "ci_low", "ci_high", "n")


def _sweep_table(df: pd.DataFrame, outcome: str, keys: Sequence[str], fixed: Mapping[str, Any] | None) -> pd.DataFrame:
    missing = [c for c in (*TIDY_COLUMNS, *keys, *(fixed or {})) if c not in df.columns]
    if missing:
        raise ValueError(f"sweep table lacks column(s) {', '.join(missing)} (columns: {', '.join(map(str, df.columns))})")
    sel = df[df["outcome"] == outcome]
    if sel.empty:
        raise ValueError(f"outcome '{outcome}' is not in the sweep table (outcomes: "
                         f"{', '.join(map(str, sorted(df['outcome'].unique())))})")
    for key, value in (fixed or {}).items():
        sel = sel[sel[key] == value]
        if sel.empty:
            raise ValueError(f"fixed {key}={value!r}: no row of outcome '{outcome}' has that value")
    dup = sel.duplicated(list(keys), keep=False)
    if dup.any():
        other = [c for c in sel.columns if c not in (*TIDY_COLUMNS, *keys) and sel.loc[dup, c].nunique() > 1]
        raise ValueError(f"several rows per point of {', '.join(keys)}: "
                         f"{', '.join(other) or 'other columns'} also vary; choose one with fixed={{...}}")
    return sel


def _ordered(values: pd.Series) -> list[Any]:
    uniq = list(pd.unique(values))
    try:
        return sorted(uniq)
    except TypeError:
        return uniq


def sweep_heatmap(df: pd.DataFrame, x: str, y: str, outcome: str, *, fixed: Mapping[str, Any] | None = None,
                  annotate: bool | None = None, title: str | None = None, cmap: str = SWEEP_CMAP) -> Any:
    """Heatmap of an outcome's estimate over two swept keys.

    Args:
        df: Tidy sweep table, one row per run and outcome, with the swept keys as columns and
            ``outcome, estimate, ci_low, ci_high, n``.
        x, y: The swept keys on the horizontal and vertical axes.
        outcome: The outcome key, e.g. ``"p_war"``.
        fixed: Values of other swept keys to hold (when they vary too).
        annotate: Write the estimate (and its interval, on small grids) in each cell; default on
            grids up to 12 x 12.

    Raises:
        ValueError: a missing column or outcome, or several rows per cell (one line).
    """
    import matplotlib as mpl

    sel = _sweep_table(df, outcome, (x, y), fixed)
    xs, ys = _ordered(sel[x]), _ordered(sel[y])
    grid = sel.pivot(index=y, columns=x, values="estimate").reindex(index=ys, columns=xs)
    lo = sel.pivot(index=y, columns=x, values="ci_low").reindex(index=ys, columns=xs)
    hi = sel.pivot(index=y, columns=x, values="ci_high").reindex(index=ys, columns=xs)
    values = grid.to_numpy(dtype=float)
    entry = catalogue_entry(outcome)
    label, unit = entry.label, entry.unit
    fig = new_figure(max(4.5, 1.2 + 0.75 * len(xs)), max(3.2, 1.2 + 0.5 * len(ys)))
    annotate = (len(xs) <= 12 and len(ys) <= 12) if annotate is None else annotate
    with style():
        ax = fig.subplots()
        cm = mpl.colormaps[cmap].with_extremes(bad="0.85")
        mesh = ax.pcolormesh(np.arange(len(xs) + 1) - 0.5, np.arange(len(ys) + 1) - 0.5,
                             np.ma.masked_invalid(values), cmap=cm, shading="flat", gid="heatmap")
        cb = fig.colorbar(mesh, ax=ax)
        cb.set_label(textwrap.fill(f"{label} ({unit})", 34))
        if annotate:
            norm = mesh.norm
            small = len(xs) <= 6 and len(ys) <= 8
            for r in range(len(ys)):
                for c in range(len(xs)):
                    v = values[r, c]
                    if np.isnan(v):
                        ax.text(c, r, "no run", ha="center", va="center", fontsize=7, color="0.3")
                        continue
                    rgb = np.asarray(cm(norm(v))[:3])
                    colour = "black" if rgb @ [0.299, 0.587, 0.114] > 0.5 else "white"
                    fmt = f".{entry.digits}f"
                    text = f"{v:{fmt}}"
                    if small and not np.isnan(lo.iat[r, c]):
                        text += f"\n[{lo.iat[r, c]:{fmt}}, {hi.iat[r, c]:{fmt}}]"
                    ax.text(c, r, text, ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_yticks(range(len(ys)), [str(v) for v in ys])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.grid(False)
        held = ", ".join(f"{k}={v}" for k, v in (fixed or {}).items())
        ax.set_title(title or f"{label}" + (f" ({held})" if held else ""))
    return fig


def sweep_lines(df: pd.DataFrame, x: str, outcome: str, *, group: str | None = None,
                fixed: Mapping[str, Any] | None = None, title: str | None = None) -> Any:
    """An outcome's estimate over one swept key, with its 95% interval as a band; one line per
    value of ``group`` (another swept key) if given. Same table as :func:`sweep_heatmap`."""
    sel = _sweep_table(df, outcome, (x,) if group is None else (x, group), fixed)
    xs = _ordered(sel[x])
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in xs)
    entry = catalogue_entry(outcome)
    label, unit = entry.label, entry.unit
    fig = new_figure(6.5, 4.0)
    groups = [None] if group is None else _ordered(sel[group])
    with style():
        ax = fig.subplots()
        for i, gv in enumerate(groups):
            part = sel if gv is None else sel[sel[group] == gv]
            part = part.set_index(x).reindex(xs)
            xv = np.asarray(xs, dtype=float) if numeric else np.arange(len(xs))
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            est = part["estimate"].to_numpy(dtype=float)
            ax.fill_between(xv, part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float),
                            color=colour, alpha=0.2, linewidth=0, gid=f"band{i}")
            ax.plot(xv, est, color=colour, marker=MARKERS[i % len(MARKERS)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                    linewidth=1.5, markersize=4, label=None if gv is None else str(gv), gid=f"line{i}")
        if not numeric:
            ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_xlabel(x)
        ax.set_ylabel(textwrap.fill(f"{label} ({unit}, 95% band)", 40))
        if unit == "probability":
            ax.set_ylim(bottom=0)
        if group is not None:
            ax.legend(title=group, loc="best")
        held = ", ".join(f"{k}={v}" for k, v in (fixed or {}).items())
        ax.set_title(title or f"{label} over {x}" + (f" ({held})" if held else ""))
    return fig


def swept_keys(df: pd.DataFrame) -> list[str]:
    """The columns of a tidy sweep table that vary across runs (every column but the tidy ones and
    bookkeeping columns such as a run's folder)."""
    skip = {*TIDY_COLUMNS, "run", "run_dir", "path", "label", "seed", "config_hash"}
    return [c for c in df.columns if c not in skip and df[c].nunique(dropna=False) > 1]


def write_sweep_figures(df: pd.DataFrame, out_dir: str | Path, *, keys: Sequence[str] | None = None,
                        outcomes: Sequence[str] | None = None, formats: Sequence[str] = FORMATS) -> FigureSet:
    """The figures of a sweep, for the collect step: per outcome, a line plot with bands over one
    swept key (one line per value of a second key, if any) and a heatmap over two.

    Args:
        df: The tidy sweep table (see :func:`sweep_heatmap`).
        out_dir: Folder for ``<outcome>_lines.<fmt>`` and ``<outcome>_heatmap.<fmt>``.
        keys: The swept keys, first on the x axis (default: the columns that vary, in order).
        outcomes: Outcomes to draw (default: the headline probabilities and medians in the table).

    Returns:
        The figures and notes; a figure that cannot be drawn (e.g. three swept keys varying at once)
        is a note, never an error.
    """
    t0 = time.perf_counter()
    keys = list(keys) if keys is not None else swept_keys(df)
    present = list(pd.unique(df["outcome"])) if "outcome" in df else []
    if outcomes is None:
        outcomes = [o.key for o in (*PROBABILITIES, *DAY_MEDIANS) if o.key in present]
    out = Path(out_dir)
    figures: dict[str, Any] = {}
    records: list[FigureRecord] = []
    notes: list[str] = []
    if not keys or len(keys) > 2:
        notes.append(f"sweep figures need one or two swept keys; the table varies {len(keys)} "
                     f"({', '.join(keys) or 'none'}): pass keys=[...] and draw the rest with fixed={{...}}")
        return FigureSet(figures, records, notes, out, seconds=time.perf_counter() - t0)
    for outcome in outcomes:
        label = catalogue_entry(outcome).label
        jobs = [(f"{outcome}_lines", f"{label} over {keys[0]}",
                 lambda o=outcome: sweep_lines(df, keys[0], o, group=keys[1] if len(keys) > 1 else None))]
        if len(keys) == 2:
            jobs.append((f"{outcome}_heatmap", f"{label} over {keys[0]} and {keys[1]}",
                         lambda o=outcome: sweep_heatmap(df, keys[0], keys[1], o)))
        for name, title, build in jobs:
            t1 = time.perf_counter()
            try:
                fig = build()
                files = save_figure(fig, out, name, formats)
            except (ValueError, KeyError, TypeError) as exc:
                notes.append(f"{name}: not drawn ({one_line(exc)})")
                continue
            figures[name] = fig
            records.append(FigureRecord(name, title, f"{label} with 95% intervals.", files, time.perf_counter() - t1))
    return FigureSet(figures, records, notes, out, seconds=time.perf_counter() - t0)
