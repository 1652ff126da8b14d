"""Figures of a run, of a policy comparison and of a sweep: drawn from aggregates, never per replicate.

Every figure function returns a :class:`matplotlib.figure.Figure` (so a test or a notebook can
inspect its axes) and saves nothing; :func:`~sim.views.style.save_figure` writes it as PNG and
SVG, and :mod:`sim.views.render` draws a run's or a comparison's figures with the report. The
functions read only aggregates: the daily shares, the summary and, where a figure needs them,
per-replicate columns read a block at a time (only those it draws) and reduced to a few numbers
per day or per tie (counts, sums), so the memory drawing takes does not grow with the number of
replicates. A run is an EnsembleResult, a results directory or a
:class:`~sim.runs.reader.RunData` (read by :func:`~sim.runs.reader.load_run`).

The figures, by kind:

- :mod:`~sim.views.figures.run`: escalation over time, the highest rung so far (fan chart);
- :mod:`~sim.views.figures.outcomes`: the forest plot, differences from a baseline, brokers;
- :mod:`~sim.views.figures.survival`: the time to ceasefire;
- :mod:`~sim.views.figures.network`: the alliance network and the change in ties;
- :mod:`~sim.views.figures.sweep`: lines and heatmaps over swept keys.

This package re-exports their public functions, so ``from sim.views.figures import forest_plot``
works; the look (style, saving, notes) is :mod:`sim.views.style`, the colours are the
vocabulary's (:mod:`sim.vocab.palette`, :mod:`sim.vocab.ladder`).
"""

from sim.runs.reader import (
           RunData,
           load_run,
           load_runs,
           network_matrices,
           observed_path,
)
from sim.stats.curves import ceasefire_survival, rung_quantiles
from sim.views.figures.network import affinity_change_plot, network_figure
from sim.views.figures.outcomes import (
           broker_plot,
           difference_plot,
           differences,
           forest_plot,
)
from sim.views.figures.run import escalation_figure, highest_rung_figure
from sim.views.figures.survival import survival_plot
from sim.views.figures.sweep import (
           TIDY_COLUMNS,
           sweep_heatmap,
           sweep_lines,
           swept_keys,
           write_sweep_figures,
)
from sim.views.style import (
           FORMATS,
           FigureRecord,
           FigureSet,
           FigureSkipped,
           new_figure,
           save_figure,
)

__all__ = ["FORMATS", "TIDY_COLUMNS", "FigureRecord", "FigureSet", "FigureSkipped", "RunData", "affinity_change_plot",
           "broker_plot", "ceasefire_survival", "difference_plot", "differences", "escalation_figure", "forest_plot",
           "highest_rung_figure", "load_run", "load_runs", "network_figure", "network_matrices", "new_figure",
           "observed_path", "rung_quantiles", "save_figure", "survival_plot", "sweep_heatmap", "sweep_lines",
           "swept_keys", "write_sweep_figures"]
