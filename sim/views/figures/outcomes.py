"""Figures of outcomes with their intervals: the forest plot, the differences from a baseline
and who brokered the ceasefire, with :func:`differences`, the table behind the difference plot
and the comparison report.

Every point is a summary's estimate and every bar its 95% interval (Wilson for proportions,
order statistics for medians, a dotted line across the panel where too few values bound none); differences between runs come from the paired engine,
:mod:`sim.stats.paired`. Runs side by side take the palette's series colours with a marker each.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from sim.inputs.errors import DiplosimError
from sim.runs.reader import MissingData
from sim.stats.intervals import newcombe_interval
from sim.stats.paired import COLUMNS as PAIRED_COLUMNS
from sim.stats.paired import paired_contrast, paired_reason
from sim.views.figures.common import baseline_index, est, offsets, runs_of
from sim.views.style import FigureSkipped, new_figure, num, style, suptitle
from sim.vocab.outcomes import DAY_MEDIANS, PROBABILITIES
from sim.vocab.palette import HATCHES, MARKERS, SERIES_COLOURS

#: The columns of :func:`differences`.
DIFFERENCE_COLUMNS = ("label", "baseline", "outcome", "difference", "ci_low", "ci_high", "paired", "unpaired_ci_low",
                      "unpaired_ci_high", "unpaired_halfwidth", "width_ratio", "n", "cred_low", "cred_high",
                      "sign_agreement")


def forest_plot(runs: Any, labels: Sequence[str] | None = None) -> Any:
    """Outcome estimates with 95% intervals, one row per outcome, one marker per run (a forest plot).

    Left: probabilities; right: durations in days (medians). Points are the summary's
    estimates, bars its intervals (Wilson for proportions, order statistics for medians); a
    dotted line across the panel marks an unbounded interval (a median of at most 5 values).
    """
    runs = runs_of(runs, labels)
    fig = new_figure(9.5, 0.5 + 0.36 * len(PROBABILITIES) * max(1.0, 0.45 * len(runs) + 0.55))
    k = len(runs)
    shift = offsets(k)
    with style():
        axes = fig.subplots(1, 2, width_ratios=(3, 2))
        for ax, entries, xlabel in ((axes[0], PROBABILITIES, "probability (95% interval)"),
                                    (axes[1], DAY_MEDIANS, "days (95% interval)")):
            keys = [o.key for o in entries]
            rows = np.arange(len(keys))[::-1]
            for i, run in enumerate(runs):
                pts = [(est(run.summary, o.key), row, o) for o, row in zip(entries, rows)]
                pts = [(e, row, o) for e, row, o in pts if e is not None]
                if not pts:
                    continue
                x = np.array([e[0] for e, _, _ in pts])
                lo = np.array([e[1] for e, _, _ in pts])
                hi = np.array([e[2] for e, _, _ in pts])
                y = np.array([row for _, row, _ in pts]) + shift[i]
                colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
                # No bound (a median of at most 5 values): no bar, but a dotted line across the
                # panel, so an unbounded interval is not read as a zero-width one.
                unbounded = np.isnan(lo) | np.isnan(hi)
                ax.errorbar(x, y, xerr=np.where(unbounded, 0.0, np.vstack([x - lo, hi - x])),
                            fmt=MARKERS[i % len(MARKERS)], color=colour, markersize=5, capsize=2.5, linewidth=1.2,
                            label=run.label, gid=f"run{i}")
                for yi in y[unbounded]:
                    ax.plot([0, 1], [yi, yi], transform=ax.get_yaxis_transform(), linestyle=":", color=colour,
                            linewidth=1.0, gid=f"run{i}_unbounded")
                if k == 1:
                    fmt = num if ax is axes[0] else (lambda v: f"{v:.0f}")
                    for xi, yi, l, h, (_, _, o), no_bar in zip(x, y, lo, hi, pts, unbounded):
                        ax.annotate(f"{fmt(xi)} {o.format_interval(l, h, fmt)}", (xi if no_bar else h, yi),
                                    xytext=(4, 2) if no_bar else (4, 0), textcoords="offset points",
                                    va="bottom" if no_bar else "center", fontsize=7, color="0.25")
            ax.set_yticks(rows, [o.short for o in entries])
            ax.set_ylim(-0.6, len(keys) - 0.4)
            ax.set_xlabel(xlabel)
            ax.grid(axis="y", visible=False)
        axes[0].set_xlim(-0.02, 1.12 if k == 1 else 1.02)
        axes[1].set_xlim(left=0)
        if k == 1:
            axes[1].set_xlim(0, axes[1].get_xlim()[1] * 1.35)
        axes[0].set_title("Probabilities")
        axes[1].set_title("Durations (medians)")
        if k > 1:
            handles, lbls = axes[0].get_legend_handles_labels()
            fig.legend(handles, lbls, loc="outside lower center", ncols=min(k, 4), title="policy")
        scen = sorted({r.scenario_name for r in runs})
        suptitle(fig, f"Outcomes with 95% intervals: {', '.join(scen)}"
                  + (f", policy {runs[0].policy} ({runs[0].replicates:,} replicates)" if k == 1 else ""))
    return fig


def differences(runs: Any, baseline: int | str = 0, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Differences in each probability outcome between each run and the baseline, with 95% intervals.

    Paired runs (:func:`~sim.stats.paired.paired_reason`: the same seed, replicates, block size
    and design): the rows of :func:`~sim.stats.paired.paired_contrast`, the one paired engine
    (also behind ``sim.compare`` and ``contrasts.csv``): the mean of the per-replicate differences
    with Tango's score interval, far narrower than an unpaired one thanks to the common random
    numbers. Unpaired runs, or runs without per-replicate outcomes: Newcombe's hybrid score
    interval from the two summaries.

    Returns:
        One row per run and outcome: ``label``, ``baseline``, ``outcome``, ``difference``,
        ``ci_low``, ``ci_high``, ``paired``, ``unpaired_ci_low``, ``unpaired_ci_high``,
        ``unpaired_halfwidth`` (half the unpaired interval's width), ``width_ratio`` (paired /
        unpaired width, NaN if unpaired), ``n``; for paired runs over the posterior of the
        parameters ``cred_low``, ``cred_high`` (90% over parameter draws) and ``sign_agreement``
        (NaN otherwise).
    """
    runs = runs_of(runs, labels)
    b = baseline_index(runs, baseline)
    base = runs[b]
    keys = [o.key for o in PROBABILITIES]
    rows = []
    for i, run in enumerate(runs):
        if i == b:
            continue
        contrast = None
        if paired_reason(base.cfg, run.cfg) is None:
            try:
                contrast = paired_contrast(base.outcome_chunks(PAIRED_COLUMNS), run.outcome_chunks(PAIRED_COLUMNS),
                                           base.broker_names, run.broker_names).set_index("outcome")
            except (MissingData, DiplosimError, KeyError):
                contrast = None  # no per-replicate outcomes, or not the same replicates: unpaired
        for key in keys:
            ea, eb = est(run.summary, key), est(base.summary, key)
            if ea is None or eb is None:
                continue
            if contrast is not None and key in contrast.index:
                c = contrast.loc[key]
                diff, lo, hi, u_lo, u_hi = (float(c[k]) for k in ("difference", "ci_low", "ci_high",
                                                                  "unpaired_ci_low", "unpaired_ci_high"))
                ratio, n, is_paired = float(c["width_ratio"]), int(c["n"]), True
                cred = (float(c["cred_low"]), float(c["cred_high"]), float(c["sign_agreement"]))
            else:
                na, nb = ea[3], eb[3]
                diff, u_lo, u_hi = newcombe_interval(round(ea[0] * na), na, round(eb[0] * nb), nb)
                lo, hi, ratio, n, is_paired = u_lo, u_hi, math.nan, min(na, nb), False
                cred = (math.nan, math.nan, math.nan)
            rows.append({"label": run.label, "baseline": base.label, "outcome": key, "difference": diff,
                         "ci_low": lo, "ci_high": hi, "paired": is_paired, "unpaired_ci_low": u_lo,
                         "unpaired_ci_high": u_hi, "unpaired_halfwidth": (u_hi - u_lo) / 2, "width_ratio": ratio,
                         "n": n, "cred_low": cred[0], "cred_high": cred[1], "sign_agreement": cred[2]})
    return pd.DataFrame(rows, columns=list(DIFFERENCE_COLUMNS))


