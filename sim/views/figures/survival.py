"""The time to ceasefire: the share of replicates with no ceasefire yet, by day, per run.

A Kaplan-Meier curve (:func:`~sim.stats.curves.ceasefire_survival`) with its Wilson 95% band,
one line per run in the palette's series colours and line styles; it crosses the dotted line at
the median day of a ceasefire. The curve is counted from ``day_ceasefire`` a block at a time
(:func:`~sim.stats.curves.ceasefire_survival_blocks`), the only column read, so drawing it holds
one block of a run, not its replicates.
"""

from __future__ import annotations

from typing import Any, Sequence

from sim.stats.curves import ceasefire_survival_blocks
from sim.views.figures.common import day_axis_label, runs_of
from sim.views.style import footnote, new_figure, style
from sim.vocab.palette import LINESTYLES, SERIES_COLOURS


def survival_plot(runs: Any, labels: Sequence[str] | None = None) -> Any:
    """Time to ceasefire: the share of replicates with no ceasefire yet, by day, per run, with 95% bands."""
    runs = runs_of(runs, labels)
    fig = new_figure(7.5, 4.4)
    with style():
        ax = fig.subplots()
        for i, run in enumerate(runs):
            blocks = run.outcome_chunks(["day_ceasefire"])
            tab = ceasefire_survival_blocks((b["day_ceasefire"].to_numpy() for b in blocks()), run.days)
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            ax.fill_between(tab["day"], tab["ci_low"], tab["ci_high"], step="post", color=colour, alpha=0.22,
                            linewidth=0, gid=f"band{i}")
            ax.step(tab["day"], tab["survival"], where="post", color=colour, linestyle=LINESTYLES[i % len(LINESTYLES)],
                    linewidth=1.6, label=run.label, gid=f"run{i}")
        ax.axhline(0.5, color="0.5", linewidth=0.7, linestyle=":")
        obs = runs[0].observed_number("days_to_ceasefire")
        if obs is not None and all(r.scenario_name == runs[0].scenario_name for r in runs):
            ax.axvline(obs, color="black", linestyle=":", linewidth=1.2, label=f"observed ceasefire (day {obs:g})")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, max(r.days for r in runs))
        ax.set_xlabel(day_axis_label(runs[0]))
        ax.set_ylabel("share of replicates with no ceasefire yet")
        ax.legend(loc="upper right", title="policy (95% band)")
        scen = ", ".join(sorted({r.scenario_name for r in runs}))
        ax.set_title(f"Time to ceasefire: {scen}")
        footnote(fig, "Kaplan-Meier estimate; replicates without a ceasefire are censored at the horizon "
                       "(those ending in nuclear use never reach one). Bands: Wilson 95%.")
    return fig
