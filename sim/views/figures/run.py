"""Figures of one run over time: the share of replicates at each rung, and the highest rung so far.

:func:`escalation_figure` stacks, day by day, the share of replicates at each rung for each
side; :func:`highest_rung_figure` draws the highest rung reached so far as a fan chart (with the
observed path of a historical scenario) above the shares that reached each rung or higher. Both
read the daily table only, so they cost the same for any number of replicates. Rungs take the
ladder's colours, light to dark, with hatching on the kinetic rungs, so they read in greyscale.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.runs.reader import MissingData, load_run, observed_path
from sim.stats.curves import rung_quantiles
from sim.views.figures.common import day_axis_label
from sim.views.style import (
    FigureSkipped,
    footnote,
    new_figure,
    note,
    share_text,
    style,
    suptitle,
)
from sim.vocab.ladder import RUNG_COLOURS, RUNG_SHORT
from sim.vocab.palette import LINESTYLES, RUNG_HATCHES, SERIES_COLOURS


def escalation_figure(run: Any) -> Any:
    """Share of replicates at each rung, day by day, per belligerent (stacked areas).

    Each band's thickness on day t is the share of replicates whose side stands on that rung that
    day; the bands of a panel add up to 1. A dotted line marks the observed ceasefire day of a
    historical scenario.
    """
    run = load_run(run)
    bels = run.belligerents
    if not bels:
        raise FigureSkipped("escalation figure: the daily table has no share_rung columns")
    fig = new_figure(4.2 * len(bels) + 1.8, 3.6)
    day = run.daily["day"].to_numpy()
    cf_day = run.observed_number("days_to_ceasefire")
    with style():
        axes = fig.subplots(1, len(bels), sharey=True, squeeze=False)[0]
        for ax, b in zip(axes, bels):
            base = np.zeros(len(day))
            for k in range(6):
                share = run.daily[f"share_rung{k}_{b}"].to_numpy(dtype=float)
                top = base + share
                ax.fill_between(day, base, top, facecolor=RUNG_COLOURS[k], edgecolor="white", linewidth=0.4,
                                hatch=RUNG_HATCHES[k] or None, hatchcolor="0.25", label=RUNG_SHORT[k],
                                gid=f"rung{k}")
                base = top
            if cf_day is not None:
                ax.axvline(cf_day, color="black", linestyle=":", linewidth=1.2,
                           label=f"observed ceasefire (day {cf_day:g})")
            ax.set_xlim(day[0], day[-1])
            ax.set_ylim(0, 1)
            ax.set_title(run.actor_name(b))
            ax.set_xlabel(day_axis_label(run))
            ax.grid(False)
        axes[0].set_ylabel("share of replicates at each rung")
        handles, labels = axes[0].get_legend_handles_labels()
        order = [5, 4, 3, 2, 1, 0, *range(6, len(handles))]  # the ladder top down, then the observed day
        fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside right center",
                   title="rung (that day)")
        suptitle(fig, f"Escalation over time: {run.title} ({run.replicates:,} replicates)")
    return fig


def highest_rung_figure(run: Any) -> Any:
    """Fan chart of the highest rung reached so far (either side), with its exceedance shares.

    Top: the median, 50% and 90% ranges of the highest rung so far across replicates, day by day,
    and its mean; the observed path of a historical scenario (``observed.path``) as a black step
    line, or a note where the scenario records none. Bottom: the share of replicates whose highest
    rung so far is at least 2, 3, 4 and 5 (log scale, so rare war and nuclear use show).
    """
    run = load_run(run)
    q = rung_quantiles(run.daily)
    day = q["day"].to_numpy()
    fig = new_figure(7.5, 6.2)
    with style():
        ax, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        ax.fill_between(day, q["q0.05"], q["q0.95"], step="post", facecolor="#bdd7e7", edgecolor="#6baed6",
                        linewidth=0.5, label="90% of replicates", gid="band90")
        ax.fill_between(day, q["q0.25"], q["q0.75"], step="post", facecolor="#3182bd", edgecolor="#08519c",
                        linewidth=0.5, hatch="//", label="50% of replicates", gid="band50")
        ax.step(day, q["q0.5"], where="post", color="black", linewidth=1.6, label="median", gid="median")
        ax.plot(day, q["mean"], color=SERIES_COLOURS[1], linestyle="--", linewidth=1.4, label="mean", gid="mean")
        try:
            obs = observed_path(run)
            ax.step(obs["day"], obs["highest_so_far"], where="post", color="black", linewidth=2.2,
                    linestyle=(0, (1, 1)), marker="o", markersize=3, markevery=max(1, len(obs) // 40),
                    label="observed (highest so far)", gid="observed")
        except MissingData as exc:
            note(fig, str(exc))
            footnote(fig, f"Note: {exc}.")
            obs_top = run.observed_number("highest_rung")
            if obs_top is not None:
                ax.axhline(obs_top, color="black", linestyle=(0, (1, 1)), linewidth=1.2,
                           label=f"observed highest rung ({obs_top:g})", gid="observed_highest")
        ax.set_ylim(-0.15, 5.3)
        ax.set_yticks(range(6), [s.split(" ", 1)[0] + " " + s.split(" ", 1)[1].split(",")[0] for s in RUNG_SHORT])
        ax.set_ylabel("highest rung so far")
        ax.legend(loc="lower right", ncols=2)
        suptitle(fig, f"Highest rung reached so far: {run.title} ({run.replicates:,} replicates)")
        for k in range(2, 6):
            share = run.daily[[f"share_highest_rung{j}" for j in range(k, 6)]].sum(axis=1).to_numpy()
            ax2.plot(day, np.where(share > 0, share, np.nan), color=SERIES_COLOURS[k - 2], linestyle=LINESTYLES[k - 2],
                     linewidth=1.5, label=f"≥ {RUNG_SHORT[k]} ({share_text(share[-1])} by day {day[-1]})",
                     gid=f"exceed{k}")
        ax2.set_yscale("log")
        ax2.set_ylim(max(0.5 / max(run.replicates, 1), 1e-6), 1.5)
        ax2.set_ylabel("share of replicates\n(log scale)")
        ax2.set_xlabel(day_axis_label(run))
        ax2.set_xlim(day[0], day[-1])
        ax2.legend(loc="lower right", ncols=2, title="highest rung so far")
    return fig