def difference_plot(runs: Any, baseline: int | str = 0, labels: Sequence[str] | None = None) -> Any:
    """Each policy's difference from the baseline in every probability outcome, with 95% intervals.

    Filled markers: paired intervals (Tango's, from the per-replicate differences of runs on the same
    seeds, see :func:`differences`); open markers: unpaired intervals (Newcombe). In percentage points.
    """
    runs = runs_of(runs, labels)
    if len(runs) < 2:
        raise FigureSkipped("differences need two runs or more (one is the baseline)")
    b = baseline_index(runs, baseline)
    diffs = differences(runs, b)
    others = [r for i, r in enumerate(runs) if i != b]
    keys = [o.key for o in PROBABILITIES]
    rows = np.arange(len(keys))[::-1]
    k = len(others)
    shift = offsets(k)
    fig = new_figure(7.5, 0.9 + 0.36 * len(keys) * max(1.0, 0.45 * k + 0.55))
    with style():
        ax = fig.subplots()
        ax.axvline(0, color="black", linewidth=0.8)
        for j, run in enumerate(others):
            i = runs.index(run)
            d = diffs[diffs["label"] == run.label].set_index("outcome").reindex(keys)
            ok = d["difference"].notna().to_numpy()
            x = 100 * d["difference"].to_numpy(dtype=float)[ok]
            lo = 100 * d["ci_low"].to_numpy(dtype=float)[ok]
            hi = 100 * d["ci_high"].to_numpy(dtype=float)[ok]
            paired = bool(d["paired"].fillna(False).to_numpy()[ok].all()) if ok.any() else False
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            ax.errorbar(x, rows[ok] + shift[j], xerr=np.vstack([x - lo, hi - x]), fmt=MARKERS[i % len(MARKERS)],
                        color=colour, markerfacecolor=colour if paired else "white", markersize=5, capsize=2.5,
                        linewidth=1.2, label=f"{run.label} − {runs[b].label} ({'paired' if paired else 'unpaired'})",
                        gid=f"run{i}")
        ax.set_yticks(rows, [o.short for o in PROBABILITIES])
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("difference from the baseline (percentage points, 95% interval)")
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=1, title="policy − baseline")
        ax.set_title(f"Differences from {runs[b].label}")
    return fig


