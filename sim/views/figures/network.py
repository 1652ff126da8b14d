"""The alliance network before the crisis and at the horizon, and the change in each tie.

Actors stand where :func:`sim.views.layout.network_layout` puts them (the same place in every
panel, run and the app); edge colour is affinity on the palette's diverging scale (hostile ties
dashed), edge width the third party's leverage over the belligerent. The matrices come from the
reader (:func:`sim.runs.reader.network_matrices`); this module only draws them.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np

from sim.runs.reader import MissingData, load_run, network_matrices
from sim.views.figures.common import est, offsets, runs_of
from sim.views.layout import network_layout
from sim.views.style import FigureSkipped, footnote, new_figure, note, style, suptitle
from sim.vocab.outcomes import instances
from sim.vocab.palette import AFFINITY_CMAP, MARKERS, SERIES_COLOURS


def _draw_network(ax, sc, pos, aff, lev, norm, cmap, title: str, before: np.ndarray | None = None) -> None:
    g = sc.graph(affinity=aff, leverage=lev)
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    for u, v, data in g.edges(data=True):
        key = tuple(sorted((u, v)))
        e = pairs.setdefault(key, {"affinity": 0.0, "leverage": 0.0})
        if abs(data["affinity"]) > abs(e["affinity"]):
            e["affinity"] = data["affinity"]
        e["leverage"] = max(e["leverage"], data["leverage"])
    for (u, v), e in sorted(pairs.items(), key=lambda kv: abs(kv[1]["affinity"])):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        width = 0.8 + 9.0 * e["leverage"]
        ax.plot([x0, x1], [y0, y1], color=cmap(norm(e["affinity"])), linewidth=width,
                linestyle="--" if e["affinity"] < 0 else "-", solid_capstyle="round", zorder=1,
                gid=f"edge_{u}_{v}")
        if before is not None:
            i, j = sc.actors.index(u), sc.actors.index(v)
            change = aff[i, j] - before[i, j]
            if abs(change) >= 0.005:
                ax.annotate(f"{change:+.2f}", ((x0 + x1) / 2, (y0 + y1) / 2), ha="center", va="center", fontsize=7,
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "0.5",
                                  "linewidth": 0.5}, zorder=4)
    for a, (x, y) in pos.items():
        bel = sc.roles[sc.actors.index(a)] == "belligerent"
        ax.scatter([x], [y], s=900 if bel else 620, marker="s" if bel else "o", facecolor="white",
                   edgecolor="black", linewidth=1.4 if bel else 1.0, zorder=2)
        ax.annotate(a, (x, y), ha="center", va="center", fontsize=8, fontweight="bold" if bel else "normal",
                    zorder=3)
    ax.set_xlim(-1.65, 1.65)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)


def affinity_change_plot(runs: Any, labels: Sequence[str] | None = None, ax=None) -> Any:
    """Mean change, by the horizon, of each third party's affinity with each belligerent, with 95%
    intervals, one marker per run (e.g. the US-India strain of a public mediation offer)."""
    runs = runs_of(runs, labels)
    keys: list[str] = []
    for r in runs:
        keys += [k for k in instances("mean_affinity_change_{tp}_{b}", r.summary) if k not in keys]
    if not keys:
        raise FigureSkipped("affinity-change figure skipped: the summary has no mean_affinity_change_* entries")
    fig = None
    if ax is None:
        fig = new_figure(6.5, 0.9 + 0.22 * len(keys) * max(1.0, 0.5 * len(runs) + 0.5))
    k = len(runs)
    shift = offsets(k)
    rows = np.arange(len(keys))[::-1]
    with style():
        if ax is None:
            ax = fig.subplots()
        ax.axvline(0, color="black", linewidth=0.8)
        for i, run in enumerate(runs):
            vals = [(est(run.summary, key), row) for key, row in zip(keys, rows)]
            vals = [(v, row) for v, row in vals if v is not None]
            x = np.array([v[0] for v, _ in vals])
            lo = np.array([v[1] for v, _ in vals])
            hi = np.array([v[2] for v, _ in vals])
            y = np.array([row for _, row in vals]) + shift[i]
            ax.errorbar(x, y, xerr=np.vstack([x - lo, hi - x]), fmt=MARKERS[i % len(MARKERS)],
                        color=SERIES_COLOURS[i % len(SERIES_COLOURS)], markersize=4, capsize=2, linewidth=1.0,
                        label=run.label, gid=f"run{i}")
        names = [re.sub(r"^mean_affinity_change_(.+)_([^_]+)$", r"\1–\2", key) for key in keys]
        ax.set_yticks(rows, names)
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("mean change in affinity by the horizon\n(after − before, 95% interval)")
        ax.set_title("Change in ties")
        if k > 1:
            ax.legend(loc="best", title="policy")
    return fig if fig is not None else ax.figure


def network_figure(run: Any) -> Any:
    """The alliance network before the crisis and at the horizon (means over replicates).

    Actors keep the same place in both panels (and in every run of a scenario). Edge colour:
    affinity (blue close, red hostile; hostile ties dashed); edge width: leverage of the third party
    over the belligerent. Right: the mean change in each third-party-belligerent tie with its 95%
    interval.
    """
    import matplotlib as mpl
    from matplotlib.lines import Line2D

    run = load_run(run)
    m = network_matrices(run)
    sc = m["scenario"]
    pos = network_layout(sc)
    fig = new_figure(13.0, 4.8)
    for n in m["notes"]:
        note(fig, n)
    cmap = mpl.colormaps[AFFINITY_CMAP]
    norm = mpl.colors.Normalize(-1, 1)
    with style():
        ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=(1.1, 1.1, 0.8))
        _draw_network(ax0, sc, pos, m["affinity_before"], m["leverage_before"], norm, cmap, "Before the crisis (day 0)")
        _draw_network(ax1, sc, pos, m["affinity_after"], m["leverage_after"], norm, cmap,
                      f"At the horizon (day {run.days}, mean of {run.replicates:,} replicates;\n"
                      f"labels: change in affinity)", before=m["affinity_before"])
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, ax=[ax0, ax1], orientation="horizontal", fraction=0.05, shrink=0.5, aspect=30)
        cb.set_label("affinity (−1 hostile, dashed … +1 close)")
        handles = [Line2D([], [], color="0.3", linewidth=0.8 + 9.0 * v, label=f"{v:.1f}") for v in (0.0, 0.2, 0.4, 0.6)]
        ax1.legend(handles=handles, title="leverage (width)", loc="upper left", bbox_to_anchor=(1.0, 1.0),
                   fontsize=7, title_fontsize=7, handlelength=2.5)
        try:
            affinity_change_plot([run], ax=ax2)
        except MissingData as exc:
            ax2.axis("off")
            note(fig, str(exc))
        suptitle(fig, f"The alliance network: {run.title}")
        if m["notes"]:
            footnote(fig, "Note: " + "; ".join(m["notes"]) + ".")
    return fig