def broker_plot(runs: Any, labels: Sequence[str] | None = None) -> Any:
    """Who brokered the ceasefire: among ceasefires, the share agreed through each channel, with 95% intervals."""
    runs = runs_of(runs, labels)
    channels: list[str] = []
    for r in runs:
        channels += [c for c in r.broker_names if c not in channels]
    usable = [r for r in runs if (est(r.summary, f"share_brokered_{channels[0]}") if channels else None)
              and r.summary[f"share_brokered_{channels[0]}"]["n"] > 0]
    if not channels or not usable:
        raise FigureSkipped("broker figure skipped: no replicate reached a ceasefire")
    fig = new_figure(7.5, 1.2 + 0.3 * len(channels) * max(1, len(runs)) ** 0.6)
    k = len(runs)
    height = 0.8 / k
    rows = np.arange(len(channels))[::-1]
    with style():
        ax = fig.subplots()
        for i, run in enumerate(runs):
            vals = [est(run.summary, f"share_brokered_{c}") for c in channels]
            x = np.array([v[0] if v else 0.0 for v in vals])
            lo = np.array([v[1] if v else 0.0 for v in vals])
            hi = np.array([v[2] if v else 0.0 for v in vals])
            n = next((v[3] for v in vals if v), 0)
            y = rows + (k - 1) / 2 * height - i * height
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            ax.barh(y, x, height=height * 0.9, color=colour, alpha=0.85, hatch=HATCHES[i % len(HATCHES)] or None,
                    edgecolor="black", linewidth=0.4, label=f"{run.label} ({n:,} ceasefires)", gid=f"run{i}")
            ax.errorbar(x, y, xerr=np.vstack([x - lo, hi - x]), fmt="none", ecolor="black", capsize=2,
                        linewidth=0.9)
            for xi, yi, h in zip(x, y, hi):
                ax.annotate(f"{xi:.2f}", (h, yi), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7)
        broker = runs[0].observed.get("broker")
        names = [("bilateral (hotline)" if c == "bilateral" else runs[0].actor_name(c)) for c in channels]
        ax.set_yticks(rows, names)
        ax.set_xlim(0, 1.1)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("share of ceasefires agreed through the channel (95% interval)")
        ax.legend(loc="lower right", title="policy")
        ax.set_title("Who brokered the ceasefire" + (f" (observed: {broker})" if broker else ""))
    return fig
